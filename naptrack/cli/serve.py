"""`naptrack serve`: the web application through gunicorn, on a database made ready first."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from naptrack.cli.common import DEFAULT_PLAN_FILE, actor, read_plan_file


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    serve = commands.add_parser(
        "serve",
        help="serve the web application",
        description="Apply database migrations, load the bundled Belgian plan when the database holds "
        "no plan, and serve the application through gunicorn.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: %(default)s)")
    serve.add_argument(
        "--workers",
        type=int,
        default=min(4, (os.cpu_count() or 1) * 2 + 1),
        help="gunicorn worker processes (default: %(default)s)",
    )
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="do not start a worker for background jobs (when 'naptrack worker' runs elsewhere)",
    )
    serve.add_argument(
        "--demo",
        action="store_true",
        help="create demo accounts (a coordinator, a reader, a focal point per department) and print their logins",
    )
    serve.add_argument(
        "--no-bundled-plan", action="store_true", help="do not load the bundled Belgian plan into an empty database"
    )
    serve.set_defaults(func=cmd_serve)
    return serve


def cmd_serve(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connections

    from naptrack.core.planner import statistics_refresh
    from naptrack.plans.models import Plan

    print("naptrack: collecting static files", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not args.no_bundled_plan and not Plan.objects.exists():
        from naptrack.plans.services import plan_load

        print("naptrack: loading the bundled plan", flush=True)
        summary = plan_load(actor=actor(), document=read_plan_file(str(DEFAULT_PLAN_FILE)))
        print(f"loaded the bundled plan {summary.plan.slug}")
    else:
        _queue_search_reindex()
    if args.demo:
        _demo_accounts()
    # SQLite plans its queries well only with statistics of the data (core/planner.py); the
    # worker refreshes them every hour.
    statistics_refresh()
    # Workers are forked from this process: they must not inherit its database connections.
    connections.close_all()
    jobs = None if args.no_worker else _start_job_worker()
    try:
        _run_gunicorn(args)
    finally:
        if jobs is not None:
            _stop_job_worker(jobs)


def _queue_search_reindex() -> int:
    """Plans whose search index lacks a language (a database from before the index existed, or
    before a language was added) get it rebuilt: one background job per plan, which the workers
    run once this server is up (a hundred plans take minutes). Plans already indexed are left
    alone: the index follows every change of a plan (naptrack.plans.changes), and a release that
    changes what is indexed re-indexes in its migration. Keyed by plan: servers starting together
    queue each plan once. Until its job has run, a plan's search answers from what it had."""
    from django.db.models import Exists, OuterRef, Q

    from naptrack.accounts.system import SystemActor
    from naptrack.plans.models import Plan
    from naptrack.portal.jobs import search_reindex_enqueue
    from naptrack.portal.models import SearchDocument
    from naptrack.portal.search import LANGUAGES

    lacking = Q()
    for code in LANGUAGES:
        lacking |= ~Exists(SearchDocument.objects.filter(plan=OuterRef("pk"), lang=code))
    actor = SystemActor("serve")
    plans = list(Plan.objects.filter(lacking).order_by("pk"))
    for plan in plans:
        search_reindex_enqueue(actor=actor, plan=plan)
    if plans:
        print(f"naptrack: search re-indexing queued for {len(plans)} plan(s)", flush=True)
    return len(plans)


def _start_job_worker() -> subprocess.Popen:
    """One `naptrack worker` beside the web server, so that the embedded set-up needs nothing
    else; it stops with the server."""
    print("naptrack: starting a worker for background jobs", flush=True)
    # In its own session: Ctrl+C at the terminal reaches the server, which then stops the worker
    # once, gracefully, rather than the worker getting both signals and stopping mid-job.
    return subprocess.Popen([sys.executable, "-m", "naptrack.cli", "worker"], start_new_session=True)


def _stop_job_worker(process: subprocess.Popen) -> None:
    # SIGTERM lets the job under way finish (a publication takes seconds), within reason.
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _demo_accounts() -> None:
    import secrets

    from naptrack.accounts.models import User
    from naptrack.accounts.services import user_create, user_set_password
    from naptrack.plans.models import Plan

    plan = Plan.objects.current()
    password = os.environ.get("NAPTRACK_DEMO_PASSWORD") or secrets.token_urlsafe(9)
    wanted = [("coordinator", "coordinator", None), ("reader", "reader", None)]
    if plan is not None:
        wanted += [
            (f"focal-{link.department.code}", "focal-point", link.department.code)
            for link in plan.plan_departments.select_related("department").order_by("position")
        ]
    print(f"demo accounts (password for all: {password}):")
    for username, role, department in wanted:
        user = User.objects.filter(username=username).first()
        if user is None:
            user_create(
                actor=actor(),
                username=username,
                role=role,
                password=password,
                department_code=department,
                check_password=False,
            )
        else:
            user_set_password(actor=actor(), user=user, password=password, check_password=False)
        print(f"  {username:40} {role}{' of ' + department if department else ''}")
    print("the coordinator and the reader set up two-factor sign-in (an authenticator app) at their first login")


def gunicorn_options(args: argparse.Namespace) -> dict[str, object]:
    options: dict[str, object] = {
        "bind": f"{args.host}:{args.port}",
        "workers": args.workers,
        "accesslog": "-",
        # A request still running after this is killed with its worker (a large import, a report).
        "timeout": 120,
        "graceful_timeout": 10,
        # A worker is replaced after about a thousand requests (the jitter keeps them from all
        # restarting at once): memory a big request made Python keep goes back to the system.
        "max_requests": 1000,
        "max_requests_jitter": 100,
    }
    if os.path.isdir("/dev/shm"):
        # The workers' heartbeat files in memory: a busy or slow disk never makes a worker look dead.
        options["worker_tmp_dir"] = "/dev/shm"
    return options


def _run_gunicorn(args: argparse.Namespace) -> None:
    from gunicorn.app.base import BaseApplication

    from naptrack.wsgi import application

    options = gunicorn_options(args)

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return application

    host = "localhost" if args.host in ("127.0.0.1", "0.0.0.0") else args.host
    print(f"naptrack is serving at http://{host}:{args.port}/ (Ctrl+C stops it)", flush=True)
    Server().run()
