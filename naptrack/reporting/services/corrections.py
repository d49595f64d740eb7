"""Correcting what was published: the coordinator corrects or withdraws a published contribution
or synthesis, with a note that the public reads where it shows ("Corrected on 3 March 2016: ...").

Only the coordinator, only in a published round, only what the public reads (a contribution
approved and public, a synthesis with text) and never once withdrawn. A correction goes through
the same checks as contribution_save; a withdrawal takes the content off every public place while
it stays for staff, marked withdrawn. Row history keeps what was published before.

These services change the rows only: republishing the round's report files and search index, and
telling every server's page cache, is the use case naptrack.portal.corrections, which calls them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from naptrack.audit.services import audit_record
from naptrack.core.roles import is_coordinator
from naptrack.reporting.models import Contribution, Round, Synthesis
from naptrack.reporting.services.common import (
    ContributionConflict,
    WorkflowError,
    _author,
    _locked,
    _now,
    _require,
    narrative_max,
)
from naptrack.reporting.services.contributions import CONTRIBUTION_FIELDS, apply_changes, contribution_changes_since

NOTE_MAX = 2000
# What a correction may change; the visibility is not one of them: withdrawing is how published
# content leaves the public.
CORRECTABLE_FIELDS = tuple(name for name in CONTRIBUTION_FIELDS if name != "visibility")
PERMISSION = "reporting.correct_published"


def _note(note: str | None) -> str:
    note = (note or "").replace("\r\n", "\n").strip()
    if not note:
        raise ValidationError({"note": [_("Write the public note: it tells readers what changed and why.")]})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [_("Keep the note under %(max)s characters.") % {"max": NOTE_MAX}]})
    return note


def meaningful(changed: dict[str, tuple[Any, Any]]) -> dict[str, tuple[Any, Any]]:
    """What a reader would see change: an answer never given and still empty is no change."""
    return {k: v for k, v in changed.items() if not (v[0] in (None, "", []) and v[1] in (None, "", []))}


def _check(actor, obj: Contribution | Synthesis) -> None:
    """The coordinator learns why the object's state forbids a correction; anyone else only that
    they may not correct (as the review's steps do)."""
    if not is_coordinator(actor):
        raise PermissionDenied(_("You may not do this."))
    if obj.round.state != Round.State.PUBLISHED:
        raise WorkflowError(_("Only what a published round published can be corrected."))
    if obj.withdrawn_at is not None:
        raise WorkflowError(_("This was withdrawn from the public: it can no longer be corrected."))
    if isinstance(obj, Contribution) and not (
        obj.state == Contribution.State.APPROVED and obj.visibility == Contribution.Visibility.PUBLIC
    ):
        raise WorkflowError(_("This contribution was not published: there is nothing public to correct."))
    if isinstance(obj, Synthesis) and not obj.text:
        raise WorkflowError(_("This synthesis is empty: there is nothing public to correct."))
    _require(actor, PERMISSION, obj)


def _by(actor):
    # The installation acting from the command line (accounts.system.SystemActor) is no user row.
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def contribution_correct(
    *, actor, contribution: Contribution, version: int | None, data: dict, note: str
) -> Contribution:
    """Change a published contribution's status, narrative, countries or answers (`data` as
    contribution_save takes it, checked the same way) with a public `note`. `version` is the
    version the coordinator corrected: a stale one is a ContributionConflict."""
    current = _locked(contribution)
    _check(actor, current)
    note = _note(note)
    if "visibility" in data:
        raise ValidationError(
            {"visibility": [_("A correction keeps the visibility: withdraw the contribution to take it off.")]}
        )
    if version is None:
        raise ValidationError({"version": [_("Say which version you edited.")]})
    if int(version) != current.version:
        raise ContributionConflict(current, contribution_changes_since(current, int(version)))
    changed = meaningful(apply_changes(actor, current, data))
    if not changed:
        raise ValidationError({"__all__": [_("Nothing was changed: a correction changes what was published.")]})
    current.version += 1
    current.updated_by, current.updated_at = _by(actor), _now()
    current.correction_note, current.corrected_at = note, _now()
    _author(current, actor).save()
    audit_record(
        actor=actor,
        action="reporting.contribution.corrected",
        target=current,
        data={
            "version": current.version,
            "note": note,
            "before": {k: v[0] for k, v in changed.items()},
            "after": {k: v[1] for k, v in changed.items()},
        },
    )
    return current


@transaction.atomic
def contribution_withdraw(*, actor, contribution: Contribution, note: str, version: int | None = None) -> Contribution:
    """Take a published contribution off every public place, with a public `note` shown in its
    place; staff still read it, marked withdrawn."""
    current = _locked(contribution)
    _check(actor, current)
    note = _note(note)
    if version is not None and int(version) != current.version:
        raise ContributionConflict(current, contribution_changes_since(current, int(version)))
    current.version += 1
    current.updated_by, current.updated_at = _by(actor), _now()
    current.correction_note, current.withdrawn_at = note, _now()
    _author(current, actor).save()
    audit_record(
        actor=actor,
        action="reporting.contribution.withdrawn",
        target=current,
        data={"version": current.version, "note": note},
    )
    return current


def _locked_synthesis(synthesis: Synthesis) -> Synthesis:
    return Synthesis.objects.select_for_update().select_related("round", "action").get(pk=synthesis.pk)


def _stale(synthesis: Synthesis, version: int | None) -> None:
    if version is not None and int(version) != synthesis.version:
        raise WorkflowError(_("The synthesis was changed by someone else since you opened it; reload to see it."))


@transaction.atomic
def synthesis_correct(*, actor, synthesis: Synthesis, text: str, note: str, version: int | None = None) -> Synthesis:
    current = _locked_synthesis(synthesis)
    _check(actor, current)
    note = _note(note)
    _stale(current, version)
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({"text": [_("A synthesis without text is withdrawn, not corrected.")]})
    if len(text) > narrative_max():
        raise ValidationError({"text": [_("Keep the synthesis under %(max)s characters.") % {"max": narrative_max()}]})
    before = current.text
    if text == before:
        raise ValidationError({"text": [_("Nothing was changed: a correction changes what was published.")]})
    current.text = text
    current.version += 1
    current.updated_by = _by(actor)
    current.correction_note, current.corrected_at = note, _now()
    _author(current, actor).save()
    audit_record(
        actor=actor,
        action="reporting.synthesis.corrected",
        target=current,
        data={"round": current.round_id, "action": current.action.code, "note": note, "before": before, "after": text},
    )
    return current


@transaction.atomic
def synthesis_withdraw(*, actor, synthesis: Synthesis, note: str, version: int | None = None) -> Synthesis:
    current = _locked_synthesis(synthesis)
    _check(actor, current)
    note = _note(note)
    _stale(current, version)
    current.version += 1
    current.updated_by = _by(actor)
    current.correction_note, current.withdrawn_at = note, _now()
    _author(current, actor).save()
    audit_record(
        actor=actor,
        action="reporting.synthesis.withdrawn",
        target=current,
        data={"round": current.round_id, "action": current.action.code, "note": note},
    )
    return current
