"""The 0010 migration on a store that already holds people: each address gets its key
(case-folded, NFKC); an address two people share (in any spelling) gets none for either,
so neither can sign in by e-mail (as before: the lookup found two and sent nothing) and
``load`` refuses to hand it out again."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text

from store.db import alembic_config, make_engine, migrate, session_scope
from store.errors import ConflictingId
from store.municipality_file import MunicipalityFile
from store.person_emails import refuse_addresses_of_others

KELVIN = "\u212a"


def _at(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def test_existing_people_get_keys_and_shared_addresses_none(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    try:
        _at(engine, "0009_access_tokens")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO municipalities (id, name, prefecture, vote_rule) VALUES "
                    "('a', 'A市', 'X県', '{}'), ('b', 'B市', 'X県', '{}')"
                )
            )
            people = [
                ("a-1", "a", "Chair@A.example.jp"),
                ("a-2", "a", "Shared@x.example.jp"),
                ("b-1", "b", "sHARED@X.example.jp"),
                ("a-3", "a", f"{KELVIN}elvin@k.example.jp"),
                ("b-3", "b", "kelvin@k.example.jp"),
                ("b-2", "b", None),
            ]
            for pid, muni, email in people:
                connection.execute(
                    text(
                        "INSERT INTO people (id, municipality_id, name, email) "
                        "VALUES (:id, :m, 'x', :e)"
                    ),
                    {"id": pid, "m": muni, "e": email},
                )
        migrate(url)
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT id, email_key FROM people")).all()
            keys: dict[str, str | None] = {pid: key for pid, key in rows}
        assert keys == {
            "a-1": "chair@a.example.jp", "a-2": None, "b-1": None, "a-3": None, "b-3": None,
            "b-2": None,
        }  # fmt: skip
        # Neither holder of the shared address can be given it again by a load.
        data = MunicipalityFile.model_validate(
            {
                "municipality": {"id": "a", "name": "A市", "prefecture": "X県"},
                "people": [{"id": "a-2", "name": "x", "email": "shared@x.example.jp"}],
            }
        )
        with (
            pytest.raises(ConflictingId, match=r"people\[0\]\.email"),
            session_scope(engine) as session,
        ):
            refuse_addresses_of_others(session, data)
    finally:
        engine.dispose()
