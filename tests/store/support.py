"""Helpers for the store tests: example files and a loaded municipality."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select

from store import load_municipality, read_municipality_file, session_scope
from store.models import Base

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load_example(engine: Engine, name: str) -> None:
    """Load ``examples/<name>.yaml`` and commit."""
    data = read_municipality_file(EXAMPLES / f"{name}.yaml")
    with session_scope(engine) as session:
        load_municipality(session, data)


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in every store table, by table name."""
    with engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }
