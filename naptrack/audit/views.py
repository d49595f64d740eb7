"""The coordinator's audit trail: the events, filtered by who, what, when and which object, a page
at a time with links to each object and its history, and the same events as CSV.

Each page reads a fixed number of queries whatever the number of events: the filters' choices, the
count, the page, and one per type of object on the page for its links (naptrack.audit.links).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from naptrack.audit import links
from naptrack.audit.forms import EventFilterForm
from naptrack.audit.models import AuditEvent
from naptrack.core.spreadsheets import csv_text

PAGE_SIZE = 50
CSV_CHUNK = 500
# The events the screen pages through, newest first: the filters (who, what, when, which object)
# or the CSV reach the rest. Counting every event on each visit read them all: an installation's
# years hold hundreds of thousands.
PAGED_EVENTS = 1000


class NewestEvents(Paginator):
    """Pages through the newest PAGED_EVENTS events only; counts no further than one past them."""

    @cached_property
    def counted(self) -> int:
        # Which events are counted does not matter, only whether there are more: unordered, the
        # database reads whichever it finds first.
        return self.object_list.order_by()[: PAGED_EVENTS + 1].count()

    @property
    def count(self) -> int:
        return min(self.counted, PAGED_EVENTS)

    @property
    def capped(self) -> bool:
        return self.counted > PAGED_EVENTS


def _require_view(user: Any) -> None:
    if not user.has_perm("audit.view_event"):
        raise PermissionDenied(_("Only a coordinator may read the audit trail."))


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    action_label: str
    type_label: str
    links: links.Links | None
    gone: bool
    events_url: str
    details: str


def _details(event: AuditEvent) -> str:
    return json.dumps(event.data, ensure_ascii=False, indent=2, sort_keys=True, default=str) if event.data else ""


def _rows(events: list[AuditEvent]) -> list[EventRow]:
    resolved = links.resolve(events)
    screen = reverse("audit:event-list")
    action_labels = {e.action: links.action_label(e.action) for e in events}
    type_labels = {e.target_type: links.type_label(e.target_type) for e in events if e.target_type}
    rows = []
    for event in events:
        found = resolved.get(event.pk)
        # Only a type with a resolver can tell that its object is gone; others just have no link.
        gone = bool(event.target_id) and links.has_resolver(event.target_type) and not (found and found.object_url)
        on_object = {"target_type": event.target_type, "target_id": event.target_id}
        rows.append(
            EventRow(
                event=event,
                action_label=action_labels[event.action],
                type_label=type_labels.get(event.target_type, ""),
                links=found,
                gone=gone,
                events_url=f"{screen}?{urlencode(on_object)}" if event.target_type else "",
                details=_details(event),
            )
        )
    return rows


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    _require_view(request.user)
    form = EventFilterForm(request.GET)
    events = AuditEvent.objects.matching(**form.filters())
    page = NewestEvents(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "paged_events": PAGED_EVENTS,
        "rows": _rows(list(page.object_list)),
        "query": form.query_string(),
    }
    return render(request, "audit/event_list.html", context)


class _Echo:
    """A file-like object whose write returns what it was given: csv.writer then yields lines
    one at a time, so the response streams however many events there are."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(events: Any) -> Iterator[str]:
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL, lineterminator="\n")
    header = [_("When"), _("Who"), _("Action code"), _("Action"), _("Object type"), _("Object id"), _("Object")]
    # Every cell as text a spreadsheet shows rather than runs (core.spreadsheets).
    yield writer.writerow([csv_text(h) for h in [*header, _("Details")]])
    zone = timezone.get_default_timezone()
    labels: dict[str, str] = {}
    for event in events.iterator(chunk_size=CSV_CHUNK):
        if event.action not in labels:
            labels[event.action] = links.action_label(event.action)
        details = json.dumps(event.data, ensure_ascii=False, sort_keys=True, default=str) if event.data else ""
        cells = [
            timezone.localtime(event.occurred_at, zone).isoformat(timespec="seconds"),
            event.actor_name,
            event.action,
            labels[event.action],
            event.target_type,
            event.target_id,
            event.target_repr,
            details,
        ]
        yield writer.writerow([csv_text(cell) for cell in cells])


@login_required
def event_csv(request: HttpRequest) -> HttpResponse:
    _require_view(request.user)
    form = EventFilterForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in form.errors.items())
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    events = AuditEvent.objects.matching(**form.filters())
    stamp = timezone.localtime(timezone.now(), timezone.get_default_timezone()).strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(_csv_lines(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="naptrack-audit-{stamp}.csv"'
    return response
