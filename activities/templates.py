"""Notification texts: Japanese first, English as a fallback. Pure functions.

Every message names the council (and so the school), the step, and what to do next.
Templates are format strings over the notice's params plus a few derived values
(``council``, ``step_ja``, ``next_ja`` / ``next_en``, ``result_ja``, ``follow_ja``).
"""

from __future__ import annotations

from typing import NamedTuple

from domain.refusals import STEP_NAMES_JA, Lang


class Message(NamedTuple):
    """A rendered notification."""

    subject: str
    body: str


_NEXT_ACTION: dict[str, tuple[str, str]] = {
    "discuss": (
        "協議会で熟議し、会議録と目指す子ども像を記録してください。",
        "Deliberate, then record the minutes and the vision.",
    ),
    "approve": (
        "校長は学校運営の基本方針を提出し、委員は投票してください。",
        "The principal submits the basic policy; members vote.",
    ),
    "plan": (
        "コーディネーターは活動・ねらい・役割分担・日程の計画を提出してください。",
        "The coordinator submits the plan: activities, aims, roles and dates.",
    ),
    "coordinate": (
        "コーディネーターは関係者・団体との連絡調整を進めてください。",
        "The coordinator contacts the people and groups involved.",
    ),
    "act": (
        "活動を実施し、参加状況を記録してください。",
        "Hold the activities and record who took part.",
    ),
    "evaluate": (
        "会長はねらいごとの達成度を評価し、評価を締めくくってください。",
        "The chair rates each aim and closes the evaluation.",
    ),
}

# template -> (subject ja, body ja, subject en, body en)
_TEMPLATES: dict[str, tuple[str, str, str, str]] = {
    "step_opened": (
        "【{council}】「{step_ja}」ステップが始まりました",
        "{council}の学校運営協議会は「{step_ja}」ステップに入りました（期限: {due}）。\n"
        "次にすること: {next_ja}",
        "[{council}] Step '{step}' has opened",
        "The council of {council} is now at '{step}' (due {due}).\nNext: {next_en}",
    ),
    "vote_needed": (
        "【{council}】基本方針（第{version}版）への投票をお願いします",
        "{council}の学校運営の基本方針（第{version}版）が提出されました。\n"
        "次にすること: 内容を確認し、賛成または反対の投票をしてください。",
        "[{council}] Please vote on the basic policy (version {version})",
        "The basic school-management policy was submitted.\nNext: read it and vote.",
    ),
    "vote_result": (
        "【{council}】基本方針（第{version}版）は{result_ja}されました",
        "採決結果: 賛成 {approve}、反対 {reject}（委員 {eligible} 名）。\n"
        "次にすること: {follow_ja}",
        "[{council}] Policy version {version}: {result}",
        "Approve {approve}, reject {reject} of {eligible} members.\nNext: {follow_en}",
    ),
    "reminder": (
        "【{council}】「{step_ja}」の期限まであと{days}日です（{due}）",
        "{council}の「{step_ja}」の期限は{due}です。\n次にすること: {next_ja}",
        "[{council}] '{step}' is due in {days} days ({due})",
        "'{step}' is due on {due}.\nNext: {next_en}",
    ),
    "overdue": (
        "【{council}】「{step_ja}」が期限（{due}）を過ぎています",
        "{council}の「{step_ja}」は期限の{due}を過ぎました。\n次にすること: {next_ja}",
        "[{council}] '{step}' is overdue (due {due})",
        "'{step}' was due on {due}.\nNext: {next_en}",
    ),
    "escalation_chief": (
        "【{council}】「{step_ja}」の遅れについて統括コーディネーターへ連絡します",
        "{council}の「{step_ja}」は期限の{due}から遅れています。\n"
        "次にすること: 統括コーディネーターは担当コーディネーターと状況を確認してください。",
        "[{council}] '{step}' is late: escalated to the chief coordinator",
        "'{step}' was due on {due}.\nNext: the chief coordinator checks in with the council.",
    ),
    "escalation_board": (
        "【{council}】「{step_ja}」の遅れについて教育委員会へ報告します",
        "{council}の「{step_ja}」は期限の{due}から大きく遅れています。\n"
        "次にすること: 教育委員会は協議会に支援を申し出てください。",
        "[{council}] '{step}' is late: escalated to the board of education",
        "'{step}' was due on {due}.\nNext: the board offers the council support.",
    ),
    "paused": (
        "【{council}】サイクルが一時停止されました",
        "教育委員会が{council}のサイクルを一時停止しました（理由: {reason}）。\n"
        "次にすること: 再開の連絡をお待ちください。期限は停止期間の分だけ延びます。",
        "[{council}] The cycle is paused",
        "The board paused the cycle (reason: {reason}). Deadlines move by the time paused.\n"
        "Next: wait for the notice that the cycle has resumed.",
    ),
    "resumed": (
        "【{council}】サイクルが再開されました",
        "{council}のサイクルが「{step_ja}」から再開されました（期限: {due}）。\n"
        "次にすること: {next_ja}",
        "[{council}] The cycle has resumed",
        "The cycle resumed at '{step}' (due {due}).\nNext: {next_en}",
    ),
    "task_assigned": (
        "【{council}】連絡調整のタスクが割り当てられました（{count}件）",
        "{council}の連絡調整のタスクがあなたの担当になりました: {title}（{task_id}）。\n"
        "期限: {due}（複数の場合は最も早い期限）\n"
        "次にすること: 内容を確認して引き受け（task claim）、終わったら完了（task complete）を"
        "記録してください。",
        "[{council}] Coordination tasks assigned to you ({count})",
        "You now own: {title} ({task_id}), due {due}.\nNext: claim them, then record each as done.",
    ),
    "task_reminder": (
        "【{council}】タスク「{title}」の期限は明日（{due}）です",
        "{council}の連絡調整のタスク「{title}」（{task_id}）は{due}が期限です。\n"
        "次にすること: 終わったら完了（task complete）を記録してください。"
        "不要になった場合は理由を添えて不要（task waive）にしてください。",
        "[{council}] Task '{title}' is due tomorrow ({due})",
        "Task {task_id} is due on {due}.\nNext: record it as complete, or waive it with a reason.",
    ),
    "task_overdue": (
        "【{council}】タスク「{title}」が期限（{due}）を過ぎています",
        "{council}の連絡調整のタスク「{title}」（{task_id}）は期限の{due}を過ぎました。\n"
        "次にすること: 担当者は状況を確認して完了を記録してください。"
        "統括コーディネーターは必要なら担当を変更（task reassign）してください。",
        "[{council}] Task '{title}' is overdue (due {due})",
        "Task {task_id} was due on {due}.\nNext: the owner completes it; the chief may reassign.",
    ),
    "meeting_call": (
        "【{council}】会議の招集: {held_on} {starts_at}",
        "{council}の学校運営協議会を{held_on} {starts_at}に開催します。\n"
        "次にすること: 出席・欠席・未定を返信してください（会議の前まで変更できます）。\n"
        "返信: {base_url}{reply_path}\n"
        "出席: {base_url}{reply_path}?answer=attend\n"
        "欠席: {base_url}{reply_path}?answer=absent\n"
        "未定: {base_url}{reply_path}?answer=undecided\n"
        "（リンクを開くと確認の画面になります。押すまで送られません）",
        "[{council}] Meeting called: {held_on} {starts_at}",
        "The council meets on {held_on} at {starts_at}.\n"
        "Next: reply attend, absent or undecided (you can change it until the meeting).\n"
        "Reply: {base_url}{reply_path}\n"
        "Attend: {base_url}{reply_path}?answer=attend\n"
        "Absent: {base_url}{reply_path}?answer=absent\n"
        "Undecided: {base_url}{reply_path}?answer=undecided\n"
        "(Each link opens a page that asks you to confirm; nothing is sent before.)",
    ),
    "meeting_call_reminder": (
        "【{council}】出欠の返信をお願いします（{held_on}の会議）",
        "{held_on} {starts_at}の会議への出欠の返信がまだありません。\n"
        "次にすること: 出席・欠席・未定を返信してください。\n"
        "返信: {base_url}{reply_path}",
        "[{council}] Please reply to the call ({held_on} meeting)",
        "You have not replied to the meeting on {held_on} at {starts_at}.\n"
        "Next: reply attend, absent or undecided.\nReply: {base_url}{reply_path}",
    ),
    "cycle_closed": (
        "【{council}】{year}年度のサイクルが終了しました",
        "{council}の{year}年度の評価が締めくくられました。\n"
        "次にすること: 評価の結果を次年度の話し合いに引き継いでください。",
        "[{council}] The {year} cycle has closed",
        "The evaluation is closed. Next: carry its findings into next year's discussion.",
    ),
}

