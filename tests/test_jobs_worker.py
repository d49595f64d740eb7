"""Background jobs through the real queue: `naptrack worker` processes on a database of their own
(a SQLite file in the SQLite run, a fresh PostgreSQL database in the PostgreSQL run), set up and
inspected by tests/jobs_scenario.py in separate processes, as production runs them.

The heartbeat is made short (0.3 s: a job silent for 1.8 s is taken back), so that a killed
worker's job is recovered within the test's patience."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
from django.conf import settings

from tests.scratch_databases import scratch_database

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "tests" / "jobs_scenario.py"
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def base_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env.update(
        NAPTRACK_DATA_DIR=str(data_dir),
        STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        NAPTRACK_JOB_HEARTBEAT_SECONDS="0.3",
        NAPTRACK_JOB_RETRY_SECONDS="0.1",
        PYTHONPATH=str(ROOT),
    )
    return env


@pytest.fixture(scope="session")
def installed(tmp_path_factory):
    """One installation (the plan and a closed round, from tests/jobs_scenario.py's setup) that
    each test copies: migrating and loading the plan take longer than the tests themselves.
    In the PostgreSQL run it is a database the copies are made from."""
    env = base_env(tmp_path_factory.mktemp("jobs-template"))
    with ExitStack() as stack:
        name = ""
        if ON_POSTGRES:
            env["DATABASE_URL"] = stack.enter_context(scratch_database("naptrack_jobs"))
            name = env["DATABASE_URL"].rsplit("/", 1)[1]
        round_id = scenario("setup", env=env).strip()
        yield env, name, round_id


@pytest.fixture
def env(installed, tmp_path):
    template, template_name, _round = installed
    shutil.copytree(template["NAPTRACK_DATA_DIR"], tmp_path / "data")
    env = base_env(tmp_path / "data")
    if not template_name:
        yield env
        return
    with scratch_database(template_name, template=template_name) as url:
        env["DATABASE_URL"] = url
        yield env


def scenario(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, str(SCENARIO), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def state(env: dict[str, str]) -> dict:
    return json.loads(scenario("state", env=env))


def worker(env: dict[str, str], *args: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "naptrack.cli", "worker", "--interval", "0.1", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def peek(env: dict[str, str], job: str) -> tuple[str, int]:
    """The job's state and steps done, read straight from the database: a process started to
    ask would take a second, longer than the last step of a publication."""
    query = f"SELECT state, progress_done FROM jobs_job WHERE id = {int(job)}"
    if "DATABASE_URL" in env:
        import psycopg

        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as db:
            return db.execute(query).fetchone()
    import sqlite3

    with sqlite3.connect(Path(env["NAPTRACK_DATA_DIR"]) / "naptrack.sqlite3", timeout=30) as db:
        return db.execute(query).fetchone()


def wait_for(condition, env: dict[str, str], *, timeout: float = 120, every: float = 0.05) -> dict:
    """The state once `condition(state)` holds; fails with the last state after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        current = state(env)
        if condition(current):
            return current
        assert time.monotonic() < deadline, json.dumps(current, indent=1)
        time.sleep(every)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


COMPLETE_REPORT = 6  # EN, FR, NL, each as PDF and DOCX


def test_a_worker_killed_while_publishing_leaves_no_half_published_round_and_the_job_runs_again(
    env, installed, tmp_path
):
    round_id = installed[2]
    job = scenario("publish", round_id, env=env).strip()
    assert scenario("publish", round_id, env=env).strip() == job  # pressed twice: one job
    log = tmp_path / "worker.log"
    first = worker(env, log=log)
    try:
        # The job reached its last step: the transaction that publishes (kill it as close to
        # it as polling allows; building the report before it takes seconds).
        deadline = time.monotonic() + 120
        while peek(env, job) != ("running", 1):
            assert time.monotonic() < deadline and first.poll() is None, log.read_text()
            time.sleep(0.005)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    killed = state(env)
    assert killed["jobs"][job]["state"] == "running"  # nobody has said otherwise yet
    published = [r for r in killed["reports"] if r.startswith(f"{round_id} ")]
    # All or nothing: the round with its whole report and one audit event of each, or untouched.
    if killed["rounds"][round_id] == "published":
        assert len(published) == COMPLETE_REPORT and killed["published_events"] == killed["report_events"] == 1
    else:
        assert killed["rounds"][round_id] == "closed"
        assert published == [] and killed["published_events"] == killed["report_events"] == 0

    second = worker(env, log=log)
    try:
        done = wait_for(lambda s: s["jobs"][job]["state"] in ("succeeded", "failed"), env, every=0.2)
    finally:
        stop(second)
    assert done["jobs"][job]["state"] == "succeeded", log.read_text()
    assert done["jobs"][job]["attempts"] == 2
    assert done["rounds"][round_id] == "published"
    assert len([r for r in done["reports"] if r.startswith(f"{round_id} ")]) == COMPLETE_REPORT
    assert done["published_events"] == done["report_events"] == 1
    # The dead worker's queue entry was closed, and the second attempt's entry succeeded.
    assert "RUNNING" not in done["queue"] and "SUCCESSFUL" in done["queue"]


def test_a_failing_job_is_retried_a_bounded_number_of_times(env, tmp_path):
    passes = json.loads(scenario("queue", "flaky", "1", '{"failures": 2}', env=env))[0]
    never = json.loads(scenario("queue", "flaky", "1", '{"failures": 9}', env=env))[0]
    process = worker(env, log=tmp_path / "worker.log")
    try:
        done = wait_for(
            lambda s: all(s["jobs"][str(j)]["state"] in ("succeeded", "failed") for j in (passes, never)),
            env,
            every=0.2,
        )
    finally:
        stop(process)
    assert done["jobs"][str(passes)] | {"error": ""} == {
        "state": "succeeded",
        "attempts": 3,
        "error": "",
        "done": 0,
        "note": "",
        "result": "done at attempt 3",
    }
    assert done["jobs"][str(never)]["state"] == "failed" and done["jobs"][str(never)]["attempts"] == 3
    assert "RuntimeError" in done["jobs"][str(never)]["error"]


def test_two_workers_run_each_job_once(env, tmp_path):
    out = tmp_path / "ran.txt"
    ids = json.loads(scenario("queue", "append", "12", json.dumps({"path": str(out), "seconds": 0.1}), env=env))
    workers = [worker(env, log=tmp_path / f"worker{i}.log") for i in (1, 2)]
    try:
        done = wait_for(lambda s: all(s["jobs"][str(j)]["state"] == "succeeded" for j in ids), env, every=0.2)
    finally:
        for process in workers:
            stop(process)
    ran = [line.split() for line in out.read_text().splitlines()]
    assert sorted(int(job) for job, _pid in ran) == sorted(ids)  # each once, none lost
    assert all(done["jobs"][str(j)]["attempts"] == 1 for j in ids)
    # Both workers took part (the second starts within a second; each job takes 0.1 s).
    assert len({pid for _job, pid in ran}) == 2
