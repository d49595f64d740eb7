"""Links from the audit trail (naptrack.audit.links) to plan content: the coordinator edits the
plan in the admin, whose history pages (django-simple-history) show every version of a row, even
of a row since deleted. Registered by PlansConfig.ready; one query per type of object."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import models
from django.urls import reverse

from naptrack.audit.links import Links, Resolver, int_ids, register
from naptrack.plans.models import Action, Department, Goal, Instrument, Note, Objective, Plan


def _admin_links(model: type[models.Model]) -> Resolver:
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"

    def resolve(ids: Sequence[str]) -> Mapping[str, Links]:
        wanted = int_ids(ids)
        present = set(model._default_manager.filter(pk__in=wanted).values_list("pk", flat=True))
        return {
            str(pk): Links(
                object_url=reverse(f"{name}_change", args=[pk]) if pk in present else None,
                history_url=reverse(f"{name}_history", args=[pk]),
            )
            for pk in wanted
        }

    return resolve


def _line_links(model: type[models.Model]) -> Resolver:
    """Instruments and notes are edited within their line of action: they link to the line."""

    def resolve(ids: Sequence[str]) -> Mapping[str, Links]:
        found = model._default_manager.filter(pk__in=int_ids(ids)).values_list("pk", "action_id")
        return {
            str(pk): Links(
                object_url=reverse("admin:plans_action_change", args=[action_id]),
                history_url=reverse("admin:plans_action_history", args=[action_id]),
            )
            for pk, action_id in found
        }

    return resolve


def register_links() -> None:
    for model in (Plan, Objective, Goal, Action, Department):
        register(model._meta.label_lower, _admin_links(model))
    for model in (Instrument, Note):
        register(model._meta.label_lower, _line_links(model))
