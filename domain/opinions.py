"""The council's opinions (意見申出, 地教行法47条の5): drafted by the chair, approved by the
council's vote, sent to the board of education or the principal, answered within a period
the municipality sets, chased like the cycle's deadlines.

Pure: every command is decided by ``decide_opinion`` on the state it is given, and the
timers ask ``pending_opinion_alert`` what to wait for. The vote is counted by the same
rule as the policy's (``domain.cycle_handlers.count_ballots`` with the municipality's
``VoteRule``). An opinion on staff appointments (人事) is never published.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from domain.base import SYSTEM_ACTOR, Frozen, Role
from domain.cycle_handlers import count_ballots
from domain.deadlines import AlertKind
from domain.events import Change, Notice
from domain.japan_time import japan_date, morning_of
from domain.limits import TitleText, not_blank
from domain.model import Ballot, Roster, Tally, VoteRule
from domain.refusals import Refusal
from domain.text_rules import MULTI_LINE

#: The longest opinion, and the longest answer, in characters.
OPINION_TEXT_MAX = 4_000
#: The answer period when the municipality sets none (days after sending).
DEFAULT_ANSWER_DAYS = 30
ANSWER_DAYS_MAX = 365
#: Opinions a council may number in one fiscal year (each is its own workflow).
OPINIONS_PER_YEAR_MAX = 50

OpinionText = Annotated[
    str,
    Field(min_length=1, max_length=OPINION_TEXT_MAX),
    AfterValidator(not_blank),
    MULTI_LINE,
]
ActorId = Annotated[str, Field(min_length=1, max_length=64)]


class Addressee(StrEnum):
    """Whom the council states its opinion to."""

    BOARD = "board"  # 教育委員会
    PRINCIPAL = "principal"  # 校長


class OpinionSubject(StrEnum):
    """What the opinion is about (地教行法47条の5 第6項・第7項)."""

    SCHOOL_OPERATION = "school_operation"  # 学校運営
    STAFF_APPOINTMENTS = "staff_appointments"  # 教職員の任用 (never public)


class OpinionStatus(StrEnum):
    """Where an opinion stands."""

    VOTING = "voting"  # 採決中
    REJECTED = "rejected"  # 否決
    SENT = "sent"  # 送付済み・回答待ち
    ANSWERED = "answered"  # 回答済み


#: Who answers for each addressee.
ANSWERING_ROLE: dict[Addressee, Role] = {
    Addressee.BOARD: Role.BOARD_ADMIN,
    Addressee.PRINCIPAL: Role.PRINCIPAL,
}


class OpinionRules(Frozen):
    """How the answer is chased; per municipality (``opinions:`` in its file)."""

    answer_days: int = Field(default=DEFAULT_ANSWER_DAYS, ge=1, le=ANSWER_DAYS_MAX)
    remind_days_before: tuple[int, ...] = (7, 1)
    escalate_after_days: int = Field(default=7, ge=0, le=ANSWER_DAYS_MAX)
    alert_hour: int = Field(default=9, ge=0, le=23)


class DraftOpinionInput(Frozen):
    """The chair drafts an opinion; the council votes on it at once."""

    kind: Literal["draft_opinion"] = "draft_opinion"
    actor: ActorId
    addressee: Addressee
    subject: OpinionSubject
    title: TitleText
    body: OpinionText


class OpinionBallotInput(Frozen):
    """A voting member's ballot on the opinion (a second one replaces the first)."""

    kind: Literal["opinion_ballot"] = "opinion_ballot"
    actor: ActorId
    ballot: Ballot


class CloseOpinionVoteInput(Frozen):
    """The chair closes the vote: passed sends the opinion, rejected ends it."""

    kind: Literal["close_opinion_vote"] = "close_opinion_vote"
    actor: ActorId


class AnswerOpinionInput(Frozen):
    """The addressee answers the opinion."""

    kind: Literal["answer_opinion"] = "answer_opinion"
    actor: ActorId
    answer: OpinionText


#: A command sent to a running opinion (each is one update of its workflow).
OpinionCommand = OpinionBallotInput | CloseOpinionVoteInput | AnswerOpinionInput


