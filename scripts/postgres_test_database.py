"""Is the PostgreSQL test database usable? Used by ``make test`` before the PostgreSQL run.

Usage: ``python scripts/postgres_test_database.py postgresql+psycopg://user@host:port/db``

Connects to the server's ``postgres`` database and creates the test database when missing.
Exit codes: 0 ready, 3 the server does not answer (the caller decides whether to skip),
2 bad usage, 1 the server answered but the database could not be prepared.
"""

from __future__ import annotations

import sys

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

UNREACHABLE = 3
CONNECT_TIMEOUT_SECONDS = 3


def _connect_to_maintenance_database(url: URL) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password or None,
        dbname="postgres",
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        autocommit=True,  # CREATE DATABASE cannot run inside a transaction
    )


def main(argv: list[str]) -> int:
    """Check the server behind ``argv[1]`` and create its database; the exit code."""
    if len(argv) != 2:
        print(f"usage: {argv[0]} POSTGRESQL_URL", file=sys.stderr)
        return 2
    url = make_url(argv[1])
    if url.get_backend_name() != "postgresql" or not url.database:
        print(f"not a PostgreSQL URL with a database name: {url!r}", file=sys.stderr)
        return 2
    where = f"{url.host or '127.0.0.1'}:{url.port or 5432}"
    try:
        connection = _connect_to_maintenance_database(url)
    except psycopg.OperationalError as error:
        reason = " ".join(str(error).split())
        print(f"PostgreSQL が応答しません / PostgreSQL does not answer at {where}: {reason}")
        return UNREACHABLE
    with connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)
        ).fetchone()
        if exists is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(url.database)))
            print(f"テスト用データベースを作成 / created test database {url.database!r} at {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
