"""An installation for tests/test_backup.py, run as a separate process on the data directory and
database of its environment (NAPTRACK_DATA_DIR, DATABASE_URL), as the real command would be:

    python tests/backup_scenario.py fill                 # the plan, a round, files; then snapshot
    python tests/backup_scenario.py write LOG STOP       # 20 writers saving until STOP exists
    python tests/backup_scenario.py snapshot             # what the installation holds, as JSON

`write` appends "contribution version time" to LOG after each save has committed: a write
acknowledged to a person, at the time it was acknowledged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRITERS = 20
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
NARRATIVE = "Defence trained **forty** officers on resolution 1325 before the mission to Mali."


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naptrack.settings")
    import django

    django.setup()


def fill() -> None:
    from django.core.files.base import ContentFile
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from naptrack.accounts.services import user_create
    from naptrack.plans.services import plan_load
    from naptrack.publications.models import PublishedReport
    from naptrack.reporting.models import Contribution
    from naptrack.reporting.services import contribution_save, evidence_add, round_create, round_open

    call_command("migrate", interactive=False, verbosity=0)
    document = json.loads((ROOT / "naptrack" / "data" / "plans" / "be-nap-2013-2016.json").read_text("utf-8"))
    plan = plan_load(actor="tests", document=document).plan
    coordinator = user_create(
        actor="tests", username="coordinator", role="coordinator", password="x" * 12, check_password=False
    )
    round_ = round_create(actor=coordinator, plan=plan, kind="annual", year=2014, deadline=dt.date(2015, 1, 31))
    round_open(actor=coordinator, round=round_, notify=False)
    by_sex = Contribution.objects.filter(round=round_, action__instruments__by_sex=True).order_by("pk").first()
    instrument = by_sex.action.instruments.get(by_sex=True)
    data = {"status": "in-progress", "narrative": NARRATIVE}
    data["measurements"] = [{"instrument": instrument.pk, "women": 12, "men": 30}]
    contribution_save(actor=coordinator, contribution=by_sex, version=by_sex.version, data=data)
    evidence_add(actor=coordinator, contribution=by_sex, title="Minutes", upload=SimpleUploadedFile("minutes.pdf", PDF))
    report = PublishedReport(round=round_, language="en", format="pdf", size=len(PDF))
    report.file.save("report-2014-en.pdf", ContentFile(PDF), save=True)
    snapshot()


def write(log: Path, stop: Path) -> None:
    """WRITERS threads, each saving its own contribution over and over; each line of `log` is a
    save that has committed, written after the commit returned."""
    from django.db import connection, transaction

    from naptrack.accounts.models import User
    from naptrack.reporting.models import Contribution
    from naptrack.reporting.services import contribution_save

    coordinator = User.objects.get(username="coordinator")
    ids = list(Contribution.objects.order_by("pk").values_list("pk", flat=True)[:WRITERS])
    lock = threading.Lock()
    failures: list[BaseException] = []

    with open(log, "a", buffering=1) as out:

        def writer(pk: int) -> None:
            try:
                contribution = Contribution.objects.get(pk=pk)
                n = 0
                while not stop.exists():
                    n += 1
                    with transaction.atomic():
                        contribution = contribution_save(
                            actor=coordinator,
                            contribution=contribution,
                            version=contribution.version,
                            data={"narrative": f"Save {n} of writer {pk}."},
                        )
                    acknowledged = time.time()
                    with lock:
                        out.write(f"{pk} {contribution.version} {acknowledged!r}\n")
                    # A person's next save comes after a page has been sent and read: without
                    # this pause, the thread that just committed takes the lock again at once
                    # while the others sleep in SQLite's busy handler.
                    time.sleep(random.uniform(0.02, 0.06))
            except BaseException as exc:
                failures.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=writer, args=(pk,)) for pk in ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if failures:
        raise failures[0]


def snapshot() -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from naptrack.audit.models import AuditEvent
    from naptrack.publications.models import PublishedReport
    from naptrack.reporting.models import Contribution, Evidence, Measurement, Round

    def digest(field) -> str:
        with field.open("rb") as f:
            return hashlib.sha256(f.read()).hexdigest()

    saved = AuditEvent.objects.filter(action="reporting.contribution.saved")
    synchronous = mmap = None
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            synchronous = cursor.execute("PRAGMA synchronous").fetchone()[0]
            mmap = cursor.execute("PRAGMA mmap_size").fetchone()[0]
    home = Client(HTTP_HOST="127.0.0.1").get("/")
    print(
        json.dumps(
            {
                "rounds": list(Round.objects.order_by("pk").values_list("pk", "kind", "year", "state")),
                "contributions": list(
                    Contribution.objects.order_by("pk").values_list("pk", "version", "status", "narrative", "state")
                ),
                "measurements": list(
                    Measurement.objects.order_by("pk").values_list("pk", "contribution_id", "women", "men")
                ),
                "evidence": [(e.pk, e.file.name, digest(e.file)) for e in Evidence.objects.order_by("pk")],
                "reports": [(r.pk, r.file.name, digest(r.file)) for r in PublishedReport.objects.order_by("pk")],
                "saves": sorted([int(e.target_id), e.data["version"]] for e in saved),
                "audit_events": AuditEvent.objects.count(),
                "secret_key": hashlib.sha256(settings.SECRET_KEY.encode()).hexdigest(),
                "synchronous": synchronous,
                "mmap": mmap,
                "home": home.status_code,
            }
        )
    )


if __name__ == "__main__":
    setup()
    command, *args = sys.argv[1:]
    {"fill": fill, "write": lambda: write(Path(args[0]), Path(args[1])), "snapshot": snapshot}[command]()
