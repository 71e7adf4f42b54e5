"""Words of the access token page and the codec endpoint, Japanese first; merged into
the console's catalogue (``console.messages``)."""

from __future__ import annotations

TOKEN_MESSAGES: dict[str, tuple[str, str]] = {
    "tokens": ("アクセストークン", "Access tokens"),
    "tokens_intro": (
        "コマンドライン（CLI）から操作するためのトークンです。CLI は環境変数 CS_TOKEN "
        "に設定したトークンの本人として操作します。",
        "Tokens let the command line (CLI) act as you: set CS_TOKEN to one.",
    ),
    "token_create": ("トークンを作る", "Create a token"),
    "token_name": ("名前（どのパソコン・用途か）", "Name (which computer or purpose)"),
    "token_days": ("有効期限（日数、最長90日）", "Expires in (days, at most 90)"),
    "token_on_behalf": (
        "他の人の代理で操作できる（教育委員会のみ。操作はすべて監査記録に残ります）",
        "May act on behalf of others (board only; every use is audited)",
    ),
    "token_shown_once": (
        "このトークンは今だけ表示されます。今すぐ控えてください:",
        "This token is shown only now. Copy it now:",
    ),
    "token_list": ("作ったトークン", "Your tokens"),
    "token_none": ("トークンはまだありません。", "You have no tokens yet."),
    "token_col_name": ("名前", "Name"),
    "token_col_created": ("作成日", "Created"),
    "token_col_expires": ("有効期限", "Expires"),
    "token_col_last_used": ("最終使用", "Last used"),
    "token_col_state": ("状態", "State"),
    "token_never_used": ("未使用", "never"),
    "token_live": ("有効", "active"),
    "token_expired": ("期限切れ", "expired"),
    "token_revoked": ("取り消し済み", "revoked"),
    "token_revoke": ("取り消す", "Revoke"),
    "token_revoke_named": ("トークン「{name}」を取り消す", "Revoke the token “{name}”"),
    "token_on_behalf_badge": ("代理可", "on behalf"),
    "token_name_bad": ("名前は1〜60文字で入力してください。", "Give a name of 1 to 60 characters."),
    "token_name_control": (
        "名前に制御文字（改行、タブ、文字の向きを変える記号など）は使えません。",
        "The name may not contain control characters (line breaks, tabs, direction marks).",
    ),
    "token_days_bad": ("有効期限は1〜90日です。", "The expiry must be 1 to 90 days."),
    "on_behalf_refused": (
        "代理で操作できるトークンは教育委員会の担当者だけが作れます。",
        "Only the board may create a token that acts on behalf of others.",
    ),
}
