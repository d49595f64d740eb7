"""Targeted questions: the coordinator asks a department directly about a question the data does
not answer; the department answers with the contributions' workflow (draft, submitted, returned
with a note, approved), and an approved reply joins the answer's draft."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from naptrack.audit.services import audit_record
from naptrack.core.services import author, require, user_or_none
from naptrack.international import notifications
from naptrack.international.drafting import draft_answers
from naptrack.international.models import Answer, TargetedQuestion
from naptrack.international.services.common import InternationalError, StaleVersion, pack_action
from naptrack.international.services.requests import _clean_answer, _count
from naptrack.plans.models import Department

REPLY_MAX = 20_000


@transaction.atomic
def targeted_question_ask(
    *, actor, answer: Answer, department: Department, due_on: dt.date, text: str = ""
) -> TargetedQuestion:
    require(actor, "international.manage")
    text = (text or answer.question.text).strip()
    errors: dict[str, list[str]] = {}
    if due_on < timezone.localdate():
        errors["due_on"] = [_("The due date is in the past.")]
    if TargetedQuestion.objects.filter(answer=answer, department=department).exists():
        errors["department"] = [_("%(department)s has already been asked this question.") % {"department": department}]
    if errors:
        raise ValidationError(errors)
    targeted = author(
        TargetedQuestion(answer=answer, department=department, text=text, due_on=due_on, asked_by=user_or_none(actor)),
        actor,
    )
    targeted.save()
    audit_record(
        actor=actor,
        action="international.targeted.asked",
        target=targeted,
        data={
            "request": answer.request_id,
            "question": answer.question.code,
            "department": department.code,
            "due": due_on.isoformat(),
        },
    )
    transaction.on_commit(lambda: notifications.send_asked(targeted.pk))
    return targeted


def _locked(targeted: TargetedQuestion) -> TargetedQuestion:
    return (
        TargetedQuestion.objects.select_for_update()
        .select_related("department", "answer__question", "answer__request")
        .get(pk=targeted.pk)
    )


def _check_version(current: TargetedQuestion, version: Any) -> None:
    if version is not None and current.version != int(version):
        raise StaleVersion(current)


@transaction.atomic
def targeted_question_save(*, actor, targeted: TargetedQuestion, version: int | None, data: dict) -> TargetedQuestion:
    current = _locked(targeted)
    require(actor, "international.answer_targeted", current)
    if version is None:
        raise ValidationError({"version": [_("Say which version you edited.")]})
    _check_version(current, version)
    errors: dict[str, list[str]] = {}
    changed: dict[str, Any] = {}
    if "reply" in data:
        reply = str(data["reply"] or "").strip()
        if len(reply) > REPLY_MAX:
            errors["reply"] = [_("A reply has at most %(max)s characters.") % {"max": f"{REPLY_MAX:,}"}]
        changed["reply"] = reply
    for key in ("women", "men", "other"):
        if key in data:
            changed[key] = _count(data[key], key, errors)
    if "value" in data:
        try:
            changed["value"] = _clean_answer({"total": data["value"]})["total"]
        except ValidationError:
            errors["value"] = [_("Give a number below a trillion with at most four decimals, such as 1250 or 12.5.")]
    unknown = set(data) - {"reply", "women", "men", "other", "value", "version"}
    if unknown:
        errors["__all__"] = [_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}]
    if errors:
        raise ValidationError(errors)
    changed = {k: v for k, v in changed.items() if getattr(current, k) != v}
    if not changed:
        return current
    for key, value in changed.items():
        setattr(current, key, value)
    current.version += 1
    author(current, actor).save()
    audit_record(actor=actor, action="international.targeted.saved", target=current, data={"fields": sorted(changed)})
    return current


@transaction.atomic
def targeted_question_submit(*, actor, targeted: TargetedQuestion, version: int | None = None) -> TargetedQuestion:
    current = _locked(targeted)
    require(actor, "international.answer_targeted", current)
    _check_version(current, version)
    if not current.reply and all(v is None for v in (current.women, current.men, current.other, current.value)):
        raise ValidationError({"reply": [_("Nothing to submit yet: write a reply or give figures.")]})
    current.state = TargetedQuestion.State.SUBMITTED
    current.submitted_at, current.submitted_by = timezone.now(), user_or_none(actor)
    current.version += 1
    author(current, actor).save()
    audit_record(actor=actor, action="international.targeted.submitted", target=current)
    return current


def _review(actor, targeted: TargetedQuestion, version: int | None) -> TargetedQuestion:
    current = _locked(targeted)
    if current.state != TargetedQuestion.State.SUBMITTED:
        require(actor, "international.manage")
        raise InternationalError(
            _("Only a submitted reply can be reviewed; this one is %(state)s.") % {"state": current.get_state_display()}
        )
    require(actor, "international.review_targeted", current)
    _check_version(current, version)
    current.reviewed_at, current.reviewed_by = timezone.now(), user_or_none(actor)
    current.version += 1
    return current


@transaction.atomic
def targeted_question_return(
    *, actor, targeted: TargetedQuestion, note: str, version: int | None = None
) -> TargetedQuestion:
    if not (note or "").strip():
        raise ValidationError({"note": [_("Tell the department what to revise.")]})
    current = _review(actor, targeted, version)
    current.state = TargetedQuestion.State.RETURNED
    current.review_note = note.strip()
    author(current, actor).save()
    audit_record(
        actor=actor, action="international.targeted.returned", target=current, data={"note": current.review_note}
    )
    transaction.on_commit(lambda: notifications.send_returned(current.pk))
    return current


@transaction.atomic
def targeted_question_approve(*, actor, targeted: TargetedQuestion, version: int | None = None) -> TargetedQuestion:
    current = _review(actor, targeted, version)
    current.state = TargetedQuestion.State.APPROVED
    author(current, actor).save()
    # The approved reply joins the answer's draft (and its final text while not edited by hand).
    answer = Answer.objects.select_for_update().select_related("question", "request").get(pk=current.answer_id)
    draft_answers(answer.request, [answer])
    author(answer, actor).save()
    audit_record(actor=actor, action=pack_action(answer.request, "international.targeted.approved"), target=current)
    return current


def targeted_questions_remind(*, actor, today: dt.date | None = None, days_before: int = 3) -> int:
    """E-mail the focal points of departments whose targeted questions are still to answer and due
    within `days_before` days or overdue; each question at most once a day. Returns the number of
    questions reminded about."""
    require(actor, "international.manage")
    today = today or timezone.localdate()
    due = (
        TargetedQuestion.objects.open()
        .filter(due_on__lte=today + dt.timedelta(days=days_before))
        .exclude(reminded_on=today)
        .select_related("department", "answer__question", "answer__request__framework")
    )
    reminded = 0
    for targeted in due:
        with transaction.atomic():
            claimed = (
                TargetedQuestion.objects.filter(pk=targeted.pk).exclude(reminded_on=today).update(reminded_on=today)
            )
            if not claimed:
                continue
            audit_record(
                actor=actor,
                action="international.targeted.reminded",
                target=targeted,
                data={"due": targeted.due_on.isoformat()},
            )
        notifications.send_reminder(targeted.pk)
        reminded += 1
    return reminded
