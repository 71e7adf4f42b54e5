"""Every key the Python code asks the catalogue for, as a literal, exists in the context
that code reads: a typo fails here, not on a person's screen. (The templates' keys are
checked by ``tests/console_static/test_catalogue.py``.)"""

from __future__ import annotations

import re
from pathlib import Path

from i18n.catalogue import Texts

PROJECT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "store", "application", "activities", "console", "starter", "workflows")

#: (files, call, context): a call with a literal first argument in those files.
CALLS: tuple[tuple[str, str, str], ...] = (
    ("console/*.py", "text", "console"),
    ("starter/**/*.py", "text", "cli"),
    ("*/*.py", "CliError", "cli"),
    ("starter/commands/*.py", "CliError", "cli"),
    ("*/*.py", "AppError", "cli"),
    ("*/*.py", "Refusal", "refusal"),
    ("*/*.py", "CommandRefused", "refusal"),
    ("application/*.py", "ERRORS.text", "error"),
    ("starter/commands/*.py", "board_text", "cli.board"),
    ("starter/**/*.py", "BoardCliError", "cli.board"),
    ("starter/commands/volunteer.py", "line", "cli.volunteers"),
    ("starter/commands/resource.py", "line", "cli.volunteers"),
    ("starter/commands/task.py", "line", "cli.tasks"),
    ("starter/commands/remind.py", "_TEXTS.text", "cli.notify"),
    ("starter/commands/doctor.py", "_DOCTOR.text", "cli.doctor"),
    ("starter/cli_render.py", "_label", "cli.render"),
)


def _literal_keys(pattern: str, call: str) -> set[tuple[str, str]]:
    """``(file, key)`` for each ``call("key"`` in the files ``pattern`` names."""
    found = re.compile(r"(?<![\w.])" + re.escape(call) + r"""\(\s*["']([a-z_.]+)["']""")
    return {
        (str(path.relative_to(PROJECT)), key)
        for path in PROJECT.glob(pattern)
        if path.parts[len(PROJECT.parts)] in PACKAGES
        for key in found.findall(path.read_text(encoding="utf-8"))
    }


def test_every_literal_key_in_the_code_is_in_its_context() -> None:
    missing = []
    total = 0
    for pattern, call, context in CALLS:
        keys = Texts(context).keys()
        found = _literal_keys(pattern, call)
        assert found, f"no {call}('...') in {pattern}: the pattern is wrong"
        total += len(found)
        missing += [(where, context, key) for where, key in found if key not in keys]
    assert not missing, sorted(missing)
    assert total > 150, total


def test_the_inbox_table_titles_are_in_the_catalogue() -> None:
    """``inbox`` names its columns through a tuple, not literal calls."""
    from starter.commands.inbox import _COLUMNS

    missing = set(_COLUMNS) - set(Texts("cli.inbox").keys())
    assert len(_COLUMNS) == 6 and not missing, missing
    assert Texts("cli.inbox").text("column.time", "en") == "time (JST)"
