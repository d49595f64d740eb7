"""The `naptrack` command line (pyproject's entry point is naptrack.cli:main); see main.py."""

from naptrack.cli.common import DEFAULT_PLAN_FILE
from naptrack.cli.common import actor as _actor  # tests/test_round_cli.py calls cli._actor(), its name before common.py
from naptrack.cli.main import main
from naptrack.cli.user import ROLES

__all__ = ["DEFAULT_PLAN_FILE", "ROLES", "_actor", "main"]
