"""The store's side of the council's opinions: the reserved number, the row each event of
an opinion's workflow leaves, and the reads of the council's, the board's and the public
pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts.opinions import OpinionSetup, RecordOpinionInput
from domain.opinions import (
    OPINIONS_PER_YEAR_MAX,
    DraftOpinionInput,
    OpinionRules,
    OpinionStatus,
    OpinionSubject,
    opinion_workflow_id,
)
from domain.refusals import Refusal
from store.directory import council_setup
from store.models import Council, Municipality
from store.opinion_models import OpinionRow

DRAFTING = "drafting"


@dataclass(frozen=True)
class Opinion:
    """One opinion as the pages show it."""

    workflow_id: str
    council_id: str
    fiscal_year: int
    number: int
    addressee: str
    subject: str
    title: str
    body: str
    status: str
    drafted_at: datetime
    approve: int | None
    reject: int | None
    eligible: int | None
    sent_at: datetime | None
    answer_due: date | None
    answer: str | None
    answered_at: datetime | None

    @property
    def public(self) -> bool:
        """On school operation and sent: may be published (staff appointments never)."""
        return self.subject == OpinionSubject.SCHOOL_OPERATION and self.status in (
            OpinionStatus.SENT,
            OpinionStatus.ANSWERED,
        )


def _opinion(row: OpinionRow) -> Opinion:
    return Opinion(
        row.workflow_id, row.council_id, row.fiscal_year, row.number, row.addressee,
        row.subject, row.title, row.body, row.status, row.drafted_at, row.approve,
        row.reject, row.eligible, row.sent_at, row.answer_due, row.answer, row.answered_at,
    )  # fmt: skip


def opinion_setup(session: Session, council_id: str) -> OpinionSetup:
    """The council's roster and vote rule, and its municipality's opinion rules."""
    setup = council_setup(session, council_id)
    municipality = session.get_one(Municipality, setup.municipality_id)
    rules = OpinionRules.model_validate(municipality.opinion_rules or {})
    return OpinionSetup(roster=setup.roster, vote_rule=setup.vote_rule, rules=rules)


def reserve_opinion(
    session: Session,
    council_id: str,
    fiscal_year: int,
    command_id: str,
    draft: DraftOpinionInput,
    at: datetime,
) -> tuple[int, bool]:
    """The number of the opinion ``command_id`` asks for, and whether it is new: a
    repeated command finds its own row (exactly once). ``Refusal`` past the year's limit."""
    found = session.scalar(select(OpinionRow).where(OpinionRow.command_id == command_id))
    if found is not None:
        return found.number, False
    last = session.scalar(
        select(func.max(OpinionRow.number)).where(
            OpinionRow.council_id == council_id, OpinionRow.fiscal_year == fiscal_year
        )
    )
    number = (last or 0) + 1
    if number > OPINIONS_PER_YEAR_MAX:
        raise Refusal("too_many_items", field="opinions", limit=str(OPINIONS_PER_YEAR_MAX))
    session.add(
        OpinionRow(
            workflow_id=opinion_workflow_id(council_id, fiscal_year, number),
            command_id=command_id,
            council_id=council_id,
            fiscal_year=fiscal_year,
            number=number,
            addressee=draft.addressee.value,
            subject=draft.subject.value,
            title=draft.title,
            body=draft.body,
            status=DRAFTING,
            drafted_by=draft.actor,
            drafted_at=at,
            alerts_sent=[],
            seq=0,
        )
    )
    session.flush()
    return number, True


def record_opinion(session: Session, data: RecordOpinionInput) -> bool:
    """Bring the opinion's row up to ``data``'s event; ``False`` when it was there already
    (a retried activity, or an older event arriving late)."""
    state = data.state
    row = session.scalar(select(OpinionRow).where(OpinionRow.workflow_id == data.workflow_id))
    if row is None:
        # Started without a reservation (a test, or by hand): the workflow's row is new.
        row = OpinionRow(
            workflow_id=data.workflow_id, command_id=f"workflow:{data.workflow_id}",
            council_id=state.council_id, fiscal_year=state.fiscal_year, number=state.number,
            drafted_by=state.drafted_by, drafted_at=state.drafted_at, seq=0,
        )  # fmt: skip
        session.add(row)
    elif row.seq >= data.event.seq:
        return False
    tally = state.tally
    row.addressee, row.subject = state.addressee.value, state.subject.value
    row.title, row.body, row.status = state.title, state.body, state.status.value
    row.approve = None if tally is None else tally.approve
    row.reject = None if tally is None else tally.reject
    row.eligible = None if tally is None else tally.eligible
    row.sent_at, row.answer_due = state.sent_at, state.answer_due
    row.answer, row.answered_by, row.answered_at = (
        state.answer,
        state.answered_by,
        state.answered_at,
    )
    row.alerts_sent = list(state.alerts_sent)
    row.seq = data.event.seq
    session.flush()
    return True


def opinions(session: Session, council_id: str, fiscal_year: int) -> list[Opinion]:
    """The council's opinions of the year, by number (reserved ones included)."""
    rows = session.scalars(
        select(OpinionRow)
        .where(OpinionRow.council_id == council_id, OpinionRow.fiscal_year == fiscal_year)
        .order_by(OpinionRow.number)
    )
    return [_opinion(r) for r in rows]


def public_opinions(session: Session, council_id: str, fiscal_year: int) -> list[Opinion]:
    """The opinions the public page may show: on school operation, sent or answered."""
    return [o for o in opinions(session, council_id, fiscal_year) if o.public]


def awaiting_answer(
    session: Session, municipality_id: str, limit: int = 20
) -> tuple[int, list[tuple[str, Opinion]]]:
    """How many opinions to the municipality's board or principals await an answer, and
    the first ``limit`` of them (earliest due first) with their council's name."""
    awaiting = (
        Council.municipality_id == municipality_id,
        OpinionRow.status == OpinionStatus.SENT.value,
    )
    count = session.scalar(
        select(func.count())
        .select_from(OpinionRow)
        .join(Council, Council.id == OpinionRow.council_id)
        .where(*awaiting)
    )
    rows = session.execute(
        select(Council.name, OpinionRow)
        .join(Council, Council.id == OpinionRow.council_id)
        .where(*awaiting)
        .order_by(OpinionRow.answer_due, OpinionRow.id)
        .limit(limit)
    )
    return count or 0, [(name, _opinion(row)) for name, row in rows]
