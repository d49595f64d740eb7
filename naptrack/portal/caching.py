"""Caching of the public pages.

Published content changes only through a few services, each of which records an audit event:
a plan loaded or edited, a round published, its report stored again, a published contribution
or synthesis corrected or withdrawn, an answer pack published, taken back or changed while
published. The id and time of the latest such event is the "public stamp": one indexed query,
which each process repeats at most every STAMP_SECONDS (and at once after it published or
loaded something itself, see forget()). From the stamp each page gets an ETag (so a browser's
or a proxy's copy costs a 304) and a key into a small per-process cache of rendered pages (so a
copy this process rendered before is served as it is): neither needs the database. Anonymous
visitors only: logged-in people see more (their name, their links, forms with CSRF tokens) and
always get a fresh, private page.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, wraps
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.http import condition

MAX_AGE = 60
# How stale another process's publication may look here: a round published by one worker shows
# in the others' pages within this many seconds (settings.NAPTRACK_PUBLIC_STAMP_SECONDS; 0 reads
# the stamp at every request, as the tests do to count queries the same way every time).
STAMP_SECONDS = 2.0
CACHE_BYTES = 64 * 1024 * 1024  # per process
ENTRY_BYTES = 8 * 1024 * 1024
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")
CODE_SUFFIXES = {".py", ".html", ".txt", ".mo", ".css", ".js"}
# What the coordinator does to published content (naptrack.portal.corrections).
CORRECTIONS = ("corrected", "withdrawn")


@cache
def public_actions() -> tuple[str, ...]:
    """The audit actions after which a public page may read differently."""
    from django.apps import apps

    from naptrack.international.services.common import PUBLIC_ACTIONS
    from naptrack.portal.civil_society import PUBLIC_ACTIONS as CIVIL_SOCIETY_ACTIONS
    from naptrack.portal.evaluations import PUBLIC_ACTIONS as EVALUATION_ACTIONS
    from naptrack.portal.targets import PUBLIC_ACTIONS as TARGET_ACTIONS

    names = {"plans.plan.loaded", "reporting.round.published", "publications.reports.published"}
    # A draft plan adopted appears on the home page, the list of plans and its lines' lineage.
    names.add("plans.plan.adopted")
    # A report's transmission to parliament shows beside the published report and in open data.
    names.update({"publications.transmission.recorded", "publications.transmission.deleted"})
    # Answer packs published, taken back, or changed while published (their own action names).
    names.update(PUBLIC_ACTIONS)
    # Civil society's assessments published, events and recommendations, the network's listings.
    names.update(CIVIL_SOCIETY_ACTIONS)
    # A plan's targets published or withdrawn (a target changed is a plans model's event, below).
    names.update(TARGET_ACTIONS)
    # An evaluation published, withdrawn, or the government's response to it changed.
    names.update(EVALUATION_ACTIONS)
    names.update(f"reporting.{noun}.{verb}" for noun in ("contribution", "synthesis") for verb in CORRECTIONS)
    for model in apps.get_app_config("plans").get_models():
        names.update(f"plans.{model._meta.model_name}.{verb}" for verb in ("created", "edited", "deleted"))
    return tuple(sorted(names))


@cache
def code_stamp() -> str:
    """What this installation renders with: its code, templates, styles and translations. A new
    release gives new ETags, so that no browser keeps a page the previous one built. Read once
    per process (a few hundred small files)."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for path in sorted(base.rglob("*")):
        if path.suffix in CODE_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(base)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def public_stamp() -> str:
    """The latest change to published content (the newest public event's id and time), and the
    latest rebuild of the search index (which takes new ids each time).

    One query whose cost does not grow with the events: each public action's newest event is one
    probe of the (action, id) index, the greatest of them the stamp. `action IN (...)` read every
    public event (SQLite: a hundred plans' publications, 1.1 ms) or walked back from the newest
    event through every other event since the last public one (PostgreSQL: a round's contributions
    submitted and approved after the last publication, unbounded).
    """
    from django.db import connection

    from naptrack.audit.models import AuditEvent
    from naptrack.portal.models import SearchDocument

    names = public_actions()
    quote = connection.ops.quote_name
    audit, documents = quote(AuditEvent._meta.db_table), quote(SearchDocument._meta.db_table)
    # VALUES names its column column1 on both SQLite and PostgreSQL (neither takes the other's
    # way of naming it).
    actions = ", ".join(["(%s)"] * len(names))
    newest = (
        f"SELECT MAX(newest) FROM (SELECT (SELECT MAX(id) FROM {audit} WHERE action = named.column1) AS newest "
        f"FROM (VALUES {actions}) AS named) AS newest_each"
    )
    sql = (
        f"SELECT (SELECT MAX(id) FROM {documents}), event.id, event.occurred_at "
        f"FROM (SELECT 1) AS one LEFT JOIN {audit} AS event ON event.id = ({newest})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, names)
        document, event, at = cursor.fetchone()
    return f"{event or 0}:{at or ''}:{document or 0}"


_latest: tuple[float, str] | None = None
_latest_lock = threading.Lock()


def current_stamp() -> str:
    """The public stamp, read again from the database when older than STAMP_SECONDS."""
    global _latest
    now = time.monotonic()
    with _latest_lock:
        latest = _latest
    seconds = getattr(settings, "NAPTRACK_PUBLIC_STAMP_SECONDS", STAMP_SECONDS)
    if latest is not None and now - latest[0] < seconds:
        return latest[1]
    value = public_stamp()
    with _latest_lock:
        _latest = (now, value)
    return value


def forget() -> None:
    """Read the stamp again at the next request: published content changed in this process."""
    global _latest
    with _latest_lock:
        _latest = None


def _stamp(request: HttpRequest) -> str:
    if not hasattr(request, "_public_stamp"):
        request._public_stamp = current_stamp()
    return request._public_stamp


def _etag(request: HttpRequest, *args, **kwargs) -> str:
    lang = get_language() or settings.LANGUAGE_CODE
    value = f"{code_stamp()}|{_stamp(request)}|{lang}"
    return hashlib.sha256(value.encode()).hexdigest()[:24]


@dataclass
class _Entry:
    content: bytes
    headers: dict[str, str]


class PageCache:
    """Rendered pages kept by URL, language and public stamp, least recently used dropped first
    past a byte budget. A new stamp makes every older entry unreachable; they age out."""

    def __init__(self, budget: int = CACHE_BYTES):
        self.budget = budget
        self.size = 0
        self.entries: OrderedDict[tuple[str, str, str], _Entry] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[str, str, str]) -> _Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: tuple[str, str, str], entry: _Entry) -> None:
        if len(entry.content) > ENTRY_BYTES:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old.content)
            self.entries[key] = entry
            self.size += len(entry.content)
            while self.size > self.budget and self.entries:
                _key, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped.content)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0
        forget()


pages = PageCache()


def _cacheable(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    # A pending message (after a logout, say) belongs to this visitor's next page only.
    if request.COOKIES.get(getattr(settings, "MESSAGE_COOKIE_NAME", "messages")):
        return False
    return not request.user.is_authenticated


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a public page or download with an ETag, from the per-process cache when it can, and
    cacheable for a minute by browsers and proxies; for anonymous visitors only."""

    @wraps(view)
    def cached(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        key = (request.get_full_path(), get_language() or "", _stamp(request))
        entry = pages.get(key)
        if entry is not None:
            response = HttpResponse(entry.content)
            for name, value in entry.headers.items():
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            pages.put(key, _Entry(response.content, headers))
        return response

    conditional = condition(etag_func=_etag)(cached)

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True)
            return response
        response = conditional(request, *args, **kwargs)
        if response.status_code in (200, 304):
            patch_cache_control(response, public=True, max_age=MAX_AGE)
        patch_vary_headers(response, ("Cookie",))
        return response

    return wrapped
