"""Where an audit event's object and its history can be seen, and what an event is called.

An event names its object by type (`reporting.contribution`) and id. The pages that show those
objects belong to apps above this one, which it may not import (docs/architecture.md). So each of
those apps registers, when Django starts (its AppConfig.ready), one resolver per type: given the
ids of the events on a page, it answers with their links in one query, so that a page of events
costs one query per type of object on it, never one per event.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from naptrack.audit.models import AuditEvent


@dataclass(frozen=True)
class Links:
    """An object's page (None once the object is gone) and its history page, if it has one."""

    object_url: str | None = None
    history_url: str | None = None


Resolver = Callable[[Sequence[str]], Mapping[str, Links]]
"""Target ids -> links, for the ids it knows; an id it leaves out has no page any more."""

_resolvers: dict[str, Resolver] = {}


def register(target_type: str, resolver: Resolver) -> None:
    """Resolve the links of events whose object is of this type (`app_label.model_name`)."""
    _resolvers[target_type] = resolver


def has_resolver(target_type: str) -> bool:
    return target_type in _resolvers


def resolve(events: Sequence[AuditEvent]) -> dict[int, Links]:
    """The links of each event (by event id) whose object has a registered resolver."""
    ids: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.target_type in _resolvers and event.target_id:
            ids[event.target_type].add(event.target_id)
    found = {kind: _resolvers[kind](sorted(wanted)) for kind, wanted in ids.items()}
    return {
        event.pk: found[event.target_type][event.target_id]
        for event in events
        if event.target_id in found.get(event.target_type, {})
    }


def int_ids(ids: Sequence[str]) -> list[int]:
    """The ids a resolver can look up: a target id is text, and a hand-made one may be anything."""
    return [int(i) for i in ids if i.isdigit()]


# --- names people read -------------------------------------------------------------------------

# The last word of an action name ("reporting.contribution.approved"), as people say it. An action
# added later without a word here still reads well enough: its word with spaces for underscores.
VERBS = {
    "added": gettext_lazy("added"),
    "approved": gettext_lazy("approved"),
    "closed": gettext_lazy("closed"),
    "corrected": gettext_lazy("corrected"),
    "created": gettext_lazy("created"),
    "deactivated": gettext_lazy("deactivated"),
    "deleted": gettext_lazy("deleted"),
    "edited": gettext_lazy("edited"),
    "imported": gettext_lazy("imported"),
    "invited": gettext_lazy("invited"),
    "loaded": gettext_lazy("loaded"),
    "opened": gettext_lazy("opened"),
    "password_set": gettext_lazy("password set"),
    "published": gettext_lazy("published"),
    "removed": gettext_lazy("removed"),
    "reopened": gettext_lazy("reopened"),
    "returned": gettext_lazy("returned"),
    "revoked": gettext_lazy("revoked"),
    "saved": gettext_lazy("saved"),
    "submitted": gettext_lazy("submitted"),
    "updated": gettext_lazy("updated"),
    "withdrawn": gettext_lazy("withdrawn"),
}


def type_label(target_type: str) -> str:
    """`reporting.contribution` -> "Contribution": the model's own name, in the current language."""
    app_label, _dot, model_name = target_type.partition(".")
    try:
        return capfirst(apps.get_model(app_label, model_name)._meta.verbose_name)
    except (LookupError, ValueError):
        return capfirst(model_name.replace("_", " ")) if model_name else target_type


def action_label(action: str) -> str:
    """`reporting.contribution.approved` -> "Contribution: approved"."""
    subject, _dot, verb = action.rpartition(".")
    if not subject:
        return action
    return _("%(object)s: %(verb)s") % {
        "object": type_label(subject),
        "verb": VERBS.get(verb, verb.replace("_", " ")),
    }
