"""One line of the rules' table per command: who may give it, at which step, what must
hold of the cycle before it can be given at all, and the handler that decides it.

Each rule module (``cycle_handlers``, ``oversight``, ``task_rules``, ``task_alerts``,
``meeting_call_rules``) declares its commands as ``CommandRule`` entries; ``domain.rules``
merges them into ``RULES`` and derives everything else from it: the checks every command
passes (``check_open``), the commands a person is offered now (``offered_commands``), and
the handlers. A command is declared once, here, next to the rule that decides it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from domain.base import Role, Step
from domain.commands import Command
from domain.events import Change, Notice
from domain.model import CycleState

#: What a handler returns: the changes to record and the notices to send.
Effects = tuple[tuple[Change, ...], tuple[Notice, ...]]
#: Decides a command on a draft state (mutates it); raises ``Refusal`` to refuse.
Handler = Callable[[CycleState, Command, datetime], Effects]
#: What must hold of the cycle, whatever the command's input, before the command can be
#: given by ``actor`` (a vote open, the cycle paused ...); raises ``Refusal`` otherwise.
Guard = Callable[[CycleState, str], None]


class CommandRule(NamedTuple):
    """How the rules treat one command kind."""

    #: Who may give it (empty: only the cycle itself, never a person).
    roles: frozenset[Role]
    #: The step it belongs to; ``None``: any open step.
    step: Step | None
    #: Decides it.
    handle: Handler
    #: What must hold before it is offered or decided (none: only role and step).
    guard: Guard | None = None
