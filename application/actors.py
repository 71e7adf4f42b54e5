"""One format for the actor of an access-audit row, whichever door the act came in by.

An act done from the CLI and the same act done from the console must read alike in the
audit: ``id`` names who (``person:<id>``, or ``local:<OS user>`` for the local operator
of ``make run``) and ``client`` names the door and where it was opened from
(``cli@<host>``, ``console@<address>``). Only this module builds these strings.
"""

from __future__ import annotations

from typing import Literal

from application.audit import Actor

#: The doors into the application.
Door = Literal["cli", "console"]
#: The longest ``id`` and ``client`` an audit row holds.
MAX_FIELD = 100


def client_label(door: Door, origin: str) -> str:
    """``<door>@<origin>``: the CLI's host name, or the console client's address."""
    return f"{door}@{origin}"[:MAX_FIELD]


def person_actor(person_id: str, door: Door, origin: str) -> Actor:
    """The audit actor of a signed-in person (token or console session)."""
    return Actor(
        id=f"person:{person_id}"[:MAX_FIELD],
        client=client_label(door, origin),
        person_id=person_id,
    )


def local_operator_actor(os_user: str, host: str) -> Actor:
    """The audit actor of the local operator's token (no person: the machine's owner)."""
    return Actor(id=f"local:{os_user}"[:MAX_FIELD], client=client_label("cli", host))