TEMPLATES = frozenset(_TEMPLATES)

#: The console page where the person acts on each kind of notice, below the cycle page.
_PAGE_OF: dict[str, str] = {"vote_needed": "/vote"}


def console_link(base_url: str, council_id: str, fiscal_year: int, template: str) -> str:
    """The web console page where the recipient of ``template`` acts: the vote for a
    call to vote, else the council's cycle page for that year."""
    page = _PAGE_OF.get(template, "")
    return f"{base_url.rstrip('/')}/councils/{council_id}/{fiscal_year}{page}"


def render_notice(
    template: str, params: dict[str, str], council: str, lang: Lang = "ja", base_url: str = ""
) -> Message:
    """Render ``template`` for the council named ``council``.

    Raises ``KeyError`` naming the template or the missing value, so a typo fails loudly
    instead of sending a half-empty message.
    """
    if template not in _TEMPLATES:
        raise KeyError(f"unknown notification template {template!r}")
    step = params.get("step", "")
    next_ja, next_en = _NEXT_ACTION.get(step, ("", ""))
    approved = params.get("result") == "approved"
    values = {
        **params,
        "council": council,
        # Links to the console page where one answers (``reply_path`` below it).
        "base_url": base_url.rstrip("/"),
        "step_ja": STEP_NAMES_JA.get(step, step),
        "next_ja": next_ja,
        "next_en": next_en,
        "result_ja": "承認" if approved else "否決",
        "follow_ja": "計画づくりに進みます。"
        if approved
        else "校長は方針を見直して再提出してください。",
        "follow_en": "on to the plan." if approved else "the principal revises and resubmits.",
    }
    subject_ja, body_ja, subject_en, body_en = _TEMPLATES[template]
    if lang == "en":
        return Message(subject_en.format(**values), body_en.format(**values))
    return Message(subject_ja.format(**values), body_ja.format(**values))
