"""Reporting rounds: created as drafts, opened (one contribution per line of action and
responsible department), closed, reopened, and marked published by the portal's use case."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from naptrack.audit.services import audit_record
from naptrack.plans import versions
from naptrack.plans.models import Instrument, Plan, Responsibility
from naptrack.reporting.models import Contribution, Measurement, Round
from naptrack.reporting.services.common import WorkflowError, _author, _now, _require


@transaction.atomic
def round_create(*, actor, plan: Plan, kind: str, year: int, deadline: dt.date, intro: str = "") -> Round:
    _require(actor, "reporting.manage_round")
    if not plan.is_adopted:
        raise ValidationError(
            {"plan": [_("%(slug)s is a draft: adopt it before opening a round.") % {"slug": plan.slug}]}
        )
    errors: dict[str, list[str]] = {}
    if kind not in Round.Kind.values:
        errors["kind"] = [_("Choose one of: %(kinds)s.") % {"kinds": ", ".join(Round.Kind.values)}]
    low, high = plan.period_start - 5, plan.period_end + 5
    if not isinstance(year, int) or not low <= year <= high:
        errors["year"] = [_("The year covered must lie between %(low)s and %(high)s.") % {"low": low, "high": high}]
    if not isinstance(deadline, dt.date):
        errors["deadline"] = [_("Give the deadline as a date (YYYY-MM-DD).")]
    if errors:
        raise ValidationError(errors)
    if Round.objects.filter(plan=plan, kind=kind, year=year).exists():
        raise ValidationError(
            {
                "year": [
                    _("This plan already has a round of this kind (%(kind)s) for %(year)s.")
                    % {"kind": Round.Kind(kind).label, "year": year}
                ]
            }
        )
    try:
        with transaction.atomic():
            round_ = Round.objects.create(plan=plan, kind=kind, year=year, deadline=deadline, intro_en=intro)
    except IntegrityError:
        raise ValidationError({"year": [_("This plan already has such a round.")]}) from None
    audit_record(
        actor=actor,
        action="reporting.round.created",
        target=round_,
        data={"plan": plan.slug, "kind": kind, "year": year, "deadline": deadline.isoformat()},
    )
    return round_


@transaction.atomic
def round_update(*, actor, round: Round, deadline: dt.date | None = None, intro: dict[str, str] | None = None) -> Round:
    """Change the deadline or the introduction ({"en": ..., "fr": ...})."""
    _require(actor, "reporting.manage_round")
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if round_.state == Round.State.PUBLISHED:
        raise WorkflowError(_("A published round cannot be changed."))
    before, after = {}, {}
    if deadline is not None and deadline != round_.deadline:
        before["deadline"], after["deadline"] = round_.deadline.isoformat(), deadline.isoformat()
        round_.deadline = deadline
    for lang, text in (intro or {}).items():
        if lang not in settings.MODELTRANSLATION_LANGUAGES:
            raise ValidationError({"intro": [_("Unknown language %(lang)s.") % {"lang": lang}]})
        name = f"intro_{lang}"
        if getattr(round_, name) != text:
            before[name], after[name] = getattr(round_, name), text
            setattr(round_, name, text)
    if after:
        _author(round_, actor).save()
        audit_record(
            actor=actor, action="reporting.round.updated", target=round_, data={"before": before, "after": after}
        )
    return round_


@transaction.atomic
def round_open(*, actor, round: Round, notify: bool = True) -> Round:
    """Open a draft round: one contribution per line of action and responsible department, exactly
    the pairs the plan lists, each with an empty answer per monitoring instrument; then the
    focal points are told what they have to report and by when. With notify=False the caller
    sends those e-mails itself (notifications.round_opened, once this has committed): the
    command line does, to say how many went out."""
    _require(actor, "reporting.manage_round")
    round_ = Round.objects.select_for_update().select_related("plan").get(pk=round.pk)
    if round_.state != Round.State.DRAFT:
        raise WorkflowError(
            _("The round is already %(state)s; only a draft round can be opened.")
            % {"state": round_.get_state_display()}
        )
    # The round follows the plan in force now, and keeps that version whatever is amended later;
    # the plan is locked so that no amendment lands between the version and the lines read.
    Plan.objects.select_for_update().filter(pk=round_.plan_id).first()
    round_.plan_version = versions.in_force(round_.plan)
    pairs = Responsibility.objects.filter(action__plan_id=round_.plan_id, action__retired_in__isnull=True).values_list(
        "action_id", "department_id"
    )
    contributions = Contribution.objects.bulk_create(
        [Contribution(round=round_, action_id=a, department_id=d) for a, d in pairs]
    )
    if any(c.pk is None for c in contributions):  # databases that return no ids on bulk insert
        contributions = list(Contribution.objects.filter(round=round_))
    instruments: dict[int, list[int]] = {}
    for instrument_id, action_id in Instrument.objects.filter(
        action__plan_id=round_.plan_id, retired_in__isnull=True
    ).values_list("pk", "action_id"):
        instruments.setdefault(action_id, []).append(instrument_id)
    Measurement.objects.bulk_create(
        [
            Measurement(contribution_id=c.pk, instrument_id=i)
            for c in contributions
            for i in instruments.get(c.action_id, [])
        ]
    )
    round_.state = Round.State.OPEN
    round_.opened_at = _now()
    _author(round_, actor).save()
    audit_record(
        actor=actor,
        action="reporting.round.opened",
        target=round_,
        data={"contributions": len(contributions), "deadline": round_.deadline.isoformat()},
    )
    from naptrack.reporting import notifications

    if notify:
        transaction.on_commit(lambda: notifications.round_opened(round_))
    return round_


def _transition(
    actor,
    round: Round,
    *,
    source: tuple[str, ...],
    target: str,
    action: str,
    stamp: str | None = None,
    data: dict | None = None,
) -> Round:
    _require(actor, "reporting.manage_round")
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if round_.state not in source:
        raise WorkflowError(
            _("The round is %(state)s: this cannot be done now.") % {"state": round_.get_state_display()}
        )
    before = round_.state
    round_.state = target
    if stamp:
        setattr(round_, stamp, _now())
    _author(round_, actor).save()
    audit_record(actor=actor, action=action, target=round_, data={"before": before, "after": target, **(data or {})})
    return round_


@transaction.atomic
def round_close(*, actor, round: Round) -> Round:
    return _transition(
        actor, round, source=("open",), target="closed", action="reporting.round.closed", stamp="closed_at"
    )


@transaction.atomic
def round_reopen(*, actor, round: Round, reason: str) -> Round:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the round is reopened.")]})
    return _transition(
        actor,
        round,
        source=("closed",),
        target="open",
        action="reporting.round.reopened",
        data={"reason": reason.strip()},
    )


def round_mark_published(*, actor, round: Round) -> Round:
    """Move a closed round to published: the state change alone. A round is never published
    without its report to parliament and its search documents, which live in apps above this
    one: naptrack.portal.publishing.round_publish is the use case, and calls this inside its
    transaction."""
    return _transition(
        actor,
        round,
        source=("closed",),
        target="published",
        action="reporting.round.published",
        stamp="published_at",
    )
