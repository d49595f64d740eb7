"""The two databases naptrack runs on, exercised through the real command line: PostgreSQL (the
production database) and SQLite under concurrent writers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.scratch_databases import require_postgres, scratch_database


def naptrack(*args: str, env: dict, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "naptrack.cli", *args], env=env, input=stdin, capture_output=True, text=True, timeout=120
    )


def base_env(tmp_path: Path, database_url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["NAPTRACK_DATA_DIR"] = str(tmp_path / "data")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


@pytest.fixture
def postgres_database():
    """A fresh, empty PostgreSQL database, dropped afterwards; skips when no server answers."""
    require_postgres()
    with scratch_database("naptrack_cli") as url:
        yield url


@pytest.mark.postgres
def test_cli_on_a_fresh_postgresql_database(tmp_path, postgres_database):
    from naptrack.cli import DEFAULT_PLAN_FILE

    env = base_env(tmp_path, postgres_database)
    loaded = naptrack("plan", "load", str(DEFAULT_PLAN_FILE), env=env)
    assert loaded.returncode == 0, loaded.stderr
    again = naptrack("plan", "load", str(DEFAULT_PLAN_FILE), env=env)
    assert "(0 rows created, 0 updated, 0 deleted)" in again.stdout
    exported = naptrack("plan", "export", "be-nap-2013-2016", env=env)
    assert exported.stdout == DEFAULT_PLAN_FILE.read_text(encoding="utf-8")
    added = naptrack(
        "user", "add", "coord", "--role", "coordinator", "--password-stdin", env=env, stdin="a long enough passphrase\n"
    )
    assert added.returncode == 0, added.stderr


def test_unreachable_database_is_a_one_line_error(tmp_path):
    env = base_env(tmp_path, "postgres://nobody@127.0.0.1:1/none")
    result = naptrack("plan", "list", env=env)
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("naptrack: database error:") and "check DATABASE_URL" in result.stderr


def test_sqlite_takes_concurrent_writers_without_locking_errors(tmp_path, be_document):
    """Four processes load four plans into one SQLite file at the same time: WAL, the busy timeout
    and immediate transactions make them queue instead of failing with "database is locked"."""
    env = base_env(tmp_path, None)
    assert naptrack("plan", "list", env=env).returncode == 0  # creates the schema first
    files = []
    for n in range(4):
        path = tmp_path / f"plan{n}.json"
        path.write_text(json.dumps(dict(be_document, slug=f"plan-{n}")))
        files.append(path)
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "naptrack.cli", "plan", "load", str(path)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    results = [(*p.communicate(timeout=120), p.returncode) for p in processes]
    assert [code for _, _, code in results] == [0, 0, 0, 0], [err for _, err, _ in results]
    listing = naptrack("plan", "list", env=env).stdout
    assert all(f"plan-{n}" in listing for n in range(4))
    journal = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('pragma journal_mode').fetchone()[0])",
            str(tmp_path / "data" / "naptrack.sqlite3"),
        ],
        capture_output=True,
        text=True,
    )
    assert journal.stdout.strip() == "wal"
