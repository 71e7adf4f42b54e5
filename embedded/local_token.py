"""The local operator's CLI token, made by ``make run`` so the README's walkthrough and
``demo`` work from a fresh clone without a console sign-in.

Who it is: the *local operator* (no person of the directory), not the first board admin
of the loaded directory. On a fresh clone the directory is empty when ``make run``
starts, and ``load`` itself must work with the token; a token tied to a board admin
would not exist yet, and would change owner with each ``load``. The local operator acts
as the board of every municipality and may act on behalf (``--as``), which every use
records in the audit. It is the same trust as the terminal already has: whoever can
read ``DATA_DIR`` can read the SQLite file and the payload key too. The file is 0600;
the token is revoked and replaced at each start.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import store
from application.access_tokens import create_local
from config import Settings
from starter.cli_auth import TOKEN_FILE_NAME


def write_local_token(settings: Settings) -> Path:
    """Make a new local operator token and write it to ``DATA_DIR/cli-token`` (0600)."""
    url = settings.resolved_database_url()
    store.migrate(url)
    engine = store.make_engine(url)
    try:
        with store.session_scope(engine) as session:
            secret = create_local(session, datetime.now(UTC))
    finally:
        engine.dispose()
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = settings.data_dir / TOKEN_FILE_NAME
    # Created 0600 before the secret is written: never readable by others, not even briefly.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")
    path.chmod(0o600)
    return path
