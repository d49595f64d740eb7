"""`naptrack serve` on a fresh data directory: migrates, loads the Belgian plan, serves through
gunicorn with static files from whitenoise."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest

READY_SECONDS = 240


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)


@pytest.fixture
def server(tmp_path: Path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "STATICFILES_STORAGE")}
    env.update(NAPTRACK_DATA_DIR=str(tmp_path / "data"), NAPTRACK_DEMO_PASSWORD="demo-password-1234")
    process = subprocess.Popen(
        [sys.executable, "-m", "naptrack.cli", "serve", "--port", str(port), "--workers", "1", "--demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    # A fresh start applies every migration and collects the static files first: 55 s on an idle
    # machine on a slow day, longer beside the suite's other worker. This waits for readiness; it
    # is no measure of speed.
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"naptrack serve exited: {process.stdout.read()}")
        try:
            if fetch(f"{base}/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail(f"naptrack serve did not answer within {READY_SECONDS} s")
    yield base, process
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def test_serve_on_a_fresh_data_directory_serves_the_belgian_plan(server, tmp_path):
    base, process = server
    # It gathered SQLite's planner statistics as it started (core/planner.py).
    with closing(sqlite3.connect(tmp_path / "data" / "naptrack.sqlite3")) as database:
        assert database.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'plans_action'").fetchone()[0] > 0
    status, html, headers = fetch(f"{base}/")
    assert status == 200
    assert "Second National Action Plan" in html
    assert headers["Server"].startswith("gunicorn")
    # Static files come hashed (cache-busting) and compressed from whitenoise.
    css = next(part.split('"')[0] for part in html.split('href="') if "bootstrap" in part)
    assert css.startswith("/static/vendor/bootstrap/bootstrap.min.") and css.endswith(".css")
    status, _, headers = fetch(f"{base}{css}")
    assert status == 200
    assert "max-age=315360000" in headers["Cache-Control"]
    assert fetch(f"{base}/plans/be-nap-2013-2016/lines/14.a/")[0] == 200
    status, html, _ = fetch(f"{base}/plans/nope/")
    assert status == 404 and "<h1>Page not found</h1>" in html
    # The icon, through its redirect to the hashed static file.
    status, svg, headers = fetch(f"{base}/favicon.ico")
    assert status == 200 and headers["Content-Type"] == "image/svg+xml" and svg.startswith("<svg")
    process.send_signal(signal.SIGTERM)
    output = process.communicate(timeout=15)[0]
    # What it does while it starts, step by step.
    steps = [
        "naptrack: preparing the database",
        "naptrack: collecting static files",
        "naptrack: loading the bundled plan",
        "naptrack: starting a worker for background jobs",
        f"naptrack is serving at http://localhost:{base.rsplit(':', 1)[1]}/",
    ]
    assert all(step in output for step in steps), output
    assert [output.index(step) for step in steps] == sorted(output.index(step) for step in steps)
    assert "loaded the bundled plan be-nap-2013-2016" in output
    assert "demo accounts (password for all: demo-password-1234)" in output
    assert "set up two-factor sign-in" in output
    assert "focal-defence" in output
