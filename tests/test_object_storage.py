"""Files through Django's storage API only, so that a deployment can put them in an object store
by configuration alone: with Django's in-memory storage as the default one and MEDIA_ROOT a plain
file (so that anything still reading or writing uploads on the local disk fails), evidence is
uploaded, served and removed, a plan document waits for its confirmation, a round's report is
stored and served, and a backup takes the stored files and a restore puts them back."""

from __future__ import annotations

import io
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from naptrack.core.backup.archive import UPLOADS, ArchiveWriter
from naptrack.core.backup.create import stored_files
from naptrack.core.backup.restore import _move_files
from naptrack.plans.models import Action
from naptrack.publications import services as publications
from naptrack.publications.models import PublishedReport
from naptrack.reporting.models import Evidence

from .conftest import contribution_of
from .portal_data import baseline_2012

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PLAN_TEXT = (
    "Plan 2020-2024\n\nOBJECTIVE 1. Prevention\n\nNo.\tGOAL\tLINES OF ACTION\tMONITORING INSTRUMENTS\tDEPARTMENTS\n"
    "1.a\tPrevent violence.\tTrain the police.\tTraining given.\tDefence\n"
)


def in_memory(settings) -> None:
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    default_storage._setup()
    assert isinstance(default_storage._wrapped, InMemoryStorage)


@pytest.fixture(autouse=True)
def object_storage(settings, tmp_path):
    blocker = tmp_path / "no-local-uploads"
    blocker.write_text("MEDIA_ROOT is a file here: nothing may be stored under it")
    settings.MEDIA_ROOT = blocker
    in_memory(settings)


def test_evidence_is_stored_served_and_removed_through_the_storage(
    open_round, focal_defence_client, django_capture_on_commit_callbacks
):
    c = contribution_of(open_round, "23.a", "defence")
    response = focal_defence_client.post(
        reverse("reporting:evidence-add", args=[c.pk]),
        {"evidence-title": "Training report", "evidence-file": SimpleUploadedFile("training.pdf", PDF)},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(contribution=c)
    with default_storage.open(evidence.file.name, "rb") as stored:
        assert stored.read() == PDF

    download = focal_defence_client.get(reverse("reporting:evidence-download", args=[evidence.pk]))
    assert download.status_code == 200 and download.streaming
    assert b"".join(download.streaming_content) == PDF

    with django_capture_on_commit_callbacks(execute=True):
        response = focal_defence_client.post(reverse("reporting:evidence-remove", args=[evidence.pk]))
    assert response.status_code == 302
    assert not default_storage.exists(evidence.file.name)


def test_an_uploaded_plan_waits_in_the_storage_until_it_is_loaded(coordinator_client):
    fields = {"slug": "be-copy", "title": "Belgian NAP (imported)", "country": "BE"}
    document = SimpleUploadedFile("plan.txt", PLAN_TEXT.encode())
    response = coordinator_client.post(reverse("plan-import"), {**fields, "document": document})
    assert response.status_code == 302, response.content.decode()[:500]
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    _dirs, files = default_storage.listdir(f"pending/imports/{token}")
    assert sorted(files) == ["document.txt", "result.json"]

    preview = coordinator_client.get(response["Location"])
    assert preview.status_code == 200 and "Train the police." in preview.content.decode()
    loaded = coordinator_client.post(response["Location"], {"load": "1", "create_departments": "1"})
    assert loaded.status_code == 302
    assert Action.objects.filter(plan__slug="be-copy").count() == 1
    with pytest.raises(FileNotFoundError):  # the upload's folder is gone with its files
        default_storage.listdir(f"pending/imports/{token}")


def test_a_published_report_is_stored_and_served_from_the_storage(plan, coordinator, anonymous, monkeypatch):
    # The report's files stand in for the real build (seconds of layout): what matters here is
    # where they go and how they are served.
    def build(reports, documents, *, cache=True):
        return publications.Built(publications._digest(documents), [("en", PublishedReport.Format.PDF, PDF)])

    monkeypatch.setattr(publications, "_build", build)
    round_ = baseline_2012(plan, coordinator)
    report = PublishedReport.objects.get(round=round_)
    with default_storage.open(report.file.name, "rb") as stored:
        assert stored.read() == PDF
    response = anonymous.get(reverse("publications:published-report", args=[report.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_a_backup_takes_the_stored_files_and_a_restore_puts_them_back(settings, tmp_path):
    default_storage.save("evidence/1/report.pdf", ContentFile(PDF))
    default_storage.save("reports/2014/report-en.pdf", ContentFile(b"report"))
    default_storage.save("report-cache/abc.pdf", ContentFile(b"cached"))  # made again when missing
    default_storage.save("pending/imports/t/document.txt", ContentFile(b"waiting"))  # gone in a day
    listed = list(stored_files())
    assert listed == [
        (f"{UPLOADS}/evidence/1/report.pdf", "evidence/1/report.pdf"),
        (f"{UPLOADS}/reports/2014/report-en.pdf", "reports/2014/report-en.pdf"),
    ]
    archive = io.BytesIO()
    writer = ArchiveWriter(archive)
    for name, stored in listed:
        assert writer.add_stored(name, default_storage, stored)
    assert not writer.add_stored(f"{UPLOADS}/gone.pdf", default_storage, "gone.pdf")
    writer.close({})
    staging = tmp_path / "staging"
    with tarfile.open(fileobj=io.BytesIO(archive.getvalue()), mode="r:gz") as tar:
        tar.extractall(staging, filter="data")

    in_memory(settings)  # a new, empty installation's storage
    undo: list = []
    _move_files(staging, tmp_path, undo)
    with default_storage.open("evidence/1/report.pdf", "rb") as restored:
        assert restored.read() == PDF
    assert [name for name, _stored in stored_files()] == [name for name, _stored in listed]
    for step in reversed(undo):  # a restore whose database failed takes the files out again
        step()
    assert list(stored_files()) == []
