"""The garbage collector as naptrack serves (core/collector.py): the loaded application frozen,
the young generations collected less often. Checked in a process of its own, as gunicorn loads
it; the pauses it removes are measured by bench/collector.py and bench/scale.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import gc, json
defaults = gc.get_threshold()
import naptrack.wsgi
print(json.dumps({"defaults": defaults, "thresholds": gc.get_threshold(), "frozen": gc.get_freeze_count()}))
"""


def test_the_served_application_is_frozen_and_its_young_generations_collected_less_often(tmp_path):
    env = {**os.environ, "NAPTRACK_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "naptrack.settings"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    state = json.loads(done.stdout.strip().splitlines()[-1])
    assert state["defaults"] != state["thresholds"] == [20_000, 10, 10]
    # Django, naptrack and their libraries, loaded: tens of thousands of objects no longer walked.
    assert state["frozen"] > 20_000
