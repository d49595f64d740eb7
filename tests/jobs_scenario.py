"""Background jobs run by real `naptrack worker` processes, for tests/test_jobs_worker.py; each step
is a separate process on the data directory and database of its environment:

    python tests/jobs_scenario.py setup             # the plan, a closed round; prints its id
    python tests/jobs_scenario.py migrate           # an empty installation
    python tests/jobs_scenario.py publish ROUND     # queue its publication; prints the job's id
    python tests/jobs_scenario.py queue HANDLER N [JSON]  # N jobs of a handler below; prints their ids
    python tests/jobs_scenario.py servers           # setup, a round open, API tokens (JSON)
    python tests/jobs_scenario.py state             # jobs, rounds, reports, as JSON

It also holds the handlers the tests queue (a job imports its handler by name in the worker).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

from django.core.exceptions import AppRegistryNotReady, ImproperlyConfigured

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naptrack.settings")
    import django

    django.setup()


# --- handlers -----------------------------------------------------------------------------------
# Defined at import time only once Django is set up (the worker has set it up before it imports).

try:
    from naptrack.jobs.services import Outcome, handler
except (AppRegistryNotReady, ImproperlyConfigured):  # run as a script: the handlers come after setup
    handler = None

if handler is not None:

    @handler
    def flaky(job, *, failures: int) -> Outcome:
        """Fails its first `failures` attempts, as a database restarting would make it."""
        if job.attempts <= failures:
            raise RuntimeError(f"attempt {job.attempts} failed")
        return Outcome(note=f"done at attempt {job.attempts}")

    @handler
    def append(job, *, path: str, seconds: float = 0.2) -> Outcome:
        """Writes its id to a file: a job run twice would show twice."""
        time.sleep(seconds)
        with open(path, "a", encoding="utf-8") as out:
            out.write(f"{job.pk} {os.getpid()}\n")
        return Outcome(note="appended")


# --- steps ----------------------------------------------------------------------------------------


def setup() -> None:
    from django.core.management import call_command

    from naptrack.accounts.services import user_create
    from naptrack.plans.services import plan_load
    from naptrack.reporting.services import round_close, round_create, round_open

    call_command("migrate", interactive=False, verbosity=0)
    document = json.loads((ROOT / "naptrack" / "data" / "plans" / "be-nap-2013-2016.json").read_text("utf-8"))
    plan = plan_load(actor="tests", document=document).plan
    coordinator = user_create(
        actor="tests", username="coordinator", role="coordinator", password="x" * 12, check_password=False
    )
    round_ = round_create(actor=coordinator, plan=plan, kind="annual", year=2014, deadline=dt.date(2015, 1, 31))
    round_open(actor=coordinator, round=round_, notify=False)
    round_close(actor=coordinator, round=round_)
    print(round_.pk)


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def publish(round_id: str) -> None:
    from naptrack.accounts.models import User
    from naptrack.portal.jobs import round_publish_enqueue
    from naptrack.reporting.models import Round

    job = round_publish_enqueue(actor=User.objects.get(username="coordinator"), round=Round.objects.get(pk=round_id))
    print(job.pk)


def queue(name: str, count: str, arguments: str = "{}") -> None:
    from naptrack.jobs.services import job_enqueue

    function = globals()[name]
    ids = [
        job_enqueue(actor=None, function=function, title=f"{name} {i}", arguments=json.loads(arguments)).pk
        for i in range(int(count))
    ]
    print(json.dumps(ids))


def servers() -> None:
    """For several servers on one database: the plan, the 2014 round closed (to be published),
    the 2015 round open, and API tokens for the coordinator and Defence's focal point."""
    import datetime as dt

    from naptrack.accounts.models import User
    from naptrack.accounts.services import user_create
    from naptrack.api.services import token_issue
    from naptrack.reporting.models import Contribution, Round
    from naptrack.reporting.services import round_create, round_open

    setup()
    coordinator = User.objects.get(username="coordinator")
    focal = user_create(
        actor="tests",
        username="focal-defence",
        role="focal-point",
        password="x" * 12,
        department_code="defence",
        check_password=False,
    )
    plan = Round.objects.get().plan
    later = round_create(actor=coordinator, plan=plan, kind="annual", year=2015, deadline=dt.date(2016, 1, 31))
    round_open(actor=coordinator, round=later, notify=False)
    contribution = Contribution.objects.filter(round=later, department=focal.department).order_by("pk").first()
    closed = Round.objects.get(year=2014)
    print(
        json.dumps(
            {
                "plan": plan.slug,
                "closed": closed.pk,
                "closed_title": str(closed),
                "contribution": contribution.pk,
                "coordinator": token_issue(user=coordinator)[0],
                "focal": token_issue(user=focal)[0],
            }
        )
    )


def state() -> None:
    from django_tasks_db.models import DBTaskResult

    from naptrack.audit.models import AuditEvent
    from naptrack.jobs.models import Job
    from naptrack.publications.models import PublishedReport
    from naptrack.reporting.models import Round

    print(
        json.dumps(
            {
                "jobs": {
                    str(job.pk): {
                        "state": job.state,
                        "attempts": job.attempts,
                        "error": job.error,
                        "done": job.progress_done,
                        "note": job.progress_note,
                        "result": job.result_note,
                    }
                    for job in Job.objects.order_by("pk")
                },
                "rounds": {str(r.pk): r.state for r in Round.objects.all()},
                "reports": sorted(f"{r.round_id} {r.language} {r.format}" for r in PublishedReport.objects.all()),
                "published_events": AuditEvent.objects.filter(action="reporting.round.published").count(),
                "report_events": AuditEvent.objects.filter(action="publications.reports.published").count(),
                "queue": sorted(DBTaskResult.objects.values_list("status", flat=True)),
            }
        )
    )


if __name__ == "__main__":
    setup_django()
    from tests import jobs_scenario  # the handlers, under the name jobs are queued with

    step, *args = sys.argv[1:]
    getattr(jobs_scenario, step)(*args)
