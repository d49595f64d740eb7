"""Files on disk (finding 7 of the audit): the data directory 0700, the database, uploads and the
files naptrack generates 0600, whatever the umask of the process that runs it."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh process under a permissive umask: settings create the data directory and the
# database, migrate writes it (WAL), and files go through the storage API as evidence, published
# reports and the PDF cache do.
SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    os.umask(int(sys.argv[1], 8))
    os.environ["DJANGO_SETTINGS_MODULE"] = "naptrack.settings"
    import django
    django.setup()
    from django.core.management import call_command
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:  # keep the WAL and shared-memory files while we look
        cursor.execute("SELECT count(*) FROM django_migrations")
        names = [
            default_storage.save("evidence/2014/defence/minutes.pdf", SimpleUploadedFile("m.pdf", b"%PDF-1.4")),
            default_storage.save("reports/be-nap-2013-2016/annual-2014-en.pdf", ContentFile(b"%PDF-1.4")),
            default_storage.save("report-cache/0123.pdf", ContentFile(b"%PDF-1.4")),
        ]
        from django.conf import settings
        paths = [settings.DATA_DIR, settings.MEDIA_ROOT]
        paths += [settings.DATA_DIR / n for n in ("naptrack.sqlite3", "naptrack.sqlite3-wal", "naptrack.sqlite3-shm")]
        paths += [settings.DATA_DIR / "secret_key"]
        for name in names:
            path = settings.MEDIA_ROOT / name
            paths.append(path)
            while path.parent != settings.MEDIA_ROOT:
                path = path.parent
                paths.append(path)
        # The mode, and "/" after a folder's: the WAL files are gone once this process ends.
        modes = {str(p): oct(os.stat(p).st_mode & 0o777) + ("/" if p.is_dir() else "") for p in paths if p.exists()}
    print(json.dumps(modes))
    """
)


def modes_under_umask(data_dir: Path, umask: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env["NAPTRACK_DATA_DIR"] = str(data_dir)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, umask], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("umask", ["000", "022"])
def test_data_directory_0700_and_every_file_0600_whatever_the_umask(tmp_path, umask):
    data = tmp_path / "data"
    modes = modes_under_umask(data, umask)
    files = {p: m for p, m in modes.items() if not m.endswith("/")}
    folders = {p: m for p, m in modes.items() if m.endswith("/")}
    names = {Path(p).name for p in files}
    assert {"naptrack.sqlite3", "naptrack.sqlite3-wal", "naptrack.sqlite3-shm", "secret_key"} <= names
    assert {"minutes.pdf", "annual-2014-en.pdf", "0123.pdf"} <= names
    assert set(files.values()) == {"0o600"}, files
    assert modes[str(data)] == "0o700/"
    assert {Path(p).name for p in folders} >= {"data", "uploads", "evidence", "2014", "defence", "report-cache"}
    assert set(folders.values()) == {"0o700/"}, folders
    assert stat.S_IMODE(data.stat().st_mode) == 0o700


def test_a_data_directory_made_with_looser_modes_is_closed(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    (data / "naptrack.sqlite3").touch(mode=0o644)
    os.chmod(data / "naptrack.sqlite3", 0o644)
    modes = modes_under_umask(data, "022")
    assert modes[str(data)] == "0o700/"
    assert modes[str(data / "naptrack.sqlite3")] == "0o600"
