"""Civil-society assessments of lines of action (line 35): written by an organisation's members
while a round is open, moderated by the coordinator, published beside the government's
contributions; and the round's invitations to organisations."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from naptrack.audit.services import audit_record
from naptrack.civilsociety import notifications
from naptrack.civilsociety.models import Assessment, AssessmentEvidence, Member, Organisation, RoundInvitation
from naptrack.civilsociety.services.common import CivilSocietyError, StaleVersion, country_code, country_codes
from naptrack.core.services import author, require, user_or_none
from naptrack.plans.models import Action, Objective
from naptrack.reporting.models import Contribution, Round
from naptrack.reporting.services.evidence import upload_check

NARRATIVE_MAX = 20_000


def _closed(round_: Round) -> CivilSocietyError:
    return CivilSocietyError(
        _("The round %(round)s is not open: assessments are written and submitted while it is open.")
        % {"round": round_}
    )


def _clean(assessment: Assessment, data: dict) -> dict[str, Any]:
    errors: dict = {}
    cleaned: dict[str, Any] = {}
    if "status" in data:
        status = data["status"] or ""
        if status and status not in Contribution.Status.values:
            errors["status"] = [_("Choose a status on the plan's scale.")]
        cleaned["status"] = status
    if "narrative" in data:
        narrative = str(data["narrative"] or "").strip()
        if len(narrative) > NARRATIVE_MAX:
            errors["narrative"] = [_("An assessment has at most %(max)s characters.") % {"max": f"{NARRATIVE_MAX:,}"}]
        cleaned["narrative"] = narrative
    if "countries" in data:
        cleaned["countries"] = country_codes(data["countries"], "countries", errors)
    if "partner_name" in data:
        cleaned["partner_name"] = str(data["partner_name"] or "").strip()[:300]
    if "partner_country" in data:
        cleaned["partner_country"] = country_code(data["partner_country"], "partner_country", errors, required=False)
    if "partner_consent" in data:
        cleaned["partner_consent"] = bool(data["partner_consent"]) and data["partner_consent"] not in ("false", "0")
    unknown = set(data) - {
        "status",
        "narrative",
        "countries",
        "partner_name",
        "partner_country",
        "partner_consent",
        "version",
    }
    if unknown:
        errors["__all__"] = [_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}]
    partner = cleaned.get("partner_name", assessment.partner_name)
    if partner and not cleaned.get("partner_country", assessment.partner_country):
        errors.setdefault("partner_country", [_("Give the partner organisation's country.")])
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def assessment_create(
    *, actor, round: Round, action: Action | None = None, objective: Objective | None = None, data: dict | None = None
) -> Assessment:
    membership = (
        Member.objects.filter(user=actor).select_related("organisation").first()
        if getattr(actor, "is_authenticated", False)
        else None
    )
    # The round as it is now, not as the caller last read it.
    round = Round.objects.select_related("plan").get(pk=round.pk)
    require(actor, "civilsociety.assess", round)
    if membership is None:
        raise ValidationError({"__all__": [_("Your account belongs to no organisation.")]})
    if (action is None) == (objective is None):
        raise ValidationError({"subject": [_("Assess one line of action or one objective.")]})
    subject = action or objective
    if subject.plan_id != round.plan_id:
        raise ValidationError({"subject": [_("%(subject)s is not part of this round's plan.") % {"subject": subject}]})
    assessment = Assessment(
        round=round, organisation=membership.organisation, action=action, objective=objective, created_by=actor
    )
    for key, value in _clean(assessment, data or {}).items():
        setattr(assessment, key, value)
    author(assessment, actor).save()
    audit_record(
        actor=actor,
        action="civilsociety.assessment.created",
        target=assessment,
        data={"round": round.pk, "subject": getattr(subject, "code", None) or str(subject)},
    )
    return assessment


def _locked(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("round", "organisation", "action", "objective")
        .get(pk=assessment.pk)
    )


def _check_version(current: Assessment, version: Any) -> None:
    if version is not None and current.version != int(version):
        raise StaleVersion(current)


@transaction.atomic
def assessment_save(*, actor, assessment: Assessment, version: int | None, data: dict) -> Assessment:
    current = _locked(assessment)
    if current.round.state != "open" and actor.has_perm("civilsociety.view_assessment", current):
        raise _closed(current.round)
    require(actor, "civilsociety.change_assessment", current)
    if version is None:
        raise ValidationError({"version": [_("Say which version you edited.")]})
    _check_version(current, version)
    cleaned = {k: v for k, v in _clean(current, data).items() if getattr(current, k) != v}
    if not cleaned:
        return current
    for key, value in cleaned.items():
        setattr(current, key, value)
    current.version += 1
    author(current, actor).save()
    audit_record(actor=actor, action="civilsociety.assessment.saved", target=current, data={"fields": sorted(cleaned)})
    return current


@transaction.atomic
def assessment_submit(*, actor, assessment: Assessment, version: int | None = None) -> Assessment:
    current = _locked(assessment)
    if current.round.state != "open" and actor.has_perm("civilsociety.view_assessment", current):
        raise _closed(current.round)
    require(actor, "civilsociety.change_assessment", current)
    _check_version(current, version)
    if not current.narrative and not current.status:
        raise ValidationError({"__all__": [_("Nothing to submit yet: give a status or write the assessment.")]})
    if current.partner_name and not current.partner_consent:
        raise ValidationError(
            {
                "partner_consent": [
                    _("Reporting for %(partner)s needs that organisation's consent.")
                    % {"partner": current.partner_name}
                ]
            }
        )
    current.state = Assessment.State.SUBMITTED
    current.submitted_at = timezone.now()
    current.version += 1
    author(current, actor).save()
    audit_record(actor=actor, action="civilsociety.assessment.submitted", target=current)
    return current


DECISIONS = {
    "accept": Assessment.State.ACCEPTED,
    "return": Assessment.State.RETURNED,
    "reject": Assessment.State.REJECTED,
}
AUDITED = {"accept": "accepted", "return": "returned", "reject": "rejected"}


@transaction.atomic
def assessment_moderate(
    *, actor, assessment: Assessment, decision: str, note: str = "", version: int | None = None
) -> Assessment:
    """Accept for publication, return with a note, or reject with a reason; the organisation is
    always told, and the decision names who took it."""
    require(actor, "civilsociety.moderate")
    current = _locked(assessment)
    _check_version(current, version)
    if decision not in DECISIONS:
        raise ValidationError({"decision": [_("Decide accept, return or reject.")]})
    if current.state != Assessment.State.SUBMITTED:
        raise CivilSocietyError(
            _("Only a submitted assessment is moderated; this one is %(state)s.")
            % {"state": current.get_state_display()}
        )
    note = (note or "").strip()
    if decision in ("return", "reject") and not note:
        raise ValidationError({"note": [_("Tell the organisation why.")]})
    current.state = DECISIONS[decision]
    current.moderation_note = note[:NARRATIVE_MAX]
    current.moderated_at, current.moderated_by = timezone.now(), user_or_none(actor)
    if decision == "accept":
        current.published_at = current.moderated_at
    current.version += 1
    author(current, actor).save()
    audit_record(
        actor=actor,
        action=f"civilsociety.assessment.{AUDITED[decision]}",
        target=current,
        data={"note": note, "decision": decision},
    )
    transaction.on_commit(lambda: notifications.send_moderated(current.pk))
    return current


@transaction.atomic
def assessment_evidence_add(
    *, actor, assessment: Assessment, title: str = "", url: str = "", upload=None
) -> AssessmentEvidence:
    current = _locked(assessment)
    require(actor, "civilsociety.change_assessment", current)
    errors: dict = {}
    evidence = AssessmentEvidence(assessment=current, title=(title or "").strip()[:200])
    if bool(url) == bool(upload):
        errors["__all__"] = [_("Give either a link or a file.")]
    elif url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["url"] = [_("Enter a web address starting with http:// or https://.")]
        evidence.url, evidence.title = url, evidence.title or url[:200]
    else:
        content_type, problem = upload_check(upload)
        if problem:
            errors["file"] = [problem]
        evidence.file, evidence.content_type, evidence.size = upload, content_type, upload.size
        evidence.title = evidence.title or upload.name.rsplit("/", 1)[-1][:200]
    if errors:
        raise ValidationError(errors)
    evidence.save()
    audit_record(
        actor=actor,
        action="civilsociety.assessment.evidence_added",
        target=current,
        data={"evidence": evidence.pk, "title": evidence.title},
    )
    return evidence


def round_invite(*, actor, round: Round, organisations: list[Organisation]) -> int:
    """Invite organisations to assess a round: one e-mail each, in the organisation's language,
    naming the lines it follows. Inviting again sends again and counts once."""
    require(actor, "civilsociety.manage")
    if round.state not in ("draft", "open"):
        raise _closed(round)
    sent = 0
    for organisation in organisations:
        with transaction.atomic():
            language = organisation.languages[0] if organisation.languages else "en"
            lines = [a.code for a in organisation.follows.filter(plan_id=round.plan_id).order_by("pk")]
            invitation, _created = RoundInvitation.objects.update_or_create(
                round=round,
                organisation=organisation,
                defaults={
                    "language": language if language in ("en", "fr", "nl") else "en",
                    "lines": lines,
                    "sent_by": user_or_none(actor),
                },
            )
            audit_record(
                actor=actor,
                action="civilsociety.round.invited",
                target=organisation,
                data={"round": round.pk, "lines": lines},
            )
        notifications.send_round_invitation(invitation.pk)
        sent += 1
    return sent


def round_figures(round: Round) -> dict[str, Any]:
    """What answers line 35's instrument ("Invitations and results"): invitations, assessments
    received and published, in total and per country of the organisation. Four queries."""
    invitations = Counter(RoundInvitation.objects.filter(round=round).values_list("organisation__country", flat=True))
    received = Counter(
        Assessment.objects.filter(round=round)
        .exclude(state=Assessment.State.DRAFT)
        .values_list("organisation__country", flat=True)
    )
    published = Counter(
        Assessment.objects.filter(round=round, state=Assessment.State.ACCEPTED).values_list(
            "organisation__country", flat=True
        )
    )
    countries = sorted(set(invitations) | set(received) | set(published))
    return {
        "invitations": sum(invitations.values()),
        "received": sum(received.values()),
        "published": sum(published.values()),
        "by_country": [
            {"country": c, "invitations": invitations[c], "received": received[c], "published": published[c]}
            for c in countries
        ],
    }
