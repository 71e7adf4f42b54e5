"""What a person is told before and after an act that cannot be undone: the
consequence on the confirmation page, and the outcome once it is done, worded from the
cycle's state (「否決されました（賛成4・反対3、3分の2に届かず）」), never a bare
「記録しました」.

The acts confirmed first: closing the discussion, closing the vote, closing the year,
submitting the plan and publishing minutes (``CONFIRMED``).
"""

from __future__ import annotations

from domain.base import Step
from domain.commands import SubmitPlanInput
from domain.cycle_handlers import tally
from domain.japan_time import day_text
from domain.meeting_calls import ANSWER_NAMES
from domain.model import CycleState, PolicyStatus, Tally, Threshold, VoteRule
from domain.refusals import ACTION_NAMES, Lang
from domain.task_rules import planned_tasks
from i18n.catalogue import Texts

#: The console's part of the catalogue.
WORDS = Texts("console")

#: The acts a confirmation page comes before.
CONFIRMED = frozenset({"close_discussion", "close_vote", "close_cycle", "submit_plan"})


def share(threshold: Threshold, lang: Lang) -> str:
    """A threshold in words: 過半数, 3分の2."""
    if (threshold.numerator, threshold.denominator, threshold.inclusive) == (1, 2, False):
        return WORDS.text("share_half", lang)
    return WORDS.text(
        "share_fraction", lang, numerator=threshold.numerator, denominator=threshold.denominator
    )


def why_rejected(result: Tally, rule: VoteRule, lang: Lang) -> str:
    """Why a vote did not pass: no quorum, or short of the majority it needs."""
    if not result.quorum_met:
        return WORDS.text("why_no_quorum", lang)
    return WORDS.text("why_majority", lang, share=share(rule.majority, lang))


def vote_preview(state: CycleState, lang: Lang) -> list[str]:
    """The close-vote page's lines: the votes now, and what closing now would decide."""
    policy = state.current_policy
    if policy is None or policy.status is not PolicyStatus.VOTING:
        return []
    now = tally(policy, state.roster, state.vote_rule)
    lines = [
        WORDS.text("confirm_close_vote", lang, version=policy.version),
        WORDS.text(
            "confirm_tally_now",
            lang,
            approve=now.approve,
            reject=now.reject,
            cast=now.cast,
            eligible=now.eligible,
        ),
    ]
    if now.passed:
        lines.append(WORDS.text("confirm_vote_would_pass", lang))
    else:
        why = why_rejected(now, state.vote_rule, lang)
        lines.append(WORDS.text("confirm_vote_would_fail", lang, why=why))
    return lines


def confirm_lines(kind: str, state: CycleState, lang: Lang) -> list[str]:
    """The consequence of ``kind``, stated on its confirmation page (submitting the plan
    words its own, from the form)."""
    if kind == "close_discussion":
        lines = [WORDS.text("confirm_close_discussion", lang)]
        if state.vision:
            lines.append(WORDS.text("confirm_close_discussion_vision", lang, vision=state.vision))
        return lines
    if kind == "close_vote":
        return vote_preview(state, lang)
    if kind == "close_cycle":
        lines = [WORDS.text("confirm_close_cycle", lang, year=state.fiscal_year)]
        unrated = len(set(state.aims()) - set(state.evaluations))
        if unrated:
            lines.append(WORDS.text("confirm_unrated", lang, count=unrated))
        return lines
    return []


def outcome(kind: str, state: CycleState, person_id: str, lang: Lang) -> str:
    """What an accepted command did, in one sentence read from the state after it."""
    if kind == "close_discussion":
        return WORDS.text("done_close_discussion", lang)
    if kind == "close_vote":
        closed = [p for p in state.policies if p.tally is not None]
        if closed:
            last = closed[-1]
            assert last.tally is not None
            counts = {"approve": last.tally.approve, "reject": last.tally.reject}
            if last.status is PolicyStatus.APPROVED:
                return WORDS.text("done_vote_approved", lang, **counts)
            why = why_rejected(last.tally, state.vote_rule, lang)
            return WORDS.text("done_vote_rejected", lang, why=why, **counts)
    if kind == "submit_plan":
        return WORDS.text(
            "done_submit_plan", lang, activities=len(state.plan), tasks=len(state.tasks)
        )
    if kind == "close_cycle" and state.step is Step.CLOSED:
        return WORDS.text("done_close_cycle", lang, year=state.fiscal_year)
    if kind == "cast_vote":
        policy = state.current_policy
        ballot = None if policy is None else policy.ballots.get(person_id)
        if ballot is not None:
            return WORDS.text("done_cast_vote", lang, ballot=WORDS.text(ballot.value, lang))
    if kind == "record_meeting" and state.meetings:
        return WORDS.text("done_record_meeting", lang, number=state.meetings[-1].number)
    name = ACTION_NAMES.name(kind, "ja") if lang == "ja" else kind.replace("_", " ")
    return WORDS.text("done_action", lang, action=name)


#: The acts on a meeting call whose outcome ``call_outcome`` words.
CALL_ACTS = frozenset({"call_meeting", "reply_to_call", "postpone_meeting"})


def call_outcome(kind: str, state: CycleState, call_id: str, person_id: str, lang: Lang) -> str:
    """What an accepted command on the meeting call ``call_id`` did, read from the state
    after it: 「会議の招集を送りました（7人に通知）」, 「出席と返事しました」,
    「会議を12月20日（日）18:30に延期しました。招集した全員に通知しました」."""
    call = next((c for c in state.calls if c.call_id == call_id), None)
    if call is not None and kind == "call_meeting":
        return WORDS.text("done_call_meeting", lang, count=len(call.invitees))
    if call is not None and kind == "reply_to_call":
        reply = next((r for r in call.replies if r.member_id == person_id), None)
        if reply is not None:
            answer = ANSWER_NAMES.text(reply.answer.value, lang)
            return WORDS.text("done_reply_to_call", lang, answer=answer)
    if call is not None and kind == "postpone_meeting":
        day = day_text(call.held_on, lang=lang)
        when = f"{day}{' ' if lang == 'en' else ''}{call.starts_at:%H:%M}"
        return WORDS.text("done_postpone_meeting", lang, when=when)
    return outcome(kind, state, person_id, lang)


def plan_confirm(state: CycleState, command: object, lang: Lang) -> list[str]:
    """The plan form's confirmation: how many activities and tasks it makes, and each
    activity with its date."""
    assert isinstance(command, SubmitPlanInput)
    tasks = len(list(planned_tasks(state.roster, command.activities)))
    lines = [
        WORDS.text("confirm_submit_plan", lang, activities=len(command.activities), tasks=tasks)
    ]
    for activity in command.activities:
        date = day_text(activity.planned_on, lang=lang)
        lines.append(WORDS.text("confirm_plan_activity", lang, title=activity.title, date=date))
    return lines
