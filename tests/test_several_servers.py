"""Several app servers and a worker on one PostgreSQL database and one data directory, as a
deployment runs them: two `naptrack serve --no-worker` on different ports and one `naptrack worker`.
What one server writes, the other reads at once; a round published through one changes the
other's cached public pages; the publication, asked of both servers, runs once.

PostgreSQL only (the suite's PostgreSQL run of .ci/run): it is the database several servers share.
The installation is made by tests/jobs_scenario.py in a fresh database of its own."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.scratch_databases import scratch_database
from tests.test_jobs_worker import ON_POSTGRES, ROOT, base_env, peek, scenario, stop

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="several servers share a PostgreSQL database (the PostgreSQL run)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port: int, path: str, *, method: str = "GET", token: str = "", body: dict | None = None):
    """(status, headers, text) of a request to the server on `port`."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, data=data, timeout=60) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "naptrack.cli", "serve", "--no-worker", "--workers", "1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            if call(port, "/healthz")[0] == 200:
                return process
        except OSError:
            pass
        assert process.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)


@pytest.fixture
def installation(tmp_path):
    processes: list[subprocess.Popen] = []
    with scratch_database("naptrack_servers") as url:
        env = base_env(tmp_path / "data")
        env["DATABASE_URL"] = url
        facts = json.loads(scenario("servers", env=env).strip().splitlines()[-1])
        try:
            yield env, facts, processes
        finally:
            for process in processes:
                stop(process)


def test_two_servers_and_a_worker_share_one_postgresql(installation, tmp_path):
    env, facts, processes = installation
    one, two = free_port(), free_port()
    # One after the other, as a rolling start does: each applies migrations and collects static files.
    processes.append(serve(env, one, tmp_path / "one.log"))
    processes.append(serve(env, two, tmp_path / "two.log"))

    # A contribution saved through one server is read through the other at once.
    path = f"/api/v1/contributions/{facts['contribution']}/"
    status, _headers, text = call(
        one, path, method="PATCH", token=facts["focal"], body={"version": 1, "narrative": "Saved through one."}
    )
    assert status == 200, text
    status, _headers, text = call(two, path, token=facts["focal"])
    assert status == 200 and json.loads(text)["narrative"] == "Saved through one." and json.loads(text)["version"] == 2

    # The public page of the plan, rendered and kept by the second server.
    page = f"/plans/{facts['plan']}/"
    status, headers, before = call(two, page)
    assert status == 200 and facts["closed_title"] not in before
    etag = headers["ETag"]
    assert call(two, page)[1]["ETag"] == etag  # served from its cache

    # Publish through both servers at once: one job, run once by the worker.
    publish = f"/api/v1/rounds/{facts['closed']}/publish/"
    first = call(one, publish, method="POST", token=facts["coordinator"])
    second = call(two, publish, method="POST", token=facts["coordinator"])
    assert first[0] == second[0] == 202, (first[2], second[2])
    job = json.loads(first[2])["job"]["id"]
    assert json.loads(second[2])["job"]["id"] == job
    processes.append(
        subprocess.Popen(
            [sys.executable, "-m", "naptrack.cli", "worker", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=(tmp_path / "worker.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
    )
    deadline = time.monotonic() + 180
    while peek(env, str(job))[0] not in ("succeeded", "failed"):
        assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
        time.sleep(0.3)
    status, _headers, text = call(two, f"/api/v1/jobs/{job}/", token=facts["coordinator"])
    body = json.loads(text)
    assert (body["state"], body["attempts"]) == ("succeeded", 1), (tmp_path / "worker.log").read_text()

    # The second server's cached page gives way to the published round within the two seconds
    # after which each server looks at the stamp of published content again (portal/caching.py),
    # though the publication was asked of the first and done by the worker.
    deadline = time.monotonic() + 30
    while True:
        status, headers, after = call(two, page)
        if facts["closed_title"] in after:
            break
        assert time.monotonic() < deadline, "the second server kept showing its page from before publication"
        time.sleep(0.2)
    assert headers["ETag"] != etag
    state = json.loads(scenario("state", env=env))
    assert state["published_events"] == state["report_events"] == 1
    assert state["rounds"][str(facts["closed"])] == "published"
