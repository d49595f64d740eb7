"""`naptrack worker`: run the background jobs (naptrack.jobs) queued in the database."""

from __future__ import annotations

import argparse

from naptrack.cli.common import Failure


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("give a number of seconds between 0 and 3600")
    return value


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"give a whole number of at least 1, not {text!r}")
    return int(text)


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    worker = commands.add_parser(
        "worker",
        help="run background jobs (publishing, reports, imports, reminders)",
        description="Take background jobs from the queue in the database and run them, one at a time, "
        "until stopped (Ctrl+C or SIGTERM let the current job finish; a second one stops at once). "
        "'naptrack serve' starts one worker itself unless given --no-worker; run as many as the "
        "work needs, on any machine that reaches the database and the files. A job whose worker "
        "dies is run again by another worker.",
    )
    worker.add_argument(
        "--interval",
        type=_positive,
        default=1.0,
        metavar="SECONDS",
        help="how long to wait before looking at an empty queue again (default: %(default)s)",
    )
    worker.add_argument("--batch", action="store_true", help="run what is queued, then stop")
    worker.add_argument("--max-jobs", type=_count, metavar="N", help="stop after N jobs")
    worker.add_argument(
        "--id", dest="worker_id", default="", metavar="NAME", help="a name for this worker in the queue (unique)"
    )
    worker.set_defaults(func=cmd_worker)
    return worker


def cmd_worker(args: argparse.Namespace) -> None:
    import logging

    from naptrack.jobs.worker import worker_run

    if len(args.worker_id) > 64:
        raise Failure("a worker's --id is at most 64 characters")
    # The worker says what it takes and how each job ends, whatever LOG_LEVEL the web side uses.
    for name in ("naptrack.jobs", "django_tasks", "django_tasks_db"):
        logging.getLogger(name).setLevel(logging.INFO)
    print("naptrack worker: waiting for jobs (Ctrl+C stops it)", flush=True)
    worker_run(interval=args.interval, batch=args.batch, max_tasks=args.max_jobs, worker_id=args.worker_id)
