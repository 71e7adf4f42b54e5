"""Every sentence the CLI prints, in Japanese first and English for ``--lang en``.

Refusals come from ``domain.refusals``; this table holds the CLI's own lines (results,
labels and errors that are not the rules' refusals).
"""

from __future__ import annotations

from application.audit_texts import AUDIT_TEXTS
from application.token_texts import TOKEN_TEXTS
from domain.refusals import ACTION_NAMES_JA, ROLE_NAMES_JA, STEP_NAMES_JA, Lang

_TEXTS: dict[str, tuple[str, str]] = {
    # --- errors (one line on stderr) ---
    "usage": ("コマンドの指定に誤りがあります: {detail}", "invalid usage: {detail}"),
    "invalid_input": ("入力が正しくありません: {detail}", "invalid input: {detail}"),
    "bad_date": (
        "日付 {value} は YYYY-MM-DD 形式で指定してください",
        "date {value} must be given as YYYY-MM-DD",
    ),
    "file_missing": ("ファイル {path} が見つかりません", "file {path} not found"),
    "file_unreadable": ("ファイル {path} を読めません: {detail}", "cannot read {path}: {detail}"),
    "bad_yaml": (
        "{path} は正しい YAML ではありません: {detail}",
        "{path} is not valid YAML: {detail}",
    ),
    "bad_plan": (
        "計画ファイル {path} の内容が正しくありません: {detail}",
        "plan file {path} is not valid: {detail}",
    ),
    "plan_not_list": (
        "計画ファイル {path} は活動のリスト（YAML の配列）にしてください",
        "plan file {path} must be a YAML list of activities",
    ),
    "not_found": ("見つかりません: {detail}", "not found: {detail}"),
    "store_error": ("{detail}", "{detail}"),
    "store_failed": (
        "データベース {url} を使えません: {detail}",
        "cannot use the database {url}: {detail}",
    ),
    "unexpected": ("予期しないエラー（{kind}）: {detail}", "unexpected error ({kind}): {detail}"),
    "interrupted": ("中断しました", "interrupted"),
    "text_xor_file": (
        "--text と --file のどちらか一方だけを指定してください",
        "give exactly one of --text and --file",
    ),
    "council_xor_municipality": (
        "--council と --municipality のどちらか一方だけを指定してください",
        "give exactly one of --council and --municipality",
    ),
    "options_before_subcommand": (
        "「{group} {sub}」のオプションはサブコマンド名の後に指定してください",
        "put the options of '{group} {sub}' after the subcommand name",
    ),
    "missing_option": (
        "オプション {option} を指定してください",
        "missing option {option}",
    ),
    "no_councils": (
        "自治体 {municipality} には協議会が登録されていません",
        "municipality {municipality} has no councils",
    ),
    "remind_failed": (
        "{count}件の協議会に督促を送れませんでした: {details}",
        "could not remind {count} council(s): {details}",
    ),
    "start_failed": (
        "{count}件の協議会でサイクルを開始できませんでした: {details}",
        "could not start the cycle of {count} council(s): {details}",
    ),
    "demo_not_fresh": (
        "{council} の{year}年度のサイクルは既に進んでいます（{step}）。"
        "--year で別の年度を指定してください",
        "the {year} cycle of {council} is already under way ({step}); choose another --year",
    ),
    "demo_no_holder": (
        "協議会 {council} に「{role}」の役割の人がいないため、デモを実行できません",
        "council {council} has nobody with the role '{role}', so the demo cannot run",
    ),
    # --- results (stdout) ---
    "accepted": (
        "{action}を受け付けました（{council} {year}年度、現在のステップ: {step}）",
        "{action} accepted ({council} {year}, now at step: {step})",
    ),
    "vote_passed": (
        "第{version}版の基本方針は可決されました"
        "（賛成 {approve}・反対 {reject}／委員 {eligible}人）",
        "policy version {version} passed ({approve} for, {reject} against, {eligible} members)",
    ),
    "vote_rejected": (
        "第{version}版の基本方針は否決されました"
        "（賛成 {approve}・反対 {reject}／委員 {eligible}人）。校長が修正して再提出します",
        "policy version {version} was rejected ({approve} for, {reject} against, "
        "{eligible} members); the principal revises and resubmits it",
    ),
    "started": (
        "{council} の{year}年度のサイクルを開始しました",
        "started the {year} cycle of {council}",
    ),
    "already_running": (
        "{council} の{year}年度のサイクルは既に実行中です",
        "the {year} cycle of {council} is already running",
    ),
    "already_closed": (
        "{council} の{year}年度のサイクルは既に終了しています",
        "the {year} cycle of {council} is already closed",
    ),
    "starting_councils": ("サイクルを開始しています", "starting cycles"),
    "start_summary": (
        "{municipality}: 開始 {started}件・実行中 {running}件・終了済み {closed}件",
        "{municipality}: {started} started, {running} already running, {closed} already closed",
    ),
    "loaded": (
        "{name}（{id}）を読み込みました: 協議会 {councils}・学校 {schools}・中学校区 {districts}・"
        "人 {people}・役職 {staff}（追加 {inserted}件・更新 {updated}件・削除 {deleted}件）",
        "loaded {name} ({id}): {councils} councils, {schools} schools, {districts} districts, "
        "{people} people, {staff} staff ({inserted} inserted, {updated} updated, "
        "{deleted} deleted)",
    ),
    "marked_read": ("通知 {id} を既読にしました", "marked notification {id} as read"),
    "inbox_empty": ("通知はありません", "no notifications"),
    "history_empty": (
        "{council} の記録はまだありません",
        "nothing has been recorded for {council} yet",
    ),
}

# Texts of the governed directory, the audit and erasure, kept in their own module.
_TEXTS.update(AUDIT_TEXTS)
_TEXTS.update(TOKEN_TEXTS)

_STEP_NAMES_EN: dict[str, str] = {
    "discuss": "discuss",
    "approve": "approve",
    "plan": "plan",
    "coordinate": "coordinate",
    "act": "act",
    "evaluate": "evaluate",
    "closed": "closed",
}


def text(key: str, lang: Lang, **params: object) -> str:
    """The sentence ``key`` in ``lang`` with ``params`` filled in."""
    ja, en = _TEXTS[key]
    return (ja if lang == "ja" else en).format(**params)


def step_name(step: str, lang: Lang) -> str:
    """The people-facing name of a step."""
    return STEP_NAMES_JA.get(step, step) if lang == "ja" else _STEP_NAMES_EN.get(step, step)


def action_name(kind: str, lang: Lang) -> str:
    """The people-facing name of a command kind."""
    return ACTION_NAMES_JA.get(kind, kind) if lang == "ja" else kind.replace("_", " ")


def role_name(role: str, lang: Lang) -> str:
    """The people-facing name of a role."""
    return ROLE_NAMES_JA.get(role, role) if lang == "ja" else role.replace("_", " ")
