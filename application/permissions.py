"""What a signed-in person may see and do. The server decides: the actor of a command is
the person of the session, and every read is scoped to the councils they serve.

- A council member (chair, member, principal, coordinator) sees the councils they sit on.
- A board admin sees every council of their municipality; a chief coordinator the
  councils they support (every council of their municipality).
- Closed minutes: that council's members and the board only.
- Volunteers' contact details: coordinators, the chief coordinator and the board only.
- Board admins and chief coordinators need a passkey as a second factor before any of it.

Who holds which access is the domain's one table (``domain.access``); which commands a
person is offered, the rules' own (``domain.rules.offered_commands``, ``task_actions``).
This module is the glue that loads a person's roles from the store and applies them.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from application.errors import AppError
from application.principal import Principal
from application.viewer import Viewer
from domain.access import ACCESS, Access, may
from domain.base import Role
from domain.model import CycleState
from domain.rules import offered_commands
from store import console_auth as auth

# The roles of each access, from the domain's one table (``domain.access``).
BOARD = ACCESS[Access.BOARD]
VOLUNTEER_STAFF = ACCESS[Access.VOLUNTEER_STAFF]
OVERSEEING = ACCESS[Access.OVERSEE]

#: The commands the console has forms for on the cycle's page: the year's work and the
#: board's oversight (calls and minutes have pages of their own; ``complete_step`` only
#: serves old clients).
CONSOLE_COMMANDS = frozenset(
    {
        "record_meeting",
        "close_discussion",
        "submit_policy",
        "cast_vote",
        "close_vote",
        "submit_plan",
        "evaluate_aim",
        "close_cycle",
        "claim_task",
        "complete_task",
        "reassign_task",
        "waive_task",
        "record_activity",
        "cancel_activity",
        "set_deadline",
        "pause_cycle",
        "resume_cycle",
        "remind",
    }
)


def load_viewer(session: Session, person_id: str) -> Viewer | None:
    """The viewer for ``person_id``; ``None`` when the person is no longer known."""
    found = auth.person_roles(session, person_id)
    if found is None:
        return None
    councils: dict[str, set[Role]] = {}
    for council_id, role in found.council_roles:
        councils.setdefault(council_id, set()).add(Role(role))
    staff: dict[str, set[Role]] = {}
    for municipality_id, role in found.staff_roles:
        staff.setdefault(municipality_id, set()).add(Role(role))
    return Viewer(
        person_id=person_id,
        municipality_id=found.municipality_id,
        council_roles={c: frozenset(r) for c, r in councils.items()},
        staff_roles={m: frozenset(r) for m, r in staff.items()},
    )


def visible_councils(session: Session, viewer: Viewer) -> list[str]:
    """Ids of the councils ``viewer`` may see, sorted."""
    overseen = [m for m, roles in viewer.staff_roles.items() if roles & OVERSEEING]
    ids = set(viewer.council_roles)
    ids.update(auth.councils_of_municipalities(session, overseen))
    return sorted(ids)


def roles_on(session: Session, viewer: Viewer, council_id: str) -> frozenset[Role]:
    """Every role ``viewer`` holds for the council (its own, and staff roles over it);
    empty when the council is not theirs to see, or unknown."""
    roles = set(viewer.council_roles.get(council_id, frozenset()))
    municipality = auth.council_municipality(session, council_id)
    if municipality is not None:
        roles |= viewer.staff_roles.get(municipality, frozenset()) & OVERSEEING
    return frozenset(roles)


def may_read_closed_minutes(roles: frozenset[Role]) -> bool:
    """Closed minutes are for the council's members and the board."""
    return may(roles, Access.CLOSED_MINUTES)


def may_read_contacts(roles: frozenset[Role]) -> bool:
    """Volunteers' contacts are for coordinators, the chief coordinator and the board."""
    return may(roles, Access.CONTACTS)


