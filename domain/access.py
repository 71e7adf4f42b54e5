"""Who may read what beyond the cycle's commands: one table, by role.

The cycle's commands have their own table (``domain.rules.RULES``); this one says who may
read the closed parts of a council's records and act over a municipality:

- ``BOARD``: the board of education, the municipality's administrator.
- ``VOLUNTEER_STAFF``: who reads or edits volunteers and the resource list — the board
  and the coordinators.
- ``OVERSEE``: the municipality's staff who oversee (see) every council of it — the board
  and the chief coordinator.
- ``CLOSED_MINUTES``: who reads closed minutes — the council's own members (chair,
  member, principal, coordinator) and the board.
- ``CONTACTS``: who reads volunteers' contact details — coordinators, the chief
  coordinator and the board.

The application checks these against the roles a person holds (its own, and staff roles
over the council); board admins and chief coordinators need a passkey first.
"""

from __future__ import annotations

from enum import StrEnum

from domain.base import Role


class Access(StrEnum):
    """What a role may be allowed to read or do outside the cycle's commands."""

    BOARD = "board"
    VOLUNTEER_STAFF = "volunteer_staff"
    OVERSEE = "oversee"
    CLOSED_MINUTES = "closed_minutes"
    CONTACTS = "contacts"


#: The one table: which roles hold each access.
ACCESS: dict[Access, frozenset[Role]] = {
    Access.BOARD: frozenset({Role.BOARD_ADMIN}),
    Access.VOLUNTEER_STAFF: frozenset({Role.BOARD_ADMIN, Role.CHIEF_COORDINATOR, Role.COORDINATOR}),
    Access.OVERSEE: frozenset({Role.BOARD_ADMIN, Role.CHIEF_COORDINATOR}),
    Access.CLOSED_MINUTES: frozenset(
        {Role.CHAIR, Role.MEMBER, Role.PRINCIPAL, Role.COORDINATOR, Role.BOARD_ADMIN}
    ),
    Access.CONTACTS: frozenset({Role.COORDINATOR, Role.CHIEF_COORDINATOR, Role.BOARD_ADMIN}),
}


def may(roles: frozenset[Role], access: Access) -> bool:
    """Whether any of ``roles`` holds ``access``."""
    return bool(roles & ACCESS[access])