class OpinionState(BaseModel):
    """Everything one opinion knows; the workflow's query answers it."""

    model_config = ConfigDict(extra="forbid")

    council_id: str
    fiscal_year: int
    number: int
    addressee: Addressee
    subject: OpinionSubject
    title: str
    body: str
    drafted_by: str
    drafted_at: datetime
    roster: Roster
    vote_rule: VoteRule = VoteRule()
    rules: OpinionRules = OpinionRules()
    status: OpinionStatus = OpinionStatus.VOTING
    ballots: dict[str, Ballot] = Field(default_factory=dict)
    tally: Tally | None = None
    sent_at: datetime | None = None
    answer_due: date | None = None
    answer: str | None = None
    answered_by: str | None = None
    answered_at: datetime | None = None
    alerts_sent: list[str] = Field(default_factory=list)
    seq: int = 0

    @property
    def public(self) -> bool:
        """Whether the opinion may appear on the council's public page: one on school
        operation that was sent (staff appointments never)."""
        return self.subject is OpinionSubject.SCHOOL_OPERATION and self.status in (
            OpinionStatus.SENT,
            OpinionStatus.ANSWERED,
        )

    def answerers(self) -> tuple[str, ...]:
        """Who may answer: the holders of the addressee's role on the roster."""
        return self.roster.holders_of(ANSWERING_ROLE[self.addressee])


class OpinionEvent(Frozen):
    """One accepted command or alert: what changed and whom to tell."""

    seq: int
    action: str
    actor: str
    at: datetime
    status: OpinionStatus
    changes: tuple[Change, ...] = ()
    notices: tuple[Notice, ...] = ()


class OpinionDecision(BaseModel):
    """The new state and the event that made it."""

    model_config = ConfigDict(frozen=True)

    state: OpinionState
    event: OpinionEvent


def new_opinion(
    council_id: str,
    fiscal_year: int,
    number: int,
    draft: DraftOpinionInput,
    roster: Roster,
    at: datetime,
    vote_rule: VoteRule | None = None,
    rules: OpinionRules | None = None,
) -> OpinionDecision:
    """Open an opinion under vote; ``Refusal`` unless the chair drafts it."""
    if Role.CHAIR not in roster.roles_of(draft.actor):
        raise Refusal("opinion_chair_only")
    state = OpinionState(
        council_id=council_id,
        fiscal_year=fiscal_year,
        number=number,
        addressee=draft.addressee,
        subject=draft.subject,
        title=draft.title,
        body=draft.body,
        drafted_by=draft.actor,
        drafted_at=at,
        roster=roster,
        vote_rule=vote_rule or VoteRule(),
        rules=rules or OpinionRules(),
        seq=1,
    )
    notice = Notice(
        template="opinion_vote_needed",
        recipients=roster.voters(),
        params={"title": draft.title, "number": str(number)},
    )
    event = OpinionEvent(
        seq=1, action=draft.kind, actor=draft.actor, at=at, status=state.status,
        changes=(Change(field="opinion", before=None, after="voting"),), notices=(notice,),
    )  # fmt: skip
    return OpinionDecision(state=state, event=event)


def decide_opinion(
    state: OpinionState,
    command: OpinionCommand,
    at: datetime,
) -> OpinionDecision:
    """The opinion after ``command``; ``Refusal`` (state unchanged) when it may not be."""
    draft = state.model_copy(deep=True)
    if isinstance(command, OpinionBallotInput):
        changes, notices = _ballot(draft, command)
    elif isinstance(command, CloseOpinionVoteInput):
        changes, notices = _close_vote(draft, command, at)
    else:
        changes, notices = _answer(draft, command, at)
    draft.seq += 1
    event = OpinionEvent(
        seq=draft.seq, action=command.kind, actor=command.actor, at=at, status=draft.status,
        changes=changes, notices=notices,
    )  # fmt: skip
    return OpinionDecision(state=draft, event=event)


_Effects = tuple[tuple[Change, ...], tuple[Notice, ...]]


def _voting(state: OpinionState) -> None:
    if state.status is not OpinionStatus.VOTING:
        raise Refusal("opinion_not_voting")


def _ballot(state: OpinionState, cmd: OpinionBallotInput) -> _Effects:
    _voting(state)
    if cmd.actor not in state.roster.voters():
        raise Refusal("opinion_voters_only")
    before = state.ballots.get(cmd.actor)
    state.ballots[cmd.actor] = cmd.ballot
    change = Change(
        field="ballot", before=None if before is None else before.value, after=cmd.ballot.value
    )
    return (change,), ()


