"""Consultation events (line 34), their files, recommendations, the government's responses and
the follow-up, round after round."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from naptrack.audit.services import audit_record
from naptrack.civilsociety.models import Event, EventFile, FollowUp, Organisation, Recommendation
from naptrack.civilsociety.services.common import CivilSocietyError
from naptrack.core.numbers import whole_number
from naptrack.core.services import author, require, user_or_none
from naptrack.plans.models import Action, Department, Plan
from naptrack.reporting.models import Contribution, Round
from naptrack.reporting.services.evidence import upload_check

TEXT_MAX = 20_000


def _count(value: Any, key: str, errors: dict) -> int | None:
    if value in (None, ""):
        return None
    number = whole_number(str(value).strip())
    if number is None or number > 10**7:
        errors[key] = [_("Give a whole number of people.")]
    return number


def _clean(data: dict, errors: dict) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if "kind" in data:
        if data["kind"] not in Event.Kind.values:
            errors["kind"] = [_("Choose mid-term, final or other.")]
        cleaned["kind"] = data["kind"]
    if "title" in data:
        cleaned["title"] = str(data["title"] or "").strip()[:300]
        if not cleaned["title"]:
            errors["title"] = [_("Give the event a title.")]
    if "date" in data:
        if not isinstance(data["date"], dt.date):
            errors["date"] = [_("Give the date as YYYY-MM-DD.")]
        cleaned["date"] = data["date"]
    for key in ("place", "summary"):
        if key in data:
            cleaned[key] = str(data[key] or "").strip()[: 300 if key == "place" else TEXT_MAX]
    for key in ("online", "public"):
        if key in data:
            cleaned[key] = bool(data[key])
    for key in ("women", "men", "other"):
        if key in data:
            cleaned[key] = _count(data[key], key, errors)
    if "organiser" in data:
        if not isinstance(data["organiser"], Department):
            errors["organiser"] = [_("Choose the department that organises the event.")]
        cleaned["organiser"] = data["organiser"]
    return cleaned


@transaction.atomic
def event_create(
    *, actor, plan: Plan, invited: list[Organisation] = (), attending: list[Organisation] = (), **data
) -> Event:
    require(actor, "civilsociety.manage")
    errors: dict = {}
    for key in ("kind", "title", "date", "organiser"):
        data.setdefault(key, None if key != "title" else "")
    cleaned = _clean(data, errors)
    if errors:
        raise ValidationError(errors)
    event = author(Event(plan=plan, **cleaned), actor)
    event.save()
    event.invited.set(invited)
    event.attending.set(attending)
    audit_record(
        actor=actor,
        action="civilsociety.event.created",
        target=event,
        data={"plan": plan.slug, "kind": event.kind, "date": event.date.isoformat(), "public": event.public},
    )
    return event


@transaction.atomic
def event_update(
    *,
    actor,
    event: Event,
    data: dict,
    invited: list[Organisation] | None = None,
    attending: list[Organisation] | None = None,
) -> Event:
    require(actor, "civilsociety.manage")
    errors: dict = {}
    cleaned = _clean(data, errors)
    if errors:
        raise ValidationError(errors)
    for key, value in cleaned.items():
        setattr(event, key, value)
    author(event, actor).save()
    if invited is not None:
        event.invited.set(invited)
    if attending is not None:
        event.attending.set(attending)
    audit_record(actor=actor, action="civilsociety.event.updated", target=event, data={"fields": sorted(cleaned)})
    return event


@transaction.atomic
def event_file_add(*, actor, event: Event, kind: str, upload, title: str = "") -> EventFile:
    require(actor, "civilsociety.manage")
    errors: dict = {}
    if kind not in EventFile.Kind.values:
        errors["kind"] = [_("Choose agenda, minutes or other.")]
    content_type, problem = upload_check(upload)
    if problem:
        errors["file"] = [problem]
    if errors:
        raise ValidationError(errors)
    added = EventFile.objects.create(
        event=event,
        kind=kind,
        file=upload,
        content_type=content_type,
        size=upload.size,
        title=(title or upload.name.rsplit("/", 1)[-1]).strip()[:200],
    )
    audit_record(
        actor=actor,
        action="civilsociety.event.file_added",
        target=event,
        data={"file": added.pk, "kind": kind, "title": added.title, "size": added.size},
    )
    return added


@transaction.atomic
def event_cite(*, actor, event: Event, contribution: Contribution, cite: bool = True) -> None:
    """A department's contribution reports this event (line 34's instrument: "Organisation of two
    reporting and coordination events"): whoever may edit the contribution may cite it."""
    if not actor.has_perm("reporting.change_contribution", contribution):
        require(actor, "civilsociety.manage")
    if contribution.round.plan_id != event.plan_id:
        raise ValidationError({"event": [_("This event belongs to another plan.")]})
    if cite:
        event.cited_by.add(contribution)
    else:
        event.cited_by.remove(contribution)
    audit_record(
        actor=actor,
        action="civilsociety.event.cited" if cite else "civilsociety.event.uncited",
        target=event,
        data={"contribution": contribution.pk},
    )


