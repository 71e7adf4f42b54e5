"""What the public pages show, for a page that needs no sign-in: one page per council and
year, and the municipality's index of its councils.

A council's page shows its published minutes (every version: a corrected one stays,
marked 訂正, with the version that corrects it), its approved basic policy and its line(s)
of the yearly report. Nothing else: not the closed part of a meeting (it never reaches
the published minutes' table), not the drafts, not a person's name or id, not a pause's
reason. The page template only renders this model.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

import store
from application.context import Context
from domain.japan_time import japan_date
from store.meeting_calls import PublishedMinutes, published_minutes
from store.opinions import public_opinions
from store.public_pages import (
    ApprovedPolicy,
    IndexRow,
    approved_policy,
    council_heading,
    public_index,
)
from store.yearly_report import ReportRow, yearly_report


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class MinutesVersionView(_Model):
    """One published version of a meeting's public minutes; ``published_on`` is the
    Japanese date of ``published_at`` (what the page shows)."""

    version: int
    text: str
    published_at: datetime
    published_on: date
    #: Why this version corrects the one before ("" for the first).
    reason: str
    #: Set on a version a later one corrected (shown as 訂正, never hidden).
    corrected_at: datetime | None
    corrected_by_version: int | None

    @property
    def corrected(self) -> bool:
        """Whether a later version corrects this one."""
        return self.corrected_at is not None


class PublicMeeting(_Model):
    """A meeting's published minutes: the current version first, then the corrected ones
    (newest first)."""

    meeting_number: int
    held_on: date
    current: MinutesVersionView
    corrected: tuple[MinutesVersionView, ...]


class ReportFigures(_Model):
    """The yearly report's figures of the council, shown once: a joint council (合同)
    serves several ``schools`` and its meetings, activities and children are the
    council's, not each school's (no record says which school a child came from), so a
    sum over the page never counts them twice."""

    schools: tuple[str, ...]
    meetings_held: int
    approved_on: date | None
    activities_planned: int
    activities_held: int | None
    children: int | None
    volunteers: int | None
    aims: int
    aims_met: int
    aims_partly: int
    aims_not_met: int


class ApprovedPolicyView(_Model):
    """The approved basic school-management policy."""

    version: int
    text: str
    approved_on: date | None


class PublicOpinion(_Model):
    """An opinion on school operation the council sent, and its answer once given (never
    one on staff appointments, never who drafted or answered it)."""

    number: int
    addressee: str
    title: str
    body: str
    sent_on: date | None
    answer_due: date | None
    answer: str | None
    answered_on: date | None


class PublicPage(_Model):
    """Everything a council's public page for one year shows."""

    council_id: str
    council_name: str
    municipality_id: str
    municipality_name: str
    fiscal_year: int
    meetings: tuple[PublicMeeting, ...]
    policy: ApprovedPolicyView | None
    report: tuple[ReportFigures, ...]
    opinions: tuple[PublicOpinion, ...] = ()


class PublicIndexEntry(_Model):
    """One council on the municipality's public index, linking to its page."""

    council_id: str
    council_name: str
    schools: tuple[str, ...]
    published_meetings: int
    policy_approved_on: date | None
    path: str


class PublicIndex(_Model):
    """The municipality's public index of its councils for one year."""

    municipality_id: str
    fiscal_year: int
    councils: tuple[PublicIndexEntry, ...]


def public_page_path(council_id: str, fiscal_year: int) -> str:
    """Where a council's public page lives (no sign-in)."""
    return f"/public/councils/{council_id}/{fiscal_year}"