def allowed_commands(
    state: CycleState, actor: str, offered: frozenset[str] | None = None
) -> frozenset[str]:
    """The cycle commands (by kind) the console offers ``actor`` now: those the rules
    offer (``domain.rules.offered_commands``, or ``offered`` when the caller asked
    already) that have a form on the cycle's page."""
    if offered is None:
        offered = offered_commands(state, actor)
    return offered & CONSOLE_COMMANDS


# --- the principal of a request (a CLI token) ---------------------------------------
# Every CLI command asks one of these before it reads or changes anything. The local
# operator (``make run``'s token, no person) is the machine's own board: it holds every
# role; a person holds what the directory gives them.


def _names(roles: frozenset[Role]) -> str:
    return "/".join(sorted(role.value for role in roles))


def require_staff(
    session: Session, who: Principal, municipality_id: str, roles: frozenset[Role]
) -> None:
    """Refuse in one line unless ``who`` holds one of ``roles`` in the municipality."""
    if not who.holds(session, municipality_id, roles):
        raise AppError("role_needed", roles=_names(roles), target=municipality_id)


def require_board(session: Session, who: Principal, municipality_id: str) -> None:
    """The board admin of ``municipality_id`` (or the local operator)."""
    require_staff(session, who, municipality_id, BOARD)


def require_board_of_council(session: Session, who: Principal, council_id: str) -> None:
    """The board admin of the council's municipality. An unknown council is refused
    the same way for a person (nothing tells them it does not exist); the local
    operator's command names it in its own error."""
    municipality = auth.council_municipality(session, council_id)
    if municipality is not None:
        require_staff(session, who, municipality, BOARD)
    elif who.viewer is not None:
        raise AppError("role_needed", roles=_names(BOARD), target=council_id)


def require_council_reader(session: Session, who: Principal, council_id: str) -> frozenset[Role]:
    """``who``'s roles on the council (the local operator: every role); refused in one
    line when the council is not theirs to see (or unknown, for a person)."""
    if who.viewer is None:
        return frozenset(Role)
    roles = roles_on(session, who.viewer, council_id)
    if not roles:
        raise AppError("role_needed", roles="member/board_admin", target=council_id)
    return roles


def require_actor_on_council(session: Session, actor_id: str, council_id: str) -> None:
    """The person a cycle command is sent as must sit on the council (or oversee it):
    anyone else is refused here, before anything reaches the cycle; which of their roles
    may give which command stays the rules' to decide."""
    viewer = load_viewer(session, actor_id)
    if viewer is None or not roles_on(session, viewer, council_id):
        raise AppError("role_needed", roles="member/board_admin", target=council_id)


def require_actor_of_municipality(session: Session, actor_id: str, municipality_id: str) -> None:
    """The person a municipality-wide command (``remind``) is sent as must be of the
    municipality (on its staff, or on one of its councils); which role may give it stays
    the rules' to decide (``domain.oversight``: the board)."""
    viewer = load_viewer(session, actor_id)
    if viewer is None or (
        viewer.municipality_id != municipality_id and municipality_id not in viewer.staff_roles
    ):
        raise AppError("role_needed", roles=_names(BOARD), target=municipality_id)


def require_local_operator(who: Principal) -> None:
    """Commands over every municipality at once are the local operator's."""
    if who.viewer is not None:
        raise AppError("local_operator_needed")


def require_auditor(who: Principal) -> None:
    """Checking the audit chains (every municipality's rows, row counts only): the local
    operator, or a board admin of some municipality."""
    if who.viewer is not None and not any(BOARD & r for r in who.viewer.staff_roles.values()):
        raise AppError("role_needed", roles=_names(BOARD), target="audit")


def board_municipalities(who: Principal) -> frozenset[str] | None:
    """The municipalities whose board ``who`` is (``None``: every one, for the local
    operator); refused in one line when there is none."""
    if who.viewer is None:
        return None
    mine = frozenset(m for m, roles in who.viewer.staff_roles.items() if roles & BOARD)
    if not mine:
        raise AppError("role_needed", roles=_names(BOARD), target=who.viewer.municipality_id)
    return mine
