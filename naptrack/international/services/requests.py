"""Requests, their answers, and the versions sent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from naptrack.audit.services import audit_record
from naptrack.core.numbers import whole_number
from naptrack.core.services import author, require, user_or_none
from naptrack.international.drafting import draft_answers
from naptrack.international.models import Answer, Dispatch, Framework, Request
from naptrack.international.services.common import InternationalError, StaleVersion, pack_action

TEXT_MAX = 20_000
COUNT_MAX = 10**9


@transaction.atomic
def request_create(
    *,
    actor,
    framework: Framework,
    period_start: int,
    period_end: int | None = None,
    due_on: dt.date,
    reference: str = "",
    received_on: dt.date | None = None,
    handler=None,
) -> Request:
    """Open a request and draft an answer to each of its framework's questions. A period that no
    round covers is allowed: every answer is then flagged."""
    require(actor, "international.manage")
    period_end = period_start if period_end is None else period_end
    errors: dict[str, list[str]] = {}
    if not 1900 <= period_start <= 2200 or not 1900 <= period_end <= 2200:
        errors["period"] = [_("Give the period as years, such as 2014 or 2013-2014.")]
    elif period_end < period_start:
        errors["period"] = [_("The period ends before it starts.")]
    if received_on and received_on > due_on:
        errors["due_on"] = [_("The due date is before the date the request was received.")]
    if not framework.questions.exists():
        errors["framework"] = [_("Framework %(code)s has no question yet.") % {"code": framework.code}]
    if errors:
        raise ValidationError(errors)
    request = author(
        Request(
            framework=framework,
            period_start=period_start,
            period_end=period_end,
            due_on=due_on,
            reference=reference.strip()[:200],
            received_on=received_on,
            handler=handler or user_or_none(actor),
        ),
        actor,
    )
    request.save()
    answers = [Answer(request=request, question=q) for q in framework.questions.order_by("position")]
    Answer.objects.bulk_create(answers)
    answers = list(request.answers.select_related("question"))
    draft_answers(request, answers)
    for answer in answers:
        author(answer, actor).save()
    audit_record(
        actor=actor,
        action="international.request.created",
        target=request,
        data={
            "framework": framework.code,
            "period": request.period,
            "due": due_on.isoformat(),
            "flagged": sum(a.flagged for a in answers),
        },
    )
    return request


@transaction.atomic
def request_redraft(*, actor, request: Request) -> int:
    """Draft again from today's data; answers the coordinator edited keep their final text.
    Returns the number of answers whose final text followed the new draft."""
    require(actor, "international.manage")
    # Read again: whether the pack is published now decides the audit action's name.
    request = Request.objects.select_for_update().get(pk=request.pk)
    answers = list(request.answers.select_for_update().select_related("question"))
    before = {a.pk: (a.draft, a.text, a.women, a.men, a.other, a.total, a.flagged) for a in answers}
    draft_answers(request, answers)
    changed = 0
    for answer in answers:
        if before[answer.pk] != (
            answer.draft,
            answer.text,
            answer.women,
            answer.men,
            answer.other,
            answer.total,
            answer.flagged,
        ):
            changed += 1
            author(answer, actor).save()
    audit_record(
        actor=actor,
        action=pack_action(request, "international.request.redrafted"),
        target=request,
        data={"changed": changed},
    )
    return changed


def _count(value: Any, key: str, errors: dict) -> int | None:
    if value in (None, ""):
        return None
    number = whole_number(str(value).strip())
    if number is None or number < 0 or number > COUNT_MAX:
        errors[key] = [_("Give a whole number between 0 and %(max)s.") % {"max": f"{COUNT_MAX:,}"}]
        return None
    return number


def _clean_answer(data: dict) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if "text" in data:
        text = str(data["text"] or "")
        if len(text) > TEXT_MAX:
            errors["text"] = [_("An answer has at most %(max)s characters.") % {"max": f"{TEXT_MAX:,}"}]
        cleaned["text"] = text.strip()
    for key in ("women", "men", "other"):
        if key in data:
            cleaned[key] = _count(data[key], key, errors)
    if "total" in data:
        raw = data["total"]
        if raw in (None, ""):
            cleaned["total"] = None
        else:
            try:
                total = Decimal(str(raw).strip().replace(",", "."))
                # The column holds 12 digits before the decimal point and 4 after it.
                if not total.is_finite() or abs(total) >= Decimal(10) ** 12 or total.as_tuple().exponent < -4:
                    raise InvalidOperation
                cleaned["total"] = total
            except InvalidOperation:
                errors["total"] = [
                    _("Give a number below a trillion with at most four decimals, such as 1250 or 12.5.")
                ]
    if "yes" in data:
        value = data["yes"]
        if value in (None, ""):
            cleaned["yes"] = None
        elif value in (True, "true", "yes", "1", 1):
            cleaned["yes"] = True
        elif value in (False, "false", "no", "0", 0):
            cleaned["yes"] = False
        else:
            errors["yes"] = [_("Answer yes or no.")]
    unknown = set(data) - {"text", "women", "men", "other", "total", "yes", "version"}
    if unknown:
        errors["__all__"] = [_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}]
    parts = [cleaned.get(k) for k in ("women", "men", "other") if cleaned.get(k) is not None]
    if not errors and parts and cleaned.get("total") is not None and sum(parts) > cleaned["total"]:
        errors["total"] = [_("The total is smaller than women, men and other together.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def answer_save(*, actor, answer: Answer, version: int | None, data: dict) -> Answer:
    """The coordinator's final answer to one question. The version is the answer's version the
    person edited; a stale one raises StaleVersion and saves nothing."""
    require(actor, "international.manage")
    if version is None:
        raise ValidationError({"version": [_("Say which version you edited.")]})
    current = Answer.objects.select_for_update().select_related("question", "request").get(pk=answer.pk)
    if current.version != int(version):
        raise StaleVersion(current)
    cleaned = _clean_answer(data)
    changed = {k: v for k, v in cleaned.items() if getattr(current, k) != v}
    if not changed:
        return current
    for key, value in changed.items():
        setattr(current, key, value)
    current.edited = True
    current.version += 1
    current.updated_by = user_or_none(actor)
    author(current, actor).save()
    audit_record(
        actor=actor,
        action=pack_action(current.request, "international.answer.saved"),
        target=current,
        data={"request": current.request_id, "question": current.question.code, "fields": sorted(changed)},
    )
    return current


def _unchanged_since(request: Request, content: dict) -> Dispatch | None:
    last = request.dispatches.order_by("-version").first()
    if last is not None and last.content.get("answers") == content.get("answers"):
        return last
    return None


@transaction.atomic
def request_mark_sent(*, actor, request: Request, sent_on: dt.date, sent_to: str, reference: str = "") -> Dispatch:
    """Freeze the answers as sent: a dispatch holds them as they are; later edits make the next
    version, and the one sent stays as it was."""
    from naptrack.international.exports import pack_snapshot

    require(actor, "international.manage")
    request = Request.objects.select_for_update().select_related("framework").get(pk=request.pk)
    errors = {}
    if not sent_to.strip():
        errors["sent_to"] = [_("Say to whom the answers were sent.")]
    if sent_on > timezone.localdate() + dt.timedelta(days=1):
        errors["sent_on"] = [_("The date sent is in the future.")]
    if errors:
        raise ValidationError(errors)
    content = pack_snapshot(request)
    last = _unchanged_since(request, content)
    if last is not None:
        raise InternationalError(
            _(
                "Version %(version)s was already sent on %(date)s with these answers; "
                "edit an answer to make a new version."
            )
            % {"version": last.version, "date": last.sent_on.isoformat()}
        )
    dispatch = Dispatch.objects.create(
        request=request,
        version=request.version,
        sent_on=sent_on,
        sent_to=sent_to.strip()[:300],
        reference=reference.strip()[:200],
        content=content,
        created_by=user_or_none(actor),
    )
    request.version += 1
    author(request, actor).save(update_fields=["version"])
    audit_record(
        actor=actor,
        action=pack_action(request, "international.request.sent"),
        target=request,
        data={"version": dispatch.version, "sent_on": sent_on.isoformat(), "to": dispatch.sent_to},
    )
    return dispatch


def _check_rounds_published(request: Request) -> None:
    """A pack goes public only once every round its answers draw on is: an approved contribution
    of a round not yet published is not public anywhere else either."""
    from naptrack.reporting.models import Round

    round_ids = {
        source["round_id"]
        for draft in request.answers.values_list("draft", flat=True)
        for source in (draft or {}).get("sources", [])
        if source.get("round_id")
    }
    waiting = list(Round.objects.filter(pk__in=round_ids).exclude(state="published").select_related("plan"))
    if waiting:
        raise InternationalError(
            _("The answers draw on %(rounds)s, not published yet: publish the round first, then the answers.")
            % {"rounds": ", ".join(f"{r.plan} · {r}" for r in waiting)}
        )


@transaction.atomic
def request_set_visibility(*, actor, request: Request, public: bool) -> Request:
    """Publish the answer pack on the portal and in open data, or take it back."""
    require(actor, "international.manage")
    request = Request.objects.select_for_update().get(pk=request.pk)
    wanted = Request.Visibility.PUBLIC if public else Request.Visibility.INTERNAL
    if request.visibility == wanted:
        raise InternationalError(
            _("This answer pack is already published.") if public else _("This answer pack is not published.")
        )
    if public:
        _check_rounds_published(request)
    request.visibility = wanted
    request.published_at = timezone.now() if public else None
    author(request, actor).save(update_fields=["visibility", "published_at"])
    audit_record(
        actor=actor,
        action="international.request.published" if public else "international.request.unpublished",
        target=request,
    )
    return request


@transaction.atomic
def request_update(*, actor, request: Request, data: dict) -> Request:
    """The request's own details: reference, dates, handler."""
    require(actor, "international.manage")
    request = Request.objects.select_for_update().get(pk=request.pk)
    for key in ("reference", "received_on", "due_on", "handler"):
        if key in data:
            setattr(request, key, data[key])
    if request.received_on and request.received_on > request.due_on:
        raise ValidationError({"due_on": [_("The due date is before the date the request was received.")]})
    author(request, actor).save()
    audit_record(
        actor=actor,
        action=pack_action(request, "international.request.updated"),
        target=request,
        data={"fields": sorted(data)},
    )
    return request
