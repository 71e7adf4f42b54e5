"""The volunteer registry's rules: a registration lasts two years and may be withdrawn.

Pure: the store applies these to its rows; the cycle only ever sees volunteer ids.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from domain.access import ACCESS, Access
from domain.refusals import Refusal

#: How long a registration holds (Kushiro renews its 学校支援ボランティア every two years).
REGISTRATION_YEARS = 2


#: Who keeps the registry (registers, renews, withdraws, reads it): the board and the
#: coordinators, who recruit and contact volunteers.
REGISTRY_KEEPERS = ACCESS[Access.VOLUNTEER_STAFF]
#: Who reads a volunteer's contact details.
CONTACT_READERS = ACCESS[Access.CONTACTS]
#: A registration this close to its end is shown as ending soon (renew it).
ENDING_SOON_DAYS = 60


class RegistrationState(StrEnum):
    """Where a registration stands on a given day."""

    ACTIVE = "active"  # 有効
    ENDING_SOON = "ending_soon"  # 期限間近
    EXPIRED = "expired"  # 期限切れ
    WITHDRAWN = "withdrawn"  # 登録取消


def registration_state(
    day: date, registered_on: date, expires: date, withdrawn_on: date | None
) -> RegistrationState:
    """The registration's state on ``day`` (a future registration counts as active)."""
    if withdrawn_on is not None and withdrawn_on <= day:
        return RegistrationState.WITHDRAWN
    if day >= expires:
        return RegistrationState.EXPIRED
    if (expires - day).days <= ENDING_SOON_DAYS:
        return RegistrationState.ENDING_SOON
    return RegistrationState.ACTIVE


class VolunteerKind(StrEnum):
    """A volunteer is a person or a group (a neighbourhood association, an NPO…)."""

    PERSON = "person"  # 個人
    GROUP = "group"  # 団体


def expires_on(registered_on: date) -> date:
    """The first day a registration made on ``registered_on`` no longer holds: two years
    on (29 February moves to 1 March in a year without one)."""
    year = registered_on.year + REGISTRATION_YEARS
    try:
        return registered_on.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


def registration_problem(
    volunteer_id: str,
    day: date,
    registered_on: date,
    expires: date,
    withdrawn_on: date | None,
) -> Refusal | None:
    """Why the volunteer may not be recorded as taking part on ``day``, or ``None``
    when their registration holds that day (registered, not expired, not withdrawn)."""
    if withdrawn_on is not None and withdrawn_on <= day:
        return Refusal(
            "volunteer_withdrawn", volunteer_id=volunteer_id, withdrawn_on=withdrawn_on.isoformat()
        )
    if day >= expires:
        return Refusal(
            "volunteer_expired",
            volunteer_id=volunteer_id,
            expires_on=expires.isoformat(),
            on=day.isoformat(),
        )
    if day < registered_on:
        return Refusal(
            "volunteer_not_yet_registered",
            volunteer_id=volunteer_id,
            registered_on=registered_on.isoformat(),
            on=day.isoformat(),
        )
    return None


def registration_date_problem(registered_on: date, today: date) -> Refusal | None:
    """A registration dated after ``today`` (in Japan) is a typing mistake (2999 for
    2024): it would hold until a date nobody checks. ``None`` when the date is fine."""
    if registered_on > today:
        return Refusal(
            "registered_in_future",
            registered_on=registered_on.isoformat(),
            today=today.isoformat(),
        )
    return None
