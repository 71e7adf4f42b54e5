"""Sentences of the CLI's sign-in (personal access tokens) and of the role checks,
Japanese first; merged into ``application.texts``."""

from __future__ import annotations

TOKEN_TEXTS: dict[str, tuple[str, str]] = {
    "token_missing": (
        "サインインしていません: コンソールの「アクセストークン」で作ったトークンを CS_TOKEN "
        "に設定してください（または {path} に置く）",
        "not signed in: set CS_TOKEN to a token made on the console's access token page "
        "(or put it in {path})",
    ),
    "token_invalid": (
        "アクセストークンが無効です（不明・期限切れ・取り消し済み）",
        "the access token is not valid (unknown, expired or revoked)",
    ),
    "token_file_unsafe": (
        "トークンファイル {path} は本人以外も読めます（chmod 600 にしてください）",
        "token file {path} is readable by others (chmod 600 it)",
    ),
    "on_behalf_refused": (
        "--as は「代理で操作できる」教育委員会担当者のトークンでのみ使えます",
        "--as needs a board admin's token made to act on behalf of others",
    ),
    "on_behalf_outside": (
        "{person} はあなたが担当する自治体の人ではありません",
        "{person} is not a person of a municipality you administer",
    ),
    "actor_needed": (
        "このトークンには本人がいません（ローカル操作用）: --as で操作する人を指定してください",
        "this token has no person (the local operator's): name who acts with --as",
    ),
    "role_needed": (
        "この操作には {roles} の役割が必要です（{target}）",
        "this needs the role {roles} ({target})",
    ),
    "local_operator_needed": (
        "この操作は全自治体が対象のため、ローカル操作用トークン（make run）でのみ行えます"
        "（--municipality で自治体を指定してください）",
        "this covers every municipality: only the local operator's token (make run) may do "
        "it (name one with --municipality)",
    ),
    "token_name_bad": (
        "トークンの名前は1〜60文字で指定してください",
        "a token's name must be 1 to 60 characters",
    ),
    "token_name_control": (
        "トークンの名前に制御文字 {char} は使えません",
        "a token's name may not contain the control character {char}",
    ),
    "token_days_bad": (
        "有効期限は1〜90日で指定してください",
        "the expiry must be 1 to 90 days",
    ),
}
