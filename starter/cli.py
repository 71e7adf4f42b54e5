"""The ``starter`` command line: run a council's yearly cycle from a terminal.

Each command lives in its own module, ``starter/commands/<command>.py``, named after it;
this module only assembles them. ``run(args)`` is the entry point (``python -m starter``).
It turns every failure into exactly one line on stderr (Japanese by default, English
with ``--lang en``) and a non-zero exit code: 1 for an error, 2 for a usage mistake, 3
for a command the cycle's rules refused. Nothing is printed on stdout when a command fails.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated

import typer
from pydantic import ValidationError
from typer._click.exceptions import NoArgsIsHelpError, UsageError

from application.cycles import CommandRefused, CycleError
from application.errors import one_line
from application.texts import text
from starter import cli_auth
from starter.cli_common import CliError, CliSession, LangChoice, session_of, summarize
from starter.cli_render import visible
from starter.commands import (
    activity,
    audit,
    cycle,
    deadline,
    demo,
    discussion,
    doctor,
    evaluate,
    history,
    inbox,
    load,
    meeting,
    minutes,
    overview,
    person,
    plan,
    policy,
    remind,
    report,
    resource,
    roster,
    step,
    summary,
    task,
    volunteer,
    vote,
)

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_INTERRUPTED = 130

app = typer.Typer(
    name="starter",
    help="学校運営協議会の年間サイクル（話し合い→承認→計画→連絡調整→活動→評価）を操作します。",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    lang: Annotated[
        LangChoice, typer.Option("--lang", help="表示言語 ja（既定）または en")
    ] = LangChoice.JA,
) -> None:
    """学校運営協議会サイクルのCLI。"""
    session_of(ctx).lang = "ja" if lang is LangChoice.JA else "en"


#: Every command, one module each (``starter/commands/<command>.py``), in the order of
#: ``--help``: the yearly cycle first, then its steps, then the board's and the records'.
COMMANDS = (
    cycle,
    meeting,
    discussion,
    policy,
    vote,
    minutes,
    plan,
    step,
    evaluate,
    deadline,
    doctor,
    history,
    inbox,
    demo,
    load,
    audit,
    person,
    roster,
    remind,
    task,
    activity,
    volunteer,
    resource,
    overview,
    summary,
    report,
)
for _command in COMMANDS:
    _command.register(app)


def run(args: Sequence[str]) -> int:
    """Run the CLI with ``args``; return the exit code. Never raises."""
    session = CliSession()
    # Each run signs in afresh (tests run the CLI many times in one process).
    cli_auth.principal.cache_clear()
    cli_auth.context.cache_clear()
    command = typer.main.get_command(app)
    try:
        result = command.main(
            args=list(args), prog_name="starter", standalone_mode=False, obj=session
        )
    except CommandRefused as exc:
        return _fail(exc.message(session.lang), EXIT_REFUSED)
    except CliError as exc:
        return _fail(exc.message(session.lang), exc.exit_code)
    except CycleError as exc:
        return _fail(exc.message(session.lang), EXIT_ERROR)
    except ValidationError as exc:
        # A value the shared input models reject (say, a council id with a space).
        return _fail(text("invalid_input", session.lang, detail=summarize(exc)), EXIT_ERROR)
    except NoArgsIsHelpError as exc:
        # A bare group name asks for help: show it, as the user expects.
        sys.stdout.write(exc.format_message() + "\n")
        return 0
    except UsageError as exc:
        where = f"{exc.ctx.command_path}: " if exc.ctx is not None else ""
        detail = where + exc.format_message()
        return _fail(text("usage", session.lang, detail=detail), EXIT_USAGE)
    except (typer.Abort, KeyboardInterrupt):
        return _fail(text("interrupted", session.lang), EXIT_INTERRUPTED)
    except typer.TyperException as exc:
        return _fail(text("usage", session.lang, detail=exc.format_message()), EXIT_USAGE)
    except Exception as exc:
        return _fail(_unexpected(exc, session), EXIT_ERROR)
    return result if isinstance(result, int) else 0


def _unexpected(exc: Exception, session: CliSession) -> str:
    """A bug or an outage: name the exception and its cause, since no rule explains it."""
    detail = str(exc)
    cause = getattr(exc, "cause", None) or exc.__cause__
    if cause is not None:
        detail = f"{detail}: {cause}"
    return text("unexpected", session.lang, kind=type(exc).__name__, detail=detail)


def _fail(message: str, code: int) -> int:
    # The message may quote a file's or a person's text: shown, never obeyed.
    sys.stderr.write(visible(one_line(message)) + "\n")
    return code
