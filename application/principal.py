"""Who is asking: the person (or the local operator, or nobody), where they sit, and how
they proved it. Every door builds one ``Principal`` on the server — the CLI from its
access token, the console from its session cookie — and hands it to the use cases inside
a ``Context`` (``application.context``); nothing a client fills in ever becomes one."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from application.audit import Actor
from application.viewer import Viewer
from domain.base import Role


class Proof(StrEnum):
    """How the principal proved who they are (the permission table may ask for more than
    a session: board admins and chief coordinators need a passkey-confirmed one)."""

    #: A console session opened from a mailed sign-in link, not confirmed with a passkey.
    SESSION = "session"
    #: A console session confirmed with one of the person's passkeys.
    SESSION_PASSKEY = "session_passkey"
    #: A personal access token (the CLI).
    TOKEN = "token"
    #: The token the ``make run`` launcher writes for the machine's own operator.
    LOCAL_OPERATOR = "local_operator"
    #: Nobody signed in (public pages, the sign-in pages themselves).
    ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Principal:
    """Who asks: the actor for the audit, the directory person (``None`` for the local
    operator and for nobody), their viewer, whether ``--as`` is open to them, and how they
    proved it."""

    actor: Actor
    viewer: Viewer | None
    may_act_on_behalf: bool
    proof: Proof

    @property
    def person_id(self) -> str | None:
        """The person's id (``None`` for the local operator and for nobody)."""
        return self.actor.person_id

    @property
    def is_local_operator(self) -> bool:
        """Whether this is the machine's own operator (``make run``'s token)."""
        return self.proof is Proof.LOCAL_OPERATOR

    @property
    def is_anonymous(self) -> bool:
        """Whether nobody is signed in."""
        return self.proof is Proof.ANONYMOUS

    def holds(self, session: Session, municipality_id: str, roles: frozenset[Role]) -> bool:
        """Whether the principal holds one of ``roles`` in ``municipality_id``: on its
        staff, or on one of its councils (the local operator holds every role: it is the
        machine's own board; nobody holds none)."""
        if self.is_anonymous:
            return False
        if self.viewer is None:
            return self.is_local_operator
        if self.viewer.staff_roles.get(municipality_id, frozenset()) & roles:
            return True
        # Council roles (a coordinator's) count in the person's own municipality.
        return self.viewer.municipality_id == municipality_id and any(
            held & roles for held in self.viewer.council_roles.values()
        )


def anonymous(client: str) -> Principal:
    """Nobody signed in, asking from ``client`` (``console@<address>``)."""
    return Principal(
        actor=Actor(id="anonymous", client=client),
        viewer=None,
        may_act_on_behalf=False,
        proof=Proof.ANONYMOUS,
    )
