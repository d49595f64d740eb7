"""Translations of a plan written: their states, and a translator's file taken back.

`translations_import` applies a file read by `plans/translation_files.py` all or nothing: every
key must name a text of the plan, and every text's source must be the one the file was made from
(its fingerprint); a file with any refusal writes nothing. Texts are saved through the models, so
their row history keeps each translation; one audit event records who imported what.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from naptrack.audit.services import audit_record
from naptrack.plans import changes
from naptrack.plans.interchange import DRAFT, OFFICIAL, STATES, TARGETS
from naptrack.plans.models import Action, Goal, Instrument, Note, Objective, Plan, TranslationState
from naptrack.plans.texts import PlanText, plan_texts, state_label

Stated = tuple[str, int, str, dict[str, str]]  # kind, object id, field, {language: state}


def states_apply(stated: list[Stated], *, languages: tuple[str, ...] = TARGETS) -> int:
    """Make the stored states of these texts in these languages what they state: a row per
    translation given, none for a language not given. Returns the number of rows written. Part
    of the caller's transaction; rows are saved one by one so that each keeps its history."""
    if not stated:
        return 0
    by_kind: dict[str, set[int]] = {}
    for kind, object_id, _name, _states in stated:
        by_kind.setdefault(kind, set()).add(object_id)
    condition = Q()
    for kind, ids in by_kind.items():
        condition |= Q(kind=kind, object_id__in=sorted(ids))
    found = TranslationState.objects.filter(condition, language__in=languages)
    rows = {(r.kind, r.object_id, r.field, r.language): r for r in found}
    written = 0
    for kind, object_id, name, states in stated:
        for lang in languages:
            written += _state_set(
                rows.get((kind, object_id, name, lang)), kind, object_id, name, lang, states.get(lang)
            )
    return written


def _state_set(row: TranslationState | None, kind: str, object_id: int, name: str, lang: str, state: str | None) -> int:
    if state is None:
        if row is None:
            return 0
        row.delete()
        return 1
    if row is None:
        TranslationState.objects.create(kind=kind, object_id=object_id, field=name, language=lang, state=state)
        return 1
    if row.state != state:
        row.state = state
        row.save()
        return 1
    return 0


def states_orphans_delete() -> None:
    """States of plan content that a load removed: ids are not reused on PostgreSQL, but a row
    left behind would still count against nothing and confuse a reader of the table."""
    for kind, model in (
        (TranslationState.Kind.OBJECTIVE, Objective),
        (TranslationState.Kind.GOAL, Goal),
        (TranslationState.Kind.ACTION, Action),
        (TranslationState.Kind.NOTE, Note),
        (TranslationState.Kind.INSTRUMENT, Instrument),
    ):
        TranslationState.objects.filter(kind=kind).exclude(object_id__in=model.objects.values("pk")).delete()


# --- a translator's file taken back ---------------------------------------------------------------


@dataclass
class Row:
    """One text of a translation file."""

    key: str
    source: str
    target: str
    fingerprint: str = ""  # of the source the file was made from; empty in a hand-made file


@dataclass
class TranslationFile:
    plan_slug: str
    language: str
    format: str  # "xlsx" or "xliff"
    name: str
    rows: list[Row]


@dataclass
class Change:
    key: str
    source: str
    before: str
    after: str
    state_before: str
    state_after: str

    @property
    def text_changed(self) -> bool:
        return self.before != self.after

    @property
    def state_before_label(self) -> str:
        return state_label(self.state_before)

    @property
    def state_after_label(self) -> str:
        return state_label(self.state_after)


@dataclass
class Refusal:
    key: str
    reason: str


@dataclass
class ImportResult:
    plan: Plan
    language: str
    state: str
    changes: list[Change] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    unchanged: int = 0
    applied: bool = False
    texts: dict[str, PlanText] = field(default_factory=dict, repr=False)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "translations_changed": sum(1 for c in self.changes if c.text_changed),
            "states_changed": sum(1 for c in self.changes if not c.text_changed),
            "unchanged": self.unchanged,
            "refused": len(self.refused),
        }


