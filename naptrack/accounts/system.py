"""The identity of work done by the installation itself (the command line, cron), not by a person."""

from __future__ import annotations

import getpass
from typing import Any


class SystemActor:
    """An actor for services run from the command line by whoever administers the server.

    Shell access to the server already gives full control over the database (``naptrack manage
    shell``), so the services' permission checks would protect nothing here: ``has_perm`` is always
    true. It is not authenticated, so that nothing stores it as a user (foreign keys, row history);
    the audit trail names it by ``get_username()``, e.g. "cli:root"."""

    is_authenticated = False
    is_anonymous = False
    is_active = True
    is_superuser = False
    pk = None
    id = None
    department_id = None

    def __init__(self, name: str | None = None):
        self.name = name or f"cli:{_os_user()}"

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return True

    def has_perms(self, perms, obj: Any = None) -> bool:
        return True

    def get_username(self) -> str:
        return self.name

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"SystemActor({self.name!r})"


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container without a passwd entry)
        return "unknown"
