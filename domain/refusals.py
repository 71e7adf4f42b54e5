"""Why a command was refused, in Japanese first and English as a fallback.

A refusal is a code plus parameters; the text is rendered from the tables below so that a
client can show either language from the same failure.
"""

from __future__ import annotations

from typing import Literal

from domain.meeting_calls import CALL_ACTION_NAMES_JA, CALL_REFUSALS

Lang = Literal["ja", "en"]

_MESSAGES: dict[str, tuple[str, str]] = {
    **CALL_REFUSALS,
    "cycle_opening": (
        "サイクルを開始しています。少し待ってからもう一度お試しください",
        "the cycle is still opening; try again in a moment",
    ),
    "not_on_roster": (
        "{actor} はこの協議会の名簿にありません",
        "{actor} is not on this council's roster",
    ),
    "role_required": (
        "{actor} には「{action}」の権限がありません（必要な役割: {roles}）",
        "{actor} may not {action} (needs role: {roles})",
    ),
    "wrong_step": (
        "現在のステップは「{current}」です。「{action}」は「{expected}」で行えます",
        "the cycle is at '{current}'; {action} is done at '{expected}'",
    ),
    "cycle_closed": (
        "{year}年度のサイクルは終了しています",
        "the {year} cycle is closed",
    ),
    "empty_roster": (
        "名簿が空になる変更は受け付けません",
        "a roster change may not leave the roster empty",
    ),
    "unknown_attendee": (
        "出席者 {who} はこの協議会の名簿にありません",
        "attendee {who} is not on this council's roster",
    ),
    "vision_outside_discuss": (
        "目指す子ども像の案は「話し合い」ステップでのみ記録できます",
        "a vision draft can only be recorded in the discuss step",
    ),
    "no_meeting": (
        "話し合いを終えるには、会議を1回以上記録してください",
        "record at least one meeting before closing the discussion",
    ),
    "no_vision": (
        "話し合いを終えるには、目指す子ども像を記録してください",
        "record the vision (目指す子ども像) before closing the discussion",
    ),
    "vote_in_progress": (
        "第{version}版の基本方針は採決中です。採決を締め切ってから再提出してください",
        "policy version {version} is under vote; close the vote before resubmitting",
    ),
    "no_open_vote": (
        "採決中の基本方針がありません",
        "there is no policy under vote",
    ),
    "no_quorum": (
        "定足数に達していません（投票 {cast} / 委員 {eligible}）",
        "quorum not reached ({cast} of {eligible} members voted)",
    ),
    "empty_plan": (
        "計画には活動を1件以上含めてください",
        "the plan needs at least one activity",
    ),
    "duplicate_id": (
        "ID {id} が重複しています",
        "id {id} is used twice",
    ),
    "unknown_aim": (
        "ねらい {aim_id} は計画にありません",
        "aim {aim_id} is not in the plan",
    ),
    "aims_not_evaluated": (
        "未評価のねらいがあります: {aims}",
        "aims not yet evaluated: {aims}",
    ),
    "paused": (
        "このサイクルは教育委員会により一時停止中です（理由: {reason}）",
        "this cycle is paused by the board of education (reason: {reason})",
    ),
    "not_paused": (
        "このサイクルは一時停止していません",
        "this cycle is not paused",
    ),
    "deadline_past_step": (
        "「{step}」はすでに終わったステップです。期限を変更できません",
        "step '{step}' is already over; its deadline cannot be moved",
    ),
    "system_only": (
        "「{action}」はシステムだけが行えます",
        "{action} is done by the system only",
    ),
    "not_at_step": (
        "現在のステップは「{current}」です（「{step}」の督促はできません）",
        "the cycle is at '{current}', not '{step}'",
    ),
    "already_reminded": (
        "「{step}」の督促は本日（{day}）送信済みです",
        "a reminder for '{step}' was already sent today ({day})",
    ),
    "step_closes_itself": (
        "「{step}」ステップは、すべてのタスク・活動が終わると自動で完了します（手動では完了できません）",
        "step '{step}' closes by itself when all its tasks or activities are done",
    ),
    "unknown_task": (
        "タスク {task_id} はこのサイクルにありません",
        "task {task_id} is not in this cycle",
    ),
    "task_closed": (
        "タスク {task_id} はすでに終わっています（{status}）",
        "task {task_id} is already closed ({status})",
    ),
    "task_not_yours": (
        "タスク {task_id} の担当は {owner} です。担当者か統括コーディネーターが行ってください",
        "task {task_id} belongs to {owner}; its owner or the chief coordinator does this",
    ),
    "task_owned_by_other": (
        "タスク {task_id} はすでに {owner} の担当です。担当の変更は統括コーディネーターが行います",
        "task {task_id} already belongs to {owner}; the chief coordinator reassigns tasks",
    ),
    "task_already_claimed": (
        "タスク {task_id} はすでに引き受け済みです",
        "task {task_id} is already claimed",
    ),
    "task_owner_not_coordinator": (
        "{owner} はこの協議会のコーディネーターではないため、タスク {task_id} を担当できません",
        "{owner} is not a coordinator of this council and cannot own task {task_id}",
    ),
    "task_same_owner": (
        "タスク {task_id} はすでに {owner} の担当です",
        "task {task_id} already belongs to {owner}",
    ),
    "unknown_activity": (
        "活動 {activity_id} は計画にありません",
        "activity {activity_id} is not in the plan",
    ),
    "activity_already_recorded": (
        "活動 {activity_id} はすでに記録されています（{outcome}）",
        "activity {activity_id} is already recorded ({outcome})",
    ),
    "held_in_future": (
        "実施日 {held_on} は未来の日付です（今日は {today}）",
        "the date held, {held_on}, is in the future (today is {today})",
    ),
    "volunteer_unknown": (
        "ボランティア {volunteer_id} は登録されていません",
        "volunteer {volunteer_id} is not registered",
    ),
    "volunteer_withdrawn": (
        "ボランティア {volunteer_id} は {withdrawn_on} に登録を取り消しています",
        "volunteer {volunteer_id} withdrew on {withdrawn_on}",
    ),
    "volunteer_expired": (
        "ボランティア {volunteer_id} の登録は {expires_on} に期限切れです（活動日 {on}）。"
        "登録を更新してから記録してください",
        "volunteer {volunteer_id}'s registration expired on {expires_on} (activity on {on}); "
        "renew it before recording",
    ),
    "volunteer_not_yet_registered": (
        "ボランティア {volunteer_id} の登録日は {registered_on} で、活動日 {on} より後です",
        "volunteer {volunteer_id} registered on {registered_on}, after the activity on {on}",
    ),
    "text_too_long": (
        "{field} が長すぎます（{length}文字、上限 {limit}文字）",
        "{field} is too long ({length} characters, at most {limit})",
    ),
    "too_many_items": (
        "{field} の件数が多すぎます（上限 {limit}件）",
        "{field} has too many items (at most {limit})",
    ),
    "blank_text": (
        "{field} が空か空白だけです",
        "{field} is empty or only spaces",
    ),
    "control_character": (
        "{field} に制御文字 {char} は使えません",
        "{field} contains the control character {char}, which is not allowed",
    ),
    "date_outside_year": (
        "{field} {day} は{year}年度の範囲（{earliest}〜{latest}）外です",
        "{field} {day} is outside fiscal year {year} ({earliest} to {latest})",
    ),
    "too_many_meetings": (
        "1年度に記録できる会議は{limit}回までです",
        "at most {limit} meetings can be recorded in one fiscal year",
    ),
    "too_many_policy_versions": (
        "基本方針は1年度に{limit}版まで提出できます",
        "at most {limit} policy versions can be submitted in one fiscal year",
    ),
    "vote_rule_impossible": (
        "{field} の {numerator}/{denominator} は満たすことのできない条件です",
        "{field} of {numerator}/{denominator} can never be met",
    ),
    "registered_in_future": (
        "登録日 {registered_on} は未来の日付です（今日は {today}）",
        "the registration date {registered_on} is in the future (today is {today})",
    ),
    "bad_command_id": (
        "コマンドIDは英数字と -_.: の{limit}文字以内にしてください",
        "a command id is at most {limit} letters, digits or -_.:",
    ),
    "invalid_command": (
        "コマンドの内容が正しくありません: {detail}",
        "the command is not valid: {detail}",
    ),
    "step_not_manual": (
        "「{step}」は手動で完了できるステップではありません",
        "step '{step}' cannot be completed by hand",
    ),
}

