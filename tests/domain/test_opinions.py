"""The rules of the council's opinions (意見申出), decided without Temporal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.base import Role
from domain.deadlines import AlertKind
from domain.model import Ballot, Roster, RosterEntry, Threshold, VoteRule
from domain.opinions import (
    Addressee,
    AnswerOpinionInput,
    CloseOpinionVoteInput,
    DraftOpinionInput,
    OpinionBallotInput,
    OpinionCommand,
    OpinionRules,
    OpinionState,
    OpinionStatus,
    OpinionSubject,
    decide_opinion,
    fire_opinion_alert,
    new_opinion,
    opinion_workflow_id,
    pending_opinion_alert,
)
from domain.refusals import Refusal

ROSTER = Roster(
    entries=(
        RosterEntry(member_id="chair", roles=(Role.CHAIR,)),
        RosterEntry(member_id="m1", roles=(Role.MEMBER,)),
        RosterEntry(member_id="m2", roles=(Role.MEMBER,)),
        RosterEntry(member_id="m3", roles=(Role.MEMBER,)),
        RosterEntry(member_id="principal", roles=(Role.PRINCIPAL,)),
        RosterEntry(member_id="board", roles=(Role.BOARD_ADMIN,)),
    )
)
AT = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)  # 10:00 JST


def draft(addressee: Addressee = Addressee.PRINCIPAL, actor: str = "chair") -> DraftOpinionInput:
    return DraftOpinionInput(
        actor=actor,
        addressee=addressee,
        subject=OpinionSubject.SCHOOL_OPERATION,
        title="登下校の見守り体制について",
        body="通学路の見守りに地域の協力者を増やすよう求めます。",
    )


def opened(
    rule: VoteRule | None = None, addressee: Addressee = Addressee.PRINCIPAL
) -> OpinionState:
    return new_opinion("c1", 2026, 1, draft(addressee), ROSTER, AT, rule).state


def voted(state: OpinionState, ballots: dict[str, Ballot]) -> OpinionState:
    for who, ballot in ballots.items():
        state = decide_opinion(state, OpinionBallotInput(actor=who, ballot=ballot), AT).state
    return state


def test_only_the_chair_drafts_and_the_voters_are_told() -> None:
    with pytest.raises(Refusal) as caught:
        new_opinion("c1", 2026, 1, draft(actor="m1"), ROSTER, AT)
    assert caught.value.code == "opinion_chair_only"
    decision = new_opinion("c1", 2026, 1, draft(), ROSTER, AT)
    assert decision.state.status is OpinionStatus.VOTING
    assert decision.event.notices[0].recipients == ("chair", "m1", "m2", "m3")


def test_a_passed_vote_sends_it_with_the_answer_due_in_the_municipality_period() -> None:
    state = voted(opened(), {"chair": Ballot.APPROVE, "m1": Ballot.APPROVE, "m2": Ballot.REJECT})
    decision = decide_opinion(state, CloseOpinionVoteInput(actor="chair"), AT)
    sent = decision.state
    assert sent.status is OpinionStatus.SENT
    assert sent.answer_due == date(2026, 7, 1)  # 30 days after 2026-06-01 (JST)
    assert (sent.tally.approve, sent.tally.reject) == (2, 1)  # type: ignore[union-attr]
    assert decision.event.notices[0].recipients == ("principal",)
    assert sent.public


def test_the_vote_rule_is_the_municipality_s_quorum_and_majority() -> None:
    two_thirds = VoteRule(majority=Threshold(numerator=2, denominator=3, inclusive=True))
    state = voted(
        opened(two_thirds), {"chair": Ballot.APPROVE, "m1": Ballot.APPROVE, "m2": Ballot.REJECT}
    )
    assert decide_opinion(state, CloseOpinionVoteInput(actor="chair"), AT).state.status is (
        OpinionStatus.SENT
    )
    state = voted(
        opened(two_thirds), {"chair": Ballot.APPROVE, "m1": Ballot.REJECT, "m2": Ballot.REJECT}
    )
    rejected = decide_opinion(state, CloseOpinionVoteInput(actor="chair"), AT)
    assert rejected.state.status is OpinionStatus.REJECTED
    assert not rejected.state.public
    with pytest.raises(Refusal) as caught:
        decide_opinion(
            voted(opened(), {"chair": Ballot.APPROVE}), CloseOpinionVoteInput(actor="chair"), AT
        )
    assert (caught.value.code, caught.value.params) == ("no_quorum", {"cast": "1", "eligible": "4"})


def test_who_may_vote_close_and_answer() -> None:
    state = opened()
    refused: list[tuple[OpinionCommand, str]] = [
        (OpinionBallotInput(actor="principal", ballot=Ballot.APPROVE), "opinion_voters_only"),
        (CloseOpinionVoteInput(actor="m1"), "opinion_chair_only"),
        (AnswerOpinionInput(actor="principal", answer="了解しました"), "opinion_not_awaiting"),
    ]
    for command, code in refused:
        with pytest.raises(Refusal) as caught:
            decide_opinion(state, command, AT)
        assert caught.value.code == code
    sent = decide_opinion(
        voted(state, {"chair": Ballot.APPROVE, "m1": Ballot.APPROVE, "m2": Ballot.APPROVE}),
        CloseOpinionVoteInput(actor="chair"),
        AT,
    ).state
    with pytest.raises(Refusal) as caught:
        decide_opinion(sent, AnswerOpinionInput(actor="board", answer="x"), AT)
    assert caught.value.code == "opinion_addressee_only"
    answered = decide_opinion(sent, AnswerOpinionInput(actor="principal", answer="対応します"), AT)
    assert answered.state.status is OpinionStatus.ANSWERED
    assert answered.event.notices[0].recipients == ROSTER.everyone()
    assert pending_opinion_alert(answered.state) is None


def test_staff_appointments_are_never_public() -> None:
    personnel = draft().model_copy(update={"subject": OpinionSubject.STAFF_APPOINTMENTS})
    state = new_opinion("c1", 2026, 2, personnel, ROSTER, AT).state
    state = voted(state, {"chair": Ballot.APPROVE, "m1": Ballot.APPROVE, "m2": Ballot.APPROVE})
    assert not decide_opinion(state, CloseOpinionVoteInput(actor="chair"), AT).state.public


def test_an_unanswered_opinion_is_reminded_then_overdue_then_escalated_to_the_board() -> None:
    state = voted(
        opened(addressee=Addressee.BOARD),
        {"chair": Ballot.APPROVE, "m1": Ballot.APPROVE, "m2": Ballot.APPROVE},
    )
    state = decide_opinion(state, CloseOpinionVoteInput(actor="chair"), AT).state
    seen = []
    while (alert := pending_opinion_alert(state)) is not None:
        decision = fire_opinion_alert(state, alert, alert.at)
        seen.append((alert.kind, alert.at.date(), decision.event.notices[0].recipients))
        state = decision.state
    assert seen == [
        (AlertKind.REMINDER, date(2026, 6, 24), ("board",)),
        (AlertKind.REMINDER, date(2026, 6, 30), ("board",)),
        (AlertKind.OVERDUE, date(2026, 7, 2), ("board", "chair")),
        (AlertKind.ESCALATION_BOARD, date(2026, 7, 9), ("board", "chair")),
    ]


def test_a_short_period_skips_reminders_that_fell_before_sending() -> None:
    rules = OpinionRules(answer_days=3)
    state = new_opinion("c1", 2026, 1, draft(), ROSTER, AT, rules=rules).state
    state = voted(state, {"chair": Ballot.APPROVE, "m1": Ballot.APPROVE, "m2": Ballot.APPROVE})
    state = decide_opinion(state, CloseOpinionVoteInput(actor="chair"), AT).state
    first = pending_opinion_alert(state)
    assert first is not None and (first.kind, first.days) == (AlertKind.REMINDER, 1)
    assert first.at - AT < timedelta(days=3)


def test_the_workflow_id_is_a_business_key() -> None:
    assert opinion_workflow_id("kushiro-chuo", 2026, 3) == "council-opinion/kushiro-chuo/2026/3"


def test_the_codec_attributes_opinion_and_survey_payloads_to_their_council() -> None:
    from contracts.cycle import council_of_workflow_id
    from domain.surveys import survey_workflow_id

    assert council_of_workflow_id(opinion_workflow_id("kushiro-chuo", 2026, 3)) == "kushiro-chuo"
    assert council_of_workflow_id(survey_workflow_id("kushiro-chuo", 2026)) == "kushiro-chuo"
    assert council_of_workflow_id("council-cycle/kushiro-chuo/2026") == "kushiro-chuo"
    for other in ("council-opinion/kushiro-chuo/2026", "council-opinion/c/2026/x", "other/c/2026"):
        assert council_of_workflow_id(other) is None