class TranslationImportError(Exception):
    """The file is refused as a whole; `result` lists what would change and what is refused."""

    def __init__(self, message: str, result: ImportResult | None = None):
        self.result = result
        super().__init__(message)


def translations_preview(*, upload: TranslationFile, state: str = DRAFT) -> ImportResult:
    """What importing the file would change and what it refuses; writes nothing."""
    plan = Plan.objects.filter(slug=upload.plan_slug).first()
    if plan is None:
        raise TranslationImportError(
            _("The file is for the plan %(slug)s, which this installation does not hold.") % {"slug": upload.plan_slug}
        )
    if upload.language not in TARGETS:
        raise TranslationImportError(
            _("The file's language %(lang)s is not one a plan is translated into.") % {"lang": upload.language}
        )
    if state not in STATES:
        raise TranslationImportError(_("Unknown state %(state)s.") % {"state": state})
    texts = {text.key: text for text in plan_texts(plan, language=upload.language)}
    result = ImportResult(plan=plan, language=upload.language, state=state, texts=texts)
    seen: set[str] = set()
    for row in upload.rows:
        text = texts.get(row.key)
        if row.key in seen:
            result.refused.append(Refusal(row.key, _("The key is given twice.")))
            continue
        seen.add(row.key)
        if text is None:
            result.refused.append(Refusal(row.key, _("The plan has no text with this key.")))
            continue
        if _stale(row, text):
            result.refused.append(
                Refusal(row.key, _("The English text changed since the file was made: export the file again."))
            )
            continue
        target = row.target.strip()
        if not target:
            continue  # nothing translated yet: an empty cell never deletes a translation
        if text.max_length and len(target) > text.max_length:
            result.refused.append(
                Refusal(row.key, _("The translation is longer than %(n)s characters.") % {"n": text.max_length})
            )
            continue
        before, state_before = text.translation(upload.language), text.state(upload.language)
        # An unchanged translation keeps its state, unless the import makes it official: a file
        # exported with official names and imported as draft never demotes them.
        if before == target and (state == DRAFT or state_before == OFFICIAL):
            result.unchanged += 1
            continue
        result.changes.append(Change(row.key, text.source, before, target, state_before, state))
    return result


def _stale(row: Row, text: PlanText) -> bool:
    if row.fingerprint:
        return row.fingerprint != text.fingerprint
    return row.source.strip() != text.source


def translations_import(
    *, actor: Any, upload: TranslationFile, state: str = DRAFT, dry_run: bool = False
) -> ImportResult:
    """Apply a translator's file, all or nothing. Raises TranslationImportError (with the
    result) when any row is refused; with dry_run, returns what would change and writes nothing."""
    if getattr(actor, "is_authenticated", False) and not actor.has_perm("plans.translate_plan"):
        raise PermissionDenied(_("Only a coordinator can import translations."))
    with transaction.atomic():
        result = translations_preview(upload=upload, state=state)
        if result.refused:
            raise TranslationImportError(
                _("%(n)s text(s) refused; nothing was imported.") % {"n": len(result.refused)}, result
            )
        if dry_run:
            return result
        _apply(result)
        changes.plans_changed([result.plan.pk])
        audit_record(
            actor=actor,
            action="plans.translations.imported",
            target=result.plan,
            data={
                "slug": result.plan.slug,
                "language": result.language,
                "state": state,
                "format": upload.format,
                "file": upload.name,
                **result.counts,
            },
        )
        result.applied = True
        return result


def _apply(result: ImportResult) -> None:
    lang = result.language
    stated: list[Stated] = []
    for change in result.changes:
        text = result.texts[change.key]
        column = f"{text.field}_{lang}"
        if change.text_changed:
            setattr(text.obj, column, change.after)
            text.obj.save(update_fields=[column])
        stated.append((text.kind, text.obj.pk, text.field, {lang: change.state_after}))
    # Only this language's states: the file says nothing of the others'.
    states_apply(stated, languages=(lang,))
