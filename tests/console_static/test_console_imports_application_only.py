"""The console is a face: it imports ``application/`` (and ``i18n``, ``config``, the web
libraries) and nothing below it (issue 20: one door). ``make lint``'s import contracts
say the same for every layer; this test names the console's offending line."""

from __future__ import annotations

import ast
from pathlib import Path

CONSOLE = Path(__file__).resolve().parents[2] / "console"
BELOW = {"store", "workflows", "domain", "activities", "reports", "worker", "contracts"}


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def below_application(source: str) -> list[str]:
    """The imports of ``source`` that reach below the application layer."""
    return [
        f"{line}: {module}"
        for line, module in _imported(ast.parse(source))
        if module.split(".")[0] in BELOW
    ]


def test_the_console_imports_nothing_below_application() -> None:
    files = sorted(CONSOLE.rglob("*.py"))
    assert len(files) > 20
    offending = {
        str(path.relative_to(CONSOLE)): found
        for path in files
        if (found := below_application(path.read_text(encoding="utf-8")))
    }
    assert offending == {}


def test_an_import_from_below_is_found() -> None:
    source = "import store\nfrom domain.base import Role\nfrom application import cycles\n"
    assert below_application(source) == ["1: store", "2: domain.base"]
