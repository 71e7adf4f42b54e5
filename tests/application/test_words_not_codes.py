"""What people read is in words (issue 21): refusals name things, the history reads as
sentences, outcomes say what was decided, and a closed year's minutes follow the same
rule as the cycle's (``domain.meeting_call_rules.minutes_after_close``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from application import outcomes, wording
from domain.base import Role, Step
from domain.commands import CastVoteInput, CloseVoteInput, SubmitPolicyInput
from domain.events import Change
from domain.meeting_call_rules import minutes_after_close
from domain.meeting_calls import CorrectMinutesInput, PublishMinutesInput
from domain.model import Ballot, Threshold, VoteRule
from domain.refusals import Refusal
from domain.rules import execute
from tests.domain.builders import VOTERS, at, walk_to

LABELS = wording.Labels(
    people={"chair": "長谷川 千尋", "m1": "山田 太郎"},
    activities={"act-1": "読み聞かせ"},
    aims={"act-1-aim-1": "読書の習慣をつける"},
    tasks={"act-1-t1": "読み手の募集"},
)


def test_refusals_name_aims_people_and_dates() -> None:
    said = wording.named_refusal("unknown_aim", {"aim_id": "act-1-aim-1"}, LABELS, "ja")
    assert said == "ねらい 「読書の習慣をつける」 は計画にありません"
    said = wording.named_refusal(
        "role_required", {"actor": "m1", "action": "close_vote", "roles": "chair"}, LABELS, "ja"
    )
    assert said.startswith("山田 太郎 には「採決の締切」の権限がありません")
    future = wording.named_refusal(
        "held_in_future", {"held_on": "2026-12-20", "today": "2026-12-07"}, LABELS, "ja"
    )
    assert "12月20日（日）" in future and "12月7日（月）" in future
    # An id the labels do not know is never shown as itself.
    unknown = wording.named_refusal("unknown_task", {"task_id": "act-9-t9"}, LABELS, "ja")
    assert "act-9" not in unknown


def test_the_history_reads_as_sentences() -> None:
    def say(action: str, actor: str, *changes: Change) -> str:
        return wording.history_sentence(action, actor, changes, LABELS)

    assert say("cast_vote", "m1", Change(field="ballot:v2", before=None, after="approve")) == (
        "山田 太郎さんが基本方針 第2版に賛成しました"
    )
    assert say("cast_vote", "m1", Change(field="ballot:v1", before="approve", after="reject")) == (
        "山田 太郎さんが基本方針 第1版への投票を「賛成」から「反対」に変えました"
    )
    closed = say(
        "close_vote", "chair",
        Change(field="step", before="approve", after="plan"),
        Change(field="policy", before="v1:voting", after="v1:approved"),
    )  # fmt: skip
    assert closed == (
        "長谷川 千尋さんが採決を締め切りました。基本方針 第1版は承認されました。"
        "ステップ「計画」に進みました"
    )
    alert = Change(field="alert", before=None, after="discuss:escalation_board:2026-04-30:11")
    assert (
        say("alert", "system", alert)
        == "システム（自動）が「話し合い」の期限についてお知らせを送りました"
    )
    rated = Change(field="evaluation:act-1-aim-1", before=None, after="met")
    assert say("evaluate_aim", "chair", rated) == (
        "長谷川 千尋さんがねらい「読書の習慣をつける」を「達成」と評価しました"
    )
    claimed = Change(field="task_owner:act-1-t1", before=None, after="m1")
    assert (
        say("claim_task", "m1", claimed) == "山田 太郎さんがタスク「読み手の募集」を引き受けました"
    )
    gone = say("close_discussion", "someone-erased")
    assert gone == "名簿にない方が話し合いを終えました"


def test_closing_a_vote_says_what_was_decided_and_why() -> None:
    state = walk_to(Step.APPROVE)
    state = state.model_copy(
        update={"vote_rule": VoteRule(majority=Threshold(numerator=2, denominator=3))}
    )
    state = execute(state, SubmitPolicyInput(actor="principal", text="基本方針"), at(99)).state
    ballots = [Ballot.APPROVE] * 4 + [Ballot.REJECT] * 2
    for minute, (voter, ballot) in enumerate(zip(VOTERS, ballots, strict=True)):
        state = execute(state, CastVoteInput(actor=voter, ballot=ballot), at(100 + minute)).state
    preview = outcomes.confirm_lines("close_vote", state, "ja")
    assert preview[1].startswith("いまの投票: 賛成4・反対2")
    assert preview[2] == (
        "このまま締め切ると、否決されます（3分の2に届かず）。校長が基本方針を直して再提出します。"
    )
    closed = execute(state, CloseVoteInput(actor="chair"), at(200)).state
    assert outcomes.outcome("close_vote", closed, "chair", "ja") == (
        "否決されました（賛成4・反対2、3分の2に届かず）。校長が基本方針を直して再提出します。"
    )


def test_minutes_after_close_follow_the_cycles_rule() -> None:
    state = walk_to(Step.PLAN)
    meetings, now = state.meetings, datetime(2027, 5, 10, 1, 0, tzinfo=UTC)
    publish = PublishMinutesInput(actor="chair", meeting_number=1)
    chair = frozenset({Role.CHAIR})
    with pytest.raises(Refusal) as open_year:
        minutes_after_close(Step.EVALUATE, chair, meetings, (), publish, now)
    assert open_year.value.code == "wrong_step"
    with pytest.raises(Refusal) as member:
        minutes_after_close(Step.CLOSED, frozenset({Role.MEMBER}), meetings, (), publish, now)
    assert member.value.code == "role_required"
    first, corrected = minutes_after_close(Step.CLOSED, chair, meetings, (), publish, now)
    assert (first.version, first.text, corrected) == (1, "熟議", None)
    with pytest.raises(Refusal) as again:
        minutes_after_close(Step.CLOSED, chair, meetings, (first,), publish, now)
    assert again.value.code == "minutes_published"
    fix = CorrectMinutesInput(actor="chair", meeting_number=1, text="熟議（訂正）", reason="誤記")
    second, old = minutes_after_close(Step.CLOSED, chair, meetings, (first,), fix, now)
    assert (second.version, old and old.corrected_at) == (2, now)
    with pytest.raises(Refusal) as unknown:
        minutes_after_close(
            Step.CLOSED,
            chair,
            meetings,
            (),
            PublishMinutesInput(actor="chair", meeting_number=9),
            now,
        )
    assert unknown.value.code == "unknown_meeting"