STEP_NAMES_JA: dict[str, str] = {
    "discuss": "話し合い",
    "approve": "承認",
    "plan": "計画",
    "coordinate": "連絡調整",
    "act": "活動",
    "evaluate": "評価",
    "closed": "終了",
}

ACTION_NAMES_JA: dict[str, str] = {
    **CALL_ACTION_NAMES_JA,
    "record_meeting": "会議の記録",
    "close_discussion": "話し合いの終了",
    "submit_policy": "基本方針の提出",
    "cast_vote": "投票",
    "close_vote": "採決の締切",
    "submit_plan": "計画の提出",
    "complete_step": "ステップの完了",
    "evaluate_aim": "ねらいの評価",
    "close_cycle": "サイクルの終了",
    "set_deadline": "期限の変更",
    "pause_cycle": "一時停止",
    "resume_cycle": "再開",
    "remind": "督促",
    "alert": "期限の通知",
    "claim_task": "タスクの引き受け",
    "complete_task": "タスクの完了",
    "reassign_task": "タスクの担当変更",
    "waive_task": "タスクの免除",
    "record_activity": "活動の記録",
    "cancel_activity": "活動の中止",
    "task_alert": "タスクの期限の通知",
}

ROLE_NAMES_JA: dict[str, str] = {
    "chair": "会長",
    "member": "委員",
    "principal": "校長",
    "coordinator": "コーディネーター",
    "chief_coordinator": "統括コーディネーター",
    "board_admin": "教育委員会",
}


