"""Open data: the reports to parliament sent, one row per transmission of a published round's
report (line 33's instrument "Reports sent to parliament"), as CSV, XLSX and JSON."""

from __future__ import annotations

from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from naptrack.portal.opendata import (
    Column,
    table_file,
)
from naptrack.publications.models import Transmission
from naptrack.reporting.models import Round

FORMAT = "naptrack-transmissions/1"
FORMATS = ("csv", "xlsx", "json")

COLUMNS = [
    Column("plan", "text", gettext_lazy("The plan's identifier (slug).")),
    Column("round_id", "integer", gettext_lazy("The reporting round's identifier, as in the API.")),
    Column("round_kind", "text", gettext_lazy("Code of the kind of round: baseline, annual, mid-term or final.")),
    Column("round_kind_label", "text", gettext_lazy("The kind of round, in words.")),
    Column("round_year", "integer", gettext_lazy("The year the round reports on.")),
    Column("sent_on", "date", gettext_lazy("The day the report was sent to parliament (YYYY-MM-DD).")),
    Column("recipient", "text", gettext_lazy("The chamber the report was sent to.")),
    Column("committee", "text", gettext_lazy("The committee it was sent to; else empty.")),
    Column("document_number", "text", gettext_lazy("The parliament's document number; else empty.")),
    Column("url", "text", gettext_lazy("The parliament's page of the document; else empty.")),
]
NAMES = [c.name for c in COLUMNS]


def transmission_rows() -> list[dict[str, Any]]:
    """Transmissions of published rounds only, by plan, date sent: one query."""
    transmissions = (
        Transmission.objects.filter(round__state=Round.State.PUBLISHED)
        .select_related("round__plan")
        .order_by("round__plan__slug", "sent_on", "pk")
    )
    rows = []
    for t in transmissions:
        round_ = t.round
        rows.append(
            {
                "plan": round_.plan.slug,
                "round_id": round_.pk,
                "round_kind": round_.kind,
                "round_kind_label": capfirst(round_.get_kind_display()),
                "round_year": round_.year,
                "sent_on": t.sent_on.isoformat(),
                "recipient": t.recipient,
                "committee": t.committee,
                "document_number": t.document_number,
                "url": t.url,
            }
        )
    return rows


def transmissions_file(fmt: str) -> bytes:
    return table_file(fmt, format_name=FORMAT, title=_("Transmissions"), columns=COLUMNS, rows=transmission_rows())
