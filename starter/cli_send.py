"""Sending a domain command to a council's cycle, shared by the commands that move it.

Each command builds the domain command from its options (a bad value is a one-line error
before anything is sent), sends it as the update of the same name, and prints one
confirming line, or the new ``CycleState`` with ``--json``.
"""

from __future__ import annotations

import typer

from application import operations
from application.vocabulary import Command, CycleState
from starter.cli_auth import context
from starter.cli_common import (
    print_json,
    run_async,
    say,
    session_of,
    year_or_current,
)
from starter.cli_render import accepted_line


def execute(
    ctx: typer.Context,
    council: str,
    year: int | None,
    command: Command,
    as_json: bool,
    command_id: str | None = None,
) -> CycleState:
    """Send ``command`` to the council's cycle under ``command_id`` (a fresh one when
    left out), then read the state with the query and print the outcome."""
    fiscal_year = year_or_current(year)
    state = run_async(operations.send_command(context(), council, fiscal_year, command, command_id))
    if as_json:
        print_json(state)
    else:
        say(accepted_line(command.kind, state, session_of(ctx).lang))
    return state