def _actions(event: Event, actions: list[Action]) -> list[Action]:
    other = [a for a in actions if a.plan_id != event.plan_id]
    if other:
        raise ValidationError(
            {
                "actions": [
                    _("Line %(code)s belongs to another plan than the event's; link lines of %(plan)s.")
                    % {"code": other[0].code, "plan": event.plan}
                ]
            }
        )
    return actions


@transaction.atomic
def recommendation_add(
    *, actor, event: Event, text: str, organisations: list[Organisation] = (), actions: list[Action] = ()
) -> Recommendation:
    require(actor, "civilsociety.manage")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write the recommendation.")]})
    _actions(event, list(actions))
    last = event.recommendations.order_by("-position").values_list("position", flat=True).first() or 0
    recommendation = author(Recommendation(event=event, position=last + 1, text=text[:TEXT_MAX]), actor)
    recommendation.save()
    recommendation.organisations.set(organisations)
    recommendation.actions.set(actions)
    audit_record(
        actor=actor,
        action="civilsociety.recommendation.added",
        target=recommendation,
        data={"event": event.pk, "lines": [a.code for a in actions]},
    )
    return recommendation


@transaction.atomic
def recommendation_respond(*, actor, recommendation: Recommendation, response: str, reason: str = "") -> Recommendation:
    require(actor, "civilsociety.manage")
    if response not in Recommendation.Response.values or response == Recommendation.Response.PENDING:
        raise ValidationError({"response": [_("Choose accepted, partly or not accepted.")]})
    if response != Recommendation.Response.ACCEPTED and not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for this response.")]})
    recommendation.response, recommendation.response_reason = response, (reason or "").strip()[:TEXT_MAX]
    author(recommendation, actor).save(update_fields=["response", "response_reason"])
    audit_record(
        actor=actor, action="civilsociety.recommendation.responded", target=recommendation, data={"response": response}
    )
    return recommendation


@transaction.atomic
def recommendation_follow_up(
    *, actor, recommendation: Recommendation, status: str, note: str, round: Round | None = None
) -> FollowUp:
    """Note what was done about a recommendation; its status is the latest follow-up's."""
    require(actor, "civilsociety.manage")
    errors: dict = {}
    if status not in Recommendation.Status.values:
        errors["status"] = [_("Choose open, in progress, implemented or closed.")]
    if not (note or "").strip():
        errors["note"] = [_("Say what was done.")]
    if round is not None and round.plan_id != recommendation.event.plan_id:
        errors["round"] = [_("This round belongs to another plan.")]
    if errors:
        raise ValidationError(errors)
    if recommendation.status == Recommendation.Status.CLOSED:
        raise CivilSocietyError(_("This recommendation is closed; its follow-up ended."))
    follow_up = FollowUp.objects.create(
        recommendation=recommendation, round=round, status=status, note=note.strip()[:TEXT_MAX], by=user_or_none(actor)
    )
    recommendation.status = status
    author(recommendation, actor).save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="civilsociety.recommendation.followed_up",
        target=recommendation,
        data={"status": status, "round": round.pk if round else None},
    )
    return follow_up
