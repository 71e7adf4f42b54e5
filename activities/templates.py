"""Notification texts: Japanese first, English as a fallback. Pure functions.

Every message names the council (and so the school), the step, and what to do next.
"""

from __future__ import annotations

from typing import NamedTuple

from domain.refusals import STEP_NAMES_JA, Lang


class Message(NamedTuple):
    """A rendered notification."""

    subject: str
    body: str


_NEXT_ACTION_JA: dict[str, str] = {
    "discuss": "協議会で熟議し、会議録と目指す子ども像を記録してください。",
    "approve": "校長は学校運営の基本方針を提出し、委員は投票してください。",
    "plan": "コーディネーターは活動・ねらい・役割分担・日程の計画を提出してください。",
    "coordinate": "コーディネーターは関係者・団体との連絡調整を進めてください。",
    "act": "活動を実施し、参加状況を記録してください。",
    "evaluate": "会長はねらいごとの達成度を評価し、評価を締めくくってください。",
}
_NEXT_ACTION_EN: dict[str, str] = {
    "discuss": "Deliberate, then record the minutes and the vision.",
    "approve": "The principal submits the basic policy; members vote.",
    "plan": "The coordinator submits the plan: activities, aims, roles and dates.",
    "coordinate": "The coordinator contacts the people and groups involved.",
    "act": "Hold the activities and record who took part.",
    "evaluate": "The chair rates each aim and closes the evaluation.",
}
_RESULT_JA = {"approved": "承認", "rejected": "否決"}

TEMPLATES = frozenset({"step_opened", "vote_needed", "vote_result", "cycle_closed"})


def render_notice(
    template: str, params: dict[str, str], council: str, lang: Lang = "ja"
) -> Message:
    """Render ``template`` for the council named ``council``.

    Raises ``KeyError`` naming the template when it is unknown, so a typo fails loudly
    instead of sending an empty message.
    """
    if template not in TEMPLATES:
        raise KeyError(f"unknown notification template {template!r}")
    step = params.get("step", "")
    if lang == "en":
        return _render_en(template, params, council, step)
    step_ja = STEP_NAMES_JA.get(step, step)
    if template == "step_opened":
        return Message(
            f"【{council}】「{step_ja}」ステップが始まりました",
            f"{council}の学校運営協議会は「{step_ja}」ステップに入りました。\n"
            f"次にすること: {_NEXT_ACTION_JA.get(step, '')}",
        )
    if template == "vote_needed":
        return Message(
            f"【{council}】基本方針（第{params['version']}版）への投票をお願いします",
            f"{council}の学校運営の基本方針（第{params['version']}版）が提出されました。\n"
            "次にすること: 内容を確認し、賛成または反対の投票をしてください。",
        )
    if template == "vote_result":
        result = _RESULT_JA.get(params["result"], params["result"])
        follow = (
            "計画づくりに進みます。"
            if params["result"] == "approved"
            else "校長は方針を見直して再提出してください。"
        )
        return Message(
            f"【{council}】基本方針（第{params['version']}版）は{result}されました",
            f"採決結果: 賛成 {params['approve']}、反対 {params['reject']}"
            f"（委員 {params['eligible']} 名）。\n次にすること: {follow}",
        )
    return Message(
        f"【{council}】{params['year']}年度のサイクルが終了しました",
        f"{council}の{params['year']}年度の評価が締めくくられました。\n"
        "次にすること: 評価の結果を次年度の話し合いに引き継いでください。",
    )


def _render_en(template: str, params: dict[str, str], council: str, step: str) -> Message:
    if template == "step_opened":
        return Message(
            f"[{council}] Step '{step}' has opened",
            f"The council of {council} is now at '{step}'.\nNext: {_NEXT_ACTION_EN.get(step, '')}",
        )
    if template == "vote_needed":
        return Message(
            f"[{council}] Please vote on the basic policy (version {params['version']})",
            "The basic school-management policy was submitted.\nNext: read it and vote.",
        )
    if template == "vote_result":
        return Message(
            f"[{council}] Policy version {params['version']}: {params['result']}",
            f"Approve {params['approve']}, reject {params['reject']} "
            f"of {params['eligible']} members.",
        )
    return Message(
        f"[{council}] The {params['year']} cycle has closed",
        "The evaluation is closed. Next: carry its findings into next year's discussion.",
    )
