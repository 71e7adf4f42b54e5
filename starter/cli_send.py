"""Sending a domain command to a council's cycle, shared by the commands that move it.

Each command builds the domain command from its options (a bad value is a one-line error
before anything is sent), sends it as the update of the same name, and prints one
confirming line, or the new ``CycleState`` with ``--json``.
"""

from __future__ import annotations

import typer

from application import cycles, operations
from domain.commands import Command
from domain.model import CycleState
from starter.cli_common import (
    print_json,
    run_async,
    say,
    session_of,
    settings,
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
    # Nothing reaches the cycle from someone who does not sit on the council.
    operations.may_send(settings(), command.actor, council)

    async def go() -> CycleState:
        client = await cycles.connect(settings())
        await cycles.send(client, council, fiscal_year, command, command_id=command_id)
        return await cycles.state(client, council, fiscal_year)

    state = run_async(go())
    if as_json:
        print_json(state)
    else:
        say(accepted_line(command.kind, state, session_of(ctx).lang))
    return state
