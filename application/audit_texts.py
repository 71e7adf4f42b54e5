"""Sentences of the governed directory (``load``), the audit and erasure, Japanese first;
merged into ``application.texts``."""

from __future__ import annotations

AUDIT_TEXTS: dict[str, tuple[str, str]] = {
    # --- errors (one line on stderr) ---
    "load_unconfirmed": (
        "変更は確認されていないため何も変更していません（端末で実行するか --yes を付けてください）",
        "nothing changed: the changes were not confirmed (run in a terminal or add --yes)",
    ),
    "load_declined": ("変更を取りやめました（何も変更していません）", "cancelled; nothing changed"),
    "directory_moved": (
        "表示した後に名簿が変更されました。何も変更していません。もう一度 load してください",
        "the directory changed after the diff was shown; nothing changed; run load again",
    ),
    "roster_not_sent": (
        "名簿は保存しましたが、{council} の{year}年度のサイクルに届きませんでした: {detail}"
        "（`roster sync` で再送できます）",
        "the directory was saved but the {year} cycle of {council} did not take the new "
        "roster: {detail}; send it again with `roster sync`",
    ),
    "audit_broken": ("監査記録の改ざんまたは欠落: {detail}", "audit chain broken: {detail}"),
    "audit_bad_anchor": (
        "照合値（アンカー）を読めません: {detail}",
        "cannot read the audit anchor: {detail}",
    ),
    "erase_unconfirmed": (
        "消去は取り消せません。--yes を付けて実行してください（何も変更していません）",
        "erasure cannot be undone; add --yes to confirm (nothing changed)",
    ),
    "not_board_admin": (
        "{actor} は自治体 {municipality} の教育委員会の担当者ではありません",
        "{actor} is not a board admin of {municipality}",
    ),
    # --- results ---
    "load_diff_header": (
        "{name}（{id}）の変更点 {count}件:",
        "{count} changes to {name} ({id}):",
    ),
    "load_no_changes": (
        "{name}（{id}）に変更点はありません",
        "no changes to {name} ({id})",
    ),
    "load_confirm": ("この変更を適用しますか?", "Apply these changes?"),
    "load_applied": (
        "{count}件の変更を適用しました（変更ID {change_id}）",
        "applied {count} changes (change id {change_id})",
    ),
    "roster_sent": (
        "{council} の{year}年度のサイクルに新しい名簿を反映しました",
        "the {year} cycle of {council} now has the new roster",
    ),
    "audit_ok": ("{table}: {rows}行、改ざんなし", "{table}: {rows} rows, chain intact"),
    "audit_anchor_ok": (
        "{table}: {at} の照合値（seq {seq}）と一致",
        "{table}: matches the anchor of {at} (seq {seq})",
    ),
    "erased": (
        "利用者 {person} の個人情報を消去しました（役職 {roles}件・通知 {notifications}件）",
        "erased the personal data of {person} ({roles} roles, {notifications} notifications)",
    ),
}
