"""`naptrack backup` and `naptrack restore`, through the real command line on real data directories:
the real plan, a round opened and filled, an evidence file and a published report; a backup taken
while 20 writers save; damaged, newer and misplaced archives refused with nothing restored.

The installations run in processes of their own (tests/backup_scenario.py), as they would in
production: settings are read once per process, from NAPTRACK_DATA_DIR and DATABASE_URL.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from contextlib import ExitStack
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.scratch_databases import require_postgres, scratch_database

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "tests" / "backup_scenario.py"
WRITERS = 20
# What any naptrack command creates when it starts on a new data directory (naptrack/settings.py):
# the generated key, the static files' folder, and an empty database file made 0600 before SQLite
# opens it.
CREATED_AT_START = {"secret_key", "static", "naptrack.sqlite3"}


def environment(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env["NAPTRACK_DATA_DIR"] = str(data_dir)
    # The scenario's request renders a page: static files from the source, no collectstatic manifest.
    env["STATICFILES_STORAGE"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    env["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def python(*args: str | Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *map(str, args)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


def naptrack(*args: str | Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return python("-m", "naptrack.cli", *args, env=env)


def scenario(*args: str, env: dict[str, str]) -> str:
    result = python(SCENARIO, *args, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def snapshot(env: dict[str, str]) -> dict:
    return json.loads(scenario("snapshot", env=env))


def backed_up(env: dict[str, str], archive: Path) -> None:
    result = naptrack("backup", "-o", archive, env=env)
    assert result.returncode == 0, result.stderr
    assert archive.stat().st_mode & 0o777 == 0o600


def refused(archive: Path, target: Path, *, database_url: str | None = None) -> str:
    """The restore's one-line reason, once it has been checked that it failed and wrote nothing."""
    result = naptrack("restore", archive, env=environment(target, database_url))
    assert result.returncode == 1, result.stdout
    assert len(result.stderr.splitlines()) == 1, result.stderr
    return result.stderr


def untouched(target: Path) -> bool:
    """Nothing in the data directory beyond what naptrack creates when it starts."""
    database = target / "naptrack.sqlite3"
    return (
        {p.name for p in target.iterdir()} <= CREATED_AT_START
        and not any((target / "static").iterdir())
        and (not database.exists() or database.stat().st_size == 0)
    )


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> SimpleNamespace:
    """An SQLite installation with the Belgian plan, the 2014 round open, one contribution saved
    with figures by sex, an evidence file and a published report; and its backup."""
    folder = tmp_path_factory.mktemp("source")
    env = environment(folder / "data")
    before = json.loads(scenario("fill", env=env))
    archive = folder / "naptrack.tar.gz"
    backed_up(env, archive)
    return SimpleNamespace(data=folder / "data", env=env, snapshot=before, archive=archive)


def test_restore_into_a_fresh_data_directory_gives_back_everything_and_the_application_starts(source, tmp_path):
    target = tmp_path / "restored"
    result = naptrack("restore", source.archive, env=environment(target))
    assert result.returncode == 0, result.stderr
    assert "2 stored file(s), the secret key" in result.stdout

    restored = snapshot(environment(target))
    assert restored == source.snapshot
    assert restored["home"] == 200 and restored["evidence"] and restored["reports"]
    assert restored["synchronous"] == 2  # FULL: a save confirmed to a person survives power loss
    assert restored["mmap"] >= 1024 * 1024 * 1024  # read through the system cache (settings.py; SQLite caps it)
    listing = naptrack("round", "list", env=environment(target))
    assert listing.returncode == 0, listing.stderr
    assert "2014" in listing.stdout and "open" in listing.stdout
    files = [target / "naptrack.sqlite3", target / "secret_key", *(p for p in target.rglob("*.pdf"))]
    assert {oct(p.stat().st_mode & 0o777) for p in files} == {"0o600"}
    assert not [p for p in target.iterdir() if p.name.startswith(".")]


