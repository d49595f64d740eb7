"""The coordinator's synthesis of a line of action in a round, across the departments' contributions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from naptrack.audit.services import audit_record
from naptrack.plans.models import Action
from naptrack.reporting.models import Round, Synthesis
from naptrack.reporting.services.common import WorkflowError, _author, _require, narrative_max


@transaction.atomic
def synthesis_save(*, actor, round: Round, action: Action, text: str, version: int | None) -> Synthesis:
    _require(actor, "reporting.write_synthesis", round)
    if round.state == Round.State.PUBLISHED:
        raise WorkflowError(_("A published round cannot be changed."))
    if action.plan_id != round.plan_id:
        raise ValidationError({"action": [_("This line of action is not in the round's plan.")]})
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > narrative_max():
        raise ValidationError({"text": [_("Keep the synthesis under %(max)s characters.") % {"max": narrative_max()}]})
    synthesis = Synthesis.objects.select_for_update().filter(round=round, action=action).first()
    created = synthesis is None
    if created:
        synthesis = Synthesis(round=round, action=action)
    elif version is not None and int(version) != synthesis.version:
        raise WorkflowError(_("The synthesis was changed by someone else since you opened it; reload to see it."))
    before = synthesis.text
    if before == text and not created:
        return synthesis
    synthesis.text = text
    synthesis.version = synthesis.version + (0 if created else 1)
    synthesis.updated_by = actor
    _author(synthesis, actor).save()
    audit_record(
        actor=actor,
        action="reporting.synthesis.saved",
        target=synthesis,
        data={"round": round.pk, "action": action.code, "before": before, "after": text},
    )
    return synthesis
