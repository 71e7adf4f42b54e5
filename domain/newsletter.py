"""The coordinator's newsletter (コーディネーター通信): what one page for a council's year
says, built from the year's activity records. Pure.

Kushiro's coordinators publish one about what they did: the activities held with their
dates, how many children and volunteers took part, thanks to the volunteers, and the next
request open for applications. A volunteer is named only with their consent; the others
are counted, never named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from pydantic import Field

from domain.base import Frozen
from domain.text_rules import MultiLineStr

#: The coordinator's own words at the top (thanks, a greeting): bounded for one page.
MESSAGE_MAX = 600
#: Activities shown on the one page (the most recent when there are more).
ITEMS_MAX = 12


class HeldActivity(Frozen):
    """An activity held this year, as its record says (volunteers by id)."""

    title: str
    held_on: date
    children: int
    volunteer_ids: tuple[str, ...]


class NewsItem(Frozen):
    """One line of the newsletter: an activity, its date and its counts."""

    title: str
    held_on: date
    children: int
    volunteers: int


class NextRequest(Frozen):
    """The next request open for applications (no personal data)."""

    request_id: int
    title: str
    held_on: date
    reply_by: date
    needed: int
    confirmed: int


class Newsletter(Frozen):
    """One page of the newsletter for a council's fiscal year."""

    council_name: str
    fiscal_year: int
    #: The municipality whose public page takes applications for ``next_request``.
    municipality_id: str = ""
    message: MultiLineStr = Field(default="", max_length=MESSAGE_MAX)
    items: tuple[NewsItem, ...]
    activities: int
    children: int
    volunteer_visits: int
    volunteers: int
    #: Names of the volunteers who agreed to be named; their ids, so that a published page
    #: is named again from the registry each time it is read (a consent withdrawn or a
    #: name erased later is honoured).
    thanked: tuple[str, ...]
    thanked_ids: tuple[str, ...] = ()
    unnamed_volunteers: int
    next_request: NextRequest | None = None


def build(
    council_name: str,
    fiscal_year: int,
    held: Iterable[HeldActivity],
    names_with_consent: Mapping[str, str],
    message: str = "",
    next_request: NextRequest | None = None,
    municipality_id: str = "",
) -> Newsletter:
    """The newsletter: the year's held activities (latest ``ITEMS_MAX``, in date order),
    the totals, and thanks naming only the volunteers who agreed to be named."""
    activities = sorted(held, key=lambda a: (a.held_on, a.title))
    everyone = sorted({v for a in activities for v in a.volunteer_ids})
    named_ids = [v for v in everyone if v in names_with_consent]
    named = sorted({names_with_consent[v] for v in named_ids})
    unnamed = sum(1 for v in everyone if v not in names_with_consent)
    items = tuple(
        NewsItem(title=a.title, held_on=a.held_on, children=a.children,
                 volunteers=len(a.volunteer_ids))
        for a in activities[-ITEMS_MAX:]
    )  # fmt: skip
    return Newsletter(
        council_name=council_name,
        fiscal_year=fiscal_year,
        municipality_id=municipality_id,
        message=message,
        items=items,
        activities=len(activities),
        children=sum(a.children for a in activities),
        volunteer_visits=sum(len(a.volunteer_ids) for a in activities),
        volunteers=len(everyone),
        thanked=tuple(named),
        thanked_ids=tuple(named_ids),
        unnamed_volunteers=unnamed,
        next_request=next_request,
    )


def renamed(page: Newsletter, names_with_consent: Mapping[str, str]) -> Newsletter:
    """``page`` with its thanks named again from today's consents (fewer, never more)."""
    still = [v for v in page.thanked_ids if v in names_with_consent]
    return page.model_copy(
        update={
            "thanked": tuple(sorted({names_with_consent[v] for v in still})),
            "thanked_ids": tuple(still),
            "unnamed_volunteers": page.unnamed_volunteers + len(page.thanked_ids) - len(still),
        }
    )
