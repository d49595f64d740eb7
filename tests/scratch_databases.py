"""PostgreSQL databases of their own for tests that run naptrack in other processes (servers,
workers, backup and restore): the suite's own test database is inside a transaction no other
process can see. Each is created fresh (or copied from a template) and dropped afterwards,
however the test ended."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

PG_SERVER = os.environ.get("NAPTRACK_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")


def require_postgres() -> None:
    """Skip the test when no PostgreSQL server answers (a developer's machine without one)."""
    import pytest

    psycopg = pytest.importorskip("psycopg")
    try:
        psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server at {PG_SERVER}: {str(exc).strip().splitlines()[0]}")


def url_of(name: str) -> str:
    return PG_SERVER.rsplit("/", 1)[0] + "/" + name


@contextmanager
def scratch_database(prefix: str, *, template: str = "") -> Iterator[str]:
    """A new database named `prefix` and a random suffix, a copy of `template` if given; yields
    its URL."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(PG_SERVER, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"{copy}')
    try:
        yield url_of(name)
    finally:
        with psycopg.connect(PG_SERVER, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
