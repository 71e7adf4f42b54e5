"""A signed-in person and where they sit: the councils and the municipalities whose roles
they hold. ``application.principal`` carries one; ``application.permissions`` reads it.

Its own module so that neither of those two imports the other's half (no import circle).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.base import Role

#: Roles that need a passkey after the link before any personal data.
PASSKEY_REQUIRED = frozenset({Role.BOARD_ADMIN, Role.CHIEF_COORDINATOR})


@dataclass(frozen=True)
class Viewer:
    """A signed-in person and where they sit."""

    person_id: str
    municipality_id: str
    council_roles: dict[str, frozenset[Role]]
    staff_roles: dict[str, frozenset[Role]]

    @property
    def needs_passkey(self) -> bool:
        """Whether this person must confirm the session with a passkey."""
        return any(roles & PASSKEY_REQUIRED for roles in self.staff_roles.values())
