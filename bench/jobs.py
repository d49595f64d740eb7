"""Long work out of the web request: the coordinator's Publish, timed as the request and as the job.

    .venv/bin/python bench/jobs.py                      # SQLite in a new temporary data directory
    .venv/bin/python bench/jobs.py --database-url postgres://postgres@127.0.0.1:5432/benchjobs
    .venv/bin/python bench/jobs.py --rounds 3           # publish three rounds, one after another

On the bundled Belgian plan, each round opened, every contribution marked approved with a status
and a narrative (a bulk update: what is measured is publishing), then closed. The Publish button
is posted through Django's test client with the production queue (django-tasks' database
backend): the request only queues the job. A worker's
attempt at the job (naptrack.jobs.services.job_run, as `naptrack worker` calls it) is then timed
apart. Before #21 the request did the whole publication (8 to 30 s).

Measured (2-core machine, shared with other work, SQLite, 2026-12-06, --rounds 3): the request
answers in 10 ms (median; 9 to 13 ms); the job takes 3.2 s (2.8 to 4.2 s) per round.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time

from common import ROOT, django_setup

PLAN_FILE = ROOT / "naptrack" / "data" / "plans" / "be-nap-2013-2016.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="an empty database (default: SQLite in a temporary folder)")
    parser.add_argument("--rounds", type=int, default=1, help="rounds published one after another (default: 1)")
    args = parser.parse_args()
    django_setup(args.database_url)

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from naptrack.accounts.services import user_create
    from naptrack.jobs.models import Job
    from naptrack.jobs.services import job_run
    from naptrack.plans.services import plan_load
    from naptrack.reporting.models import Contribution
    from naptrack.reporting.services import round_close, round_create, round_open

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.NAPTRACK_2FA_TEST_SESSIONS = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("migrate", interactive=False, verbosity=0)
    plan = plan_load(actor="bench", document=json.loads(PLAN_FILE.read_text(encoding="utf-8"))).plan
    coordinator = user_create(
        actor="bench", username="bench-coordinator", role="coordinator", password="x" * 12, check_password=False
    )
    from naptrack.accounts import twofactor

    client = Client()
    client.force_login(coordinator)
    session = client.session
    session[twofactor.SESSION_STEP] = twofactor.STEP_TESTS
    session.save()

    client.get("/")  # the first request of a process loads URLs and templates: not what is measured
    requests, jobs = [], []
    for i in range(args.rounds):
        round_ = round_create(
            actor=coordinator, plan=plan, kind="annual", year=2013 + i, deadline=dt.date(2014 + i, 1, 31)
        )
        round_open(actor=coordinator, round=round_, notify=False)
        Contribution.objects.filter(round=round_).update(state="approved", status="in-progress", narrative="Done.")
        round_close(actor=coordinator, round=round_)
        start = time.perf_counter()
        response = client.post(f"/rounds/{round_.pk}/state/publish/")
        requests.append(time.perf_counter() - start)
        assert response.status_code == 302 and response["Location"].startswith("/jobs/"), response
        job = Job.objects.get(key=f"round-publish:{round_.pk}")
        start = time.perf_counter()
        done = job_run(job.pk)
        jobs.append(time.perf_counter() - start)
        assert done.state == "succeeded", done.error
        print(f"round {round_}: request {requests[-1] * 1000:.0f} ms, job {jobs[-1]:.1f} s", flush=True)
    print(
        f"publish request: median {statistics.median(requests) * 1000:.0f} ms; "
        f"the job in a worker: median {statistics.median(jobs):.1f} s ({len(jobs)} rounds)"
    )


if __name__ == "__main__":
    main()