def acknowledged_before_backup(env: dict[str, str], archive: Path, folder: Path) -> list[tuple[int, int]]:
    """Back up while WRITERS threads save their own contribution over and over; the saves
    acknowledged before the backup command started, as (contribution, version)."""
    log, stop = folder / "acknowledged.log", folder / "stop"
    log.touch()
    writers = subprocess.Popen(
        [sys.executable, str(SCENARIO), "write", str(log), str(stop)],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        # Saves from many writers before the backup begins. Not from all 20 necessarily: SQLite's
        # busy handler is no queue, and a writer can wait seconds for its first turn.
        while writers.poll() is None:
            lines = log.read_text().splitlines()
            if len(lines) >= WRITERS and len({line.split()[0] for line in lines}) >= WRITERS // 2:
                break
            assert time.monotonic() < deadline, "the writers did not save within a minute"
            time.sleep(0.05)
        started = time.time()
        backup = naptrack("backup", "-o", archive, env=env)
        finished = time.time()
    finally:
        stop.touch()
        _, errors = writers.communicate(timeout=120)
    assert writers.returncode == 0, errors
    assert backup.returncode == 0, backup.stderr
    acks = [line.split() for line in log.read_text().splitlines()]
    assert any(started <= float(at) <= finished for _, _, at in acks), "the writers kept saving during the backup"
    return [(int(pk), int(version)) for pk, version, at in acks if float(at) < started]


def assert_every_write_is_there(restored: dict, acknowledged: list[tuple[int, int]]) -> None:
    assert len({pk for pk, _ in acknowledged}) >= WRITERS // 2
    saves = {tuple(save) for save in restored["saves"]}
    assert [ack for ack in acknowledged if ack not in saves] == []
    versions = {pk: version for pk, version, *_ in restored["contributions"]}
    assert all(versions[pk] >= version for pk, version in acknowledged)


def test_a_backup_taken_while_20_writers_save_holds_every_write_acknowledged_before_it_began(source, tmp_path):
    busy = tmp_path / "busy"
    shutil.copytree(source.data, busy)
    archive = tmp_path / "busy.tar.gz"
    acknowledged = acknowledged_before_backup(environment(busy), archive, tmp_path)

    target = tmp_path / "restored"
    result = naptrack("restore", archive, env=environment(target))
    assert result.returncode == 0, result.stderr
    restored = snapshot(environment(target))
    assert_every_write_is_there(restored, acknowledged)
    assert restored["home"] == 200
    assert restored["evidence"] == source.snapshot["evidence"]


@pytest.mark.parametrize("where", ["middle", "gzip trailer"])
def test_a_damaged_archive_is_refused_and_nothing_is_restored(source, tmp_path, where):
    data = bytearray(source.archive.read_bytes())
    # The trailer's CRC is checked only if the whole gzip stream is read, past the tar's end.
    at = len(data) // 2 if where == "middle" else len(data) - 6
    data[at] ^= 0xFF
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(bytes(data))
    target = tmp_path / "target"
    reason = refused(damaged, target)
    assert f"{damaged} is damaged" in reason
    assert untouched(target)


def rewritten(archive: Path, into: Path, change) -> Path:
    """A copy of `archive` whose manifest `change` edited (the manifest has no checksum of its own)."""
    members = []
    with tarfile.open(archive, "r:gz") as tar:
        for info in tar:
            content = tar.extractfile(info).read()
            if info.name == "manifest.json":
                manifest = json.loads(content)
                change(manifest)
                content = json.dumps(manifest).encode()
                info.size = len(content)
            members.append((info, content))
    with gzip.open(into, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
        for info, content in members:
            tar.addfile(info, io.BytesIO(content))
    return into


@pytest.mark.parametrize(
    ("app", "migration"), [("reporting", "0099_from_a_later_naptrack"), ("evaluation", "0001_initial")]
)
def test_an_archive_with_a_newer_schema_is_refused(source, tmp_path, app, migration):
    newer = rewritten(source.archive, tmp_path / "newer.tar.gz", lambda m: m["migrations"].update({app: migration}))
    target = tmp_path / "target"
    reason = refused(newer, target)
    assert "newer database schema" in reason and f"{app}.{migration}" in reason
    assert untouched(target)


def test_a_target_that_holds_data_is_refused(source, tmp_path):
    reason = refused(source.archive, source.data)
    assert "is not empty" in reason and "uploads/" in reason and "naptrack.sqlite3 (" in reason
    assert snapshot(source.env) == source.snapshot

    stray = tmp_path / "stray"
    stray.mkdir()
    (stray / "notes.txt").write_text("kept")
    assert "it holds notes.txt;" in refused(source.archive, stray)
    assert {p.name for p in stray.iterdir()} <= {"notes.txt", *CREATED_AT_START}
    assert (stray / "notes.txt").read_text() == "kept"


def test_a_backup_into_a_missing_folder_is_a_one_line_error(source, tmp_path):
    result = naptrack("backup", "-o", tmp_path / "nowhere" / "b.tar.gz", env=source.env)
    assert result.returncode == 1
    assert (
        result.stderr
        == f"naptrack: cannot write {tmp_path / 'nowhere' / 'b.tar.gz'}: no folder {tmp_path / 'nowhere'}\n"
    )


# --- PostgreSQL -------------------------------------------------------------------------------------


@pytest.fixture
def postgres_databases():
    """Fresh, empty PostgreSQL databases on demand, dropped afterwards; skips when no server answers."""
    require_postgres()
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump and pg_restore are not installed")
    with ExitStack() as stack:
        yield lambda: stack.enter_context(scratch_database("naptrack_backup"))


@pytest.mark.postgres
def test_postgresql_backup_under_20_writers_restores_into_a_fresh_database(tmp_path, postgres_databases):
    env = environment(tmp_path / "source", postgres_databases())
    filled = json.loads(scenario("fill", env=env))
    archive = tmp_path / "pg.tar.gz"
    acknowledged = acknowledged_before_backup(env, archive, tmp_path)

    fresh = postgres_databases()
    target = tmp_path / "restored"
    result = naptrack("restore", archive, env=environment(target, fresh))
    assert result.returncode == 0, result.stderr
    restored = snapshot(environment(target, fresh))
    assert_every_write_is_there(restored, acknowledged)
    assert restored["home"] == 200
    assert (restored["evidence"], restored["reports"], restored["secret_key"]) == (
        filled["evidence"],
        filled["reports"],
        filled["secret_key"],
    )
    assert naptrack("round", "list", env=environment(target, fresh)).returncode == 0

    # The database has tables now: a second restore into it is refused.
    again = tmp_path / "again"
    assert "is not empty" in refused(archive, again, database_url=fresh)
    assert untouched(again)