def _close_vote(state: OpinionState, cmd: CloseOpinionVoteInput, at: datetime) -> _Effects:
    _voting(state)
    if Role.CHAIR not in state.roster.roles_of(cmd.actor):
        raise Refusal("opinion_chair_only")
    result = count_ballots(state.ballots, state.roster, state.vote_rule)
    if not result.quorum_met:
        raise Refusal("no_quorum", cast=str(result.cast), eligible=str(result.eligible))
    state.tally = result
    params = {"title": state.title, "number": str(state.number)}
    if not result.passed:
        state.status = OpinionStatus.REJECTED
        notice = Notice(
            template="opinion_rejected", recipients=state.roster.everyone(), params=params
        )
        return (Change(field="opinion", before="voting", after="rejected"),), (notice,)
    state.status = OpinionStatus.SENT
    state.sent_at = at
    state.answer_due = japan_date(at) + timedelta(days=state.rules.answer_days)
    sent = Notice(
        template="opinion_sent",
        recipients=state.answerers(),
        params={**params, "due": state.answer_due.isoformat()},
    )
    return (Change(field="opinion", before="voting", after="sent"),), (sent,)


def _answer(state: OpinionState, cmd: AnswerOpinionInput, at: datetime) -> _Effects:
    if state.status is not OpinionStatus.SENT:
        raise Refusal("opinion_not_awaiting")
    if cmd.actor not in state.answerers():
        raise Refusal("opinion_addressee_only")
    state.status = OpinionStatus.ANSWERED
    state.answer = cmd.answer
    state.answered_by = cmd.actor
    state.answered_at = at
    notice = Notice(
        template="opinion_answered",
        recipients=state.roster.everyone(),
        params={"title": state.title, "number": str(state.number)},
    )
    return (Change(field="opinion", before="sent", after="answered"),), (notice,)


# --- the answer's deadline: reminders, overdue, escalation -------------------------------


class OpinionAlert(Frozen):
    """One alert about the answer's due date."""

    kind: AlertKind
    days: int
    at: datetime

    @property
    def key(self) -> str:
        """Sent once, whatever happens."""
        return f"{self.kind}:{self.days}"


def opinion_alerts(due: date, rules: OpinionRules) -> list[OpinionAlert]:
    """Every alert of an answer due on ``due``, in the order they go out: reminders before,
    overdue the morning after, escalation to the board ``escalate_after_days`` later."""
    hour = rules.alert_hour
    alerts = [
        OpinionAlert(kind=AlertKind.REMINDER, days=n, at=morning_of(due - timedelta(days=n), hour))
        for n in sorted(set(rules.remind_days_before), reverse=True)
        if n > 0
    ]
    late = 1 + rules.escalate_after_days
    alerts.append(
        OpinionAlert(kind=AlertKind.OVERDUE, days=1, at=morning_of(due + timedelta(1), hour))
    )
    alerts.append(
        OpinionAlert(
            kind=AlertKind.ESCALATION_BOARD, days=late, at=morning_of(due + timedelta(late), hour)
        )
    )
    return alerts


def pending_opinion_alert(state: OpinionState) -> OpinionAlert | None:
    """The next alert to send while the answer is awaited; ``None`` otherwise. A reminder
    whose time passed before the opinion was sent is moot."""
    if state.status is not OpinionStatus.SENT or state.answer_due is None:
        return None
    sent_at = state.sent_at or state.drafted_at
    for alert in opinion_alerts(state.answer_due, state.rules):
        if alert.key in state.alerts_sent:
            continue
        if alert.kind is AlertKind.REMINDER and alert.at < sent_at:
            continue
        return alert
    return None


def fire_opinion_alert(state: OpinionState, alert: OpinionAlert, at: datetime) -> OpinionDecision:
    """Record ``alert`` as sent and tell whom it concerns: the addressee, and the chair
    once overdue; escalation goes to the board (and the chair)."""
    draft = state.model_copy(deep=True)
    draft.alerts_sent.append(alert.key)
    draft.seq += 1
    chair = draft.roster.holders_of(Role.CHAIR)
    recipients: tuple[str, ...] = draft.answerers()
    if alert.kind is AlertKind.OVERDUE:
        recipients = (*recipients, *chair)
    elif alert.kind is not AlertKind.REMINDER:
        recipients = (*draft.roster.holders_of(Role.BOARD_ADMIN), *chair)
    notice = Notice(
        template=f"opinion_{alert.kind.value}",
        recipients=tuple(dict.fromkeys(recipients)),
        params={
            "title": draft.title,
            "number": str(draft.number),
            "due": draft.answer_due.isoformat() if draft.answer_due else "",
            "days": str(alert.days),
        },
    )
    event = OpinionEvent(
        seq=draft.seq, action=f"opinion_alert:{alert.key}", actor=SYSTEM_ACTOR, at=at,
        status=draft.status, notices=(notice,),
    )  # fmt: skip
    return OpinionDecision(state=draft, event=event)


def opinion_workflow_id(council_id: str, fiscal_year: int, number: int) -> str:
    """The business key of one opinion. No personal data."""
    return f"council-opinion/{council_id}/{fiscal_year}/{number}"