#: How a task or an activity ended, as people read it.
OUTCOME_NAMES_JA: dict[str, str] = {
    "completed": "完了",
    "waived": "不要",
    "held": "実施",
    "cancelled": "中止",
}


def render(code: str, params: dict[str, str], lang: Lang = "ja") -> str:
    """Render a refusal in ``lang``; step, action and role names are localised for ja."""
    ja, en = _MESSAGES[code]
    shown = dict(params)
    if lang == "ja":
        for key in ("current", "expected", "step"):
            if key in shown:
                shown[key] = STEP_NAMES_JA.get(shown[key], shown[key])
        if "action" in shown:
            shown["action"] = ACTION_NAMES_JA.get(shown["action"], shown["action"])
        if "roles" in shown:
            shown["roles"] = "・".join(ROLE_NAMES_JA.get(r, r) for r in shown["roles"].split(","))
        for key in ("status", "outcome"):
            if key in shown:
                shown[key] = OUTCOME_NAMES_JA.get(shown[key], shown[key])
    return (ja if lang == "ja" else en).format(**shown)


class Refusal(Exception):
    """A command that the rules do not allow now. The state it was checked against is
    unchanged."""

    def __init__(self, code: str, **params: str) -> None:
        if code not in _MESSAGES:
            raise KeyError(f"unknown refusal code {code!r}")
        self.code = code
        self.params = params
        super().__init__(render(code, params, "ja"))

    def message(self, lang: Lang = "ja") -> str:
        """The one-line reason in ``lang``."""
        return render(self.code, self.params, lang)
