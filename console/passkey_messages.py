"""Words of the passkey steps: the refusal to add a passkey before an existing one
confirmed the session, and the e-mail that tells a person a passkey was added. Japanese
first; merged into the console's catalogue (``console.messages``)."""

from __future__ import annotations

PASSKEY_MESSAGES: dict[str, tuple[str, str]] = {
    "passkey_confirm_first": (
        "別のパスキーを追加するには、先に登録済みのパスキーで確認してください。",
        "To add another passkey, first confirm with a passkey you already registered.",
    ),
    "passkey_add_needs_confirm": (
        "パスキーを追加するには、登録済みのパスキーでこのサインインを確認してください。"
        "登録済みのパスキーを使えない場合は、教育委員会の担当者に相談してください。",
        "To add a passkey, confirm this sign-in with a passkey you already registered. "
        "If you cannot use it any more, ask your board of education.",
    ),
    "passkey_mail_subject": (
        "【学校運営協議会】パスキーが登録されました",
        "[Council console] A passkey was registered",
    ),
    "passkey_mail_body": (
        "あなたのアカウントに新しいパスキーが登録されました。\n"
        "日時: {at}（日本時間）\n接続元: {client}\n登録済みのパスキー: {count}件\n\n"
        "心当たりがない場合は、すぐに教育委員会の担当者に連絡してください。",
        "A new passkey was registered for your account.\n"
        "When: {at} (Japan time)\nFrom: {client}\nPasskeys registered: {count}\n\n"
        "If this was not you, tell your board of education at once.",
    ),
    "passkey_reset_mail_subject": (
        "【学校運営協議会】パスキーがリセットされました",
        "[Council console] Your passkeys were reset",
    ),
    "passkey_reset_mail_body": (
        "教育委員会の担当者が、あなたのパスキー（{count}件）を削除しました。\n"
        "日時: {at}（日本時間）\n"
        "次回はメールのリンクでサインインし、新しいパスキーを登録してください。\n\n"
        "心当たりがない場合は、すぐに教育委員会の担当者に連絡してください。",
        "Your board of education removed your passkeys ({count}).\n"
        "When: {at} (Japan time)\n"
        "Next time, sign in with an e-mail link and register a new passkey.\n\n"
        "If you did not ask for this, tell your board of education at once.",
    ),
    "passkey_reset_title": ("パスキーのリセット", "Passkey reset"),
    "passkey_reset_intro": (
        "端末をなくした方などのパスキーを削除します。削除すると、その方はメールのリンクで"
        "サインインして新しいパスキーを登録できます。削除は監査記録に残り、本人にメールで"
        "知らせます。",
        "Remove the passkeys of someone who lost their device; they then sign in with an "
        "e-mail link and register a new one. The reset is audited and mailed to them.",
    ),
    "passkey_reset_none": (
        "パスキーを登録している方はほかにいません。",
        "Nobody else has a passkey.",
    ),
    "passkey_reset_person": ("氏名", "Name"),
    "passkey_reset_count": ("パスキー", "Passkeys"),
    "passkey_reset_newest": ("最新の登録日", "Newest registered"),
    "passkey_reset_column": ("リセット", "Reset"),
    "passkey_reset_action": ("リセットへ進む", "Reset…"),
    "passkey_reset_confirm": (
        "{name} さんのパスキーをすべて削除し、サインイン中の画面をすべて終了します。",
        "All passkeys of {name} are removed and all their sessions end.",
    ),
    "passkey_reset_do": ("パスキーを削除する", "Remove the passkeys"),
    "passkey_reset_done": (
        "パスキーを削除し、本人にメールで知らせました。",
        "The passkeys were removed; the person was told by e-mail.",
    ),
}
