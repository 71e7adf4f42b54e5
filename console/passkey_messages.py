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
}