def public_page(session: Session, council_id: str, fiscal_year: int) -> PublicPage:
    """The public page of ``council_id`` for ``fiscal_year``; ``store.NotFound`` for an
    unknown council."""
    heading = council_heading(session, council_id)
    policy = approved_policy(session, council_id, fiscal_year)
    rows = [
        row
        for row in yearly_report(session, heading.municipality_id, fiscal_year)
        if row.council_id == council_id
    ]
    return PublicPage(
        council_id=council_id,
        council_name=heading.council_name,
        municipality_id=heading.municipality_id,
        municipality_name=heading.municipality_name,
        fiscal_year=fiscal_year,
        meetings=_meetings(published_minutes(session, council_id, fiscal_year)),
        policy=_policy(policy),
        report=(_figures(rows),) if rows else (),
        opinions=tuple(
            PublicOpinion(
                number=o.number, addressee=o.addressee, title=o.title, body=o.body,
                sent_on=None if o.sent_at is None else japan_date(o.sent_at),
                answer_due=o.answer_due, answer=o.answer,
                answered_on=None if o.answered_at is None else japan_date(o.answered_at),
            )
            for o in public_opinions(session, council_id, fiscal_year)
        ),
    )  # fmt: skip


def public_index_page(session: Session, municipality_id: str, fiscal_year: int) -> PublicIndex:
    """The municipality's public index; ``store.NotFound`` for an unknown municipality."""
    return PublicIndex(
        municipality_id=municipality_id,
        fiscal_year=fiscal_year,
        councils=tuple(
            _entry(row, fiscal_year) for row in public_index(session, municipality_id, fiscal_year)
        ),
    )


def _meetings(versions: list[PublishedMinutes]) -> tuple[PublicMeeting, ...]:
    by_meeting: dict[int, list[PublishedMinutes]] = {}
    for version in versions:
        by_meeting.setdefault(version.meeting_number, []).append(version)
    meetings = []
    for number, found in sorted(by_meeting.items()):
        ordered = sorted(found, key=lambda v: v.version, reverse=True)
        views = [
            MinutesVersionView(
                version=v.version,
                text=v.text,
                published_at=v.published_at,
                published_on=japan_date(v.published_at),
                reason=v.reason,
                corrected_at=v.corrected_at,
                corrected_by_version=v.corrected_by_version,
            )
            for v in ordered
        ]
        meetings.append(
            PublicMeeting(
                meeting_number=number,
                held_on=ordered[0].held_on,
                current=views[0],
                corrected=tuple(views[1:]),
            )
        )
    return tuple(meetings)


def _policy(policy: ApprovedPolicy | None) -> ApprovedPolicyView | None:
    if policy is None:
        return None
    return ApprovedPolicyView(
        version=policy.version, text=policy.text, approved_on=policy.approved_on
    )


def _figures(rows: list[ReportRow]) -> ReportFigures:
    """The council's figures once, with every school it serves: each school's row of
    the yearly report carries the same council figures."""
    row = rows[0]
    return ReportFigures(
        schools=tuple(r.school_name for r in rows),
        meetings_held=row.meetings_held,
        approved_on=row.approved_on,
        activities_planned=row.activities_planned,
        activities_held=row.activities_held,
        children=row.children,
        volunteers=row.volunteers,
        aims=row.aims,
        aims_met=row.aims_met,
        aims_partly=row.aims_partly,
        aims_not_met=row.aims_not_met,
    )


def _entry(row: IndexRow, fiscal_year: int) -> PublicIndexEntry:
    return PublicIndexEntry(
        council_id=row.council_id,
        council_name=row.council_name,
        schools=row.schools,
        published_meetings=row.published_meetings,
        policy_approved_on=row.policy_approved_on,
        path=public_page_path(row.council_id, fiscal_year),
    )


def council_public(ctx: Context, council_id: str, fiscal_year: int) -> PublicPage:
    """A council's public page, for anyone (nothing on it is personal);
    ``store.NotFound`` for an unknown council or year."""
    return ctx.unit_of_work(lambda session: public_page(session, council_id, fiscal_year))


def municipality_public(
    ctx: Context, municipality_id: str, fiscal_year: int
) -> tuple[PublicIndex, str]:
    """A municipality's public index of its councils, and its name, for anyone."""

    def read(session: Session) -> tuple[PublicIndex, str]:
        index = public_index_page(session, municipality_id, fiscal_year)
        return index, store.municipality_name(session, municipality_id)

    return ctx.unit_of_work(read)
