"""Question sets: loaded from a file or entered in the app, and their links to the plans."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from naptrack.audit.services import audit_record
from naptrack.core.services import author, require, user_or_none
from naptrack.international.files import FrameworkFile
from naptrack.international.models import Body, Framework, Mapping, Question
from naptrack.plans.models import Action, Instrument


class FrameworkRefused(Exception):
    """The file has problems; nothing was loaded. Carries every problem, each naming its row."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class FrameworkLoad:
    framework: Framework
    created: bool
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    carried: int = 0  # links carried over from the body's previous framework


def framework_code(body: str, name: str, version: str = "") -> str:
    return slugify(f"{body} {name} {version}")[:100].strip("-") or "framework"


def _check_body(body: str) -> None:
    if body not in Body.values:
        raise ValidationError(
            {
                "body": [
                    _("Unknown body %(body)s: use one of %(bodies)s.")
                    % {"body": body, "bodies": ", ".join(Body.values)}
                ]
            }
        )


class _DryRun(Exception):
    pass


def framework_load(
    *, actor, parsed: FrameworkFile, body: str, name: str, version: str = "", source: str = "", dry_run: bool = False
) -> FrameworkLoad:
    """Load a framework's questions from a read file: a framework loaded again (same body, name
    and version) keeps its questions' codes and links, and its questions' texts follow the file;
    a new framework from a body takes over the links its previous framework had for the same
    codes. All or nothing; with dry_run, everything is checked and nothing kept."""
    require(actor, "international.manage")
    _check_body(body)
    if not name.strip():
        raise ValidationError({"name": [_("Give the framework a name.")]})
    if parsed.problems:
        raise FrameworkRefused(parsed.problems)
    result: FrameworkLoad | None = None
    try:
        with transaction.atomic():
            result = _load(actor, parsed, body, name.strip(), version.strip(), source.strip())
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    assert result is not None
    return result


def _load(actor, parsed: FrameworkFile, body: str, name: str, version: str, source: str) -> FrameworkLoad:
    code = framework_code(body, name, version)
    framework = Framework.objects.select_for_update().filter(code=code).first()
    created = framework is None
    if created:
        framework = author(Framework(code=code, body=body, name=name, version=version, source=source), actor)
        framework.save()
    elif source and framework.source != source:
        framework.source = source
        author(framework, actor).save()
    result = FrameworkLoad(framework, created)
    existing = {q.code: q for q in framework.questions.all()}
    wanted = {row.code for row in parsed.questions}
    problems = []
    for code_, question in existing.items():
        if code_ in wanted:
            continue
        if question.answers.exists():
            problems.append(
                _("Question %(code)s is no longer in the file, but a request answers it: keep it in the file.")
                % {"code": code_}
            )
        else:
            question.delete()
            result.removed.append(code_)
    if problems:
        raise FrameworkRefused(problems)
    # Positions are rewritten in the file's order; offset first so no two rows clash on the way.
    for position, row in enumerate(parsed.questions, start=1):
        question = existing.get(row.code)
        if question is None:
            question = Question(framework=framework, code=row.code)
            result.added.append(row.code)
        elif (question.text, question.group, question.kind, question.position) != (
            row.text,
            row.group,
            row.kind,
            position,
        ):
            if (question.text, question.group, question.kind) != (row.text, row.group, row.kind):
                result.changed.append(row.code)
        else:
            continue
        question.position, question.text, question.group, question.kind = position, row.text, row.group, row.kind
        author(question, actor).save()
    if created:
        result.carried = _carry_links(actor, framework)
    audit_record(
        actor=actor,
        action="international.framework.loaded",
        target=framework,
        data={
            "file": parsed.name,
            "created": created,
            "added": len(result.added),
            "changed": len(result.changed),
            "removed": len(result.removed),
            "carried": result.carried,
        },
    )
    return result


def _carry_links(actor, framework: Framework) -> int:
    """Links of the body's latest other framework of the same name, for the same question codes."""
    previous = (
        Framework.objects.filter(body=framework.body, name=framework.name)
        .exclude(pk=framework.pk)
        .order_by("-created_at", "-pk")
        .first()
    )
    if previous is None:
        return 0
    questions = {q.code: q for q in framework.questions.all()}
    carried = 0
    for mapping in Mapping.objects.filter(question__framework=previous).select_related("question"):
        question = questions.get(mapping.question.code)
        if question is None:
            continue
        Mapping.objects.create(
            question=question,
            instrument_id=mapping.instrument_id,
            action_id=mapping.action_id,
            origin=mapping.origin,
            score=mapping.score,
            created_by=user_or_none(actor),
        )
        carried += 1
    return carried


@transaction.atomic
def framework_create(*, actor, body: str, name: str, version: str = "", source: str = "") -> Framework:
    """A framework entered in the app (its questions added one by one), or a request's free list."""
    require(actor, "international.manage")
    _check_body(body)
    if not name.strip():
        raise ValidationError({"name": [_("Give the framework a name.")]})
    code = framework_code(body, name.strip(), version.strip())
    if Framework.objects.filter(code=code).exists():
        raise ValidationError({"name": [_("A framework %(code)s already exists.") % {"code": code}]})
    framework = author(
        Framework(code=code, body=body, name=name.strip(), version=version.strip(), source=source), actor
    )
    framework.save()
    audit_record(actor=actor, action="international.framework.created", target=framework)
    return framework


@transaction.atomic
def question_add(*, actor, framework: Framework, code: str, text: str, group: str = "", kind: str = "text") -> Question:
    require(actor, "international.manage")
    errors: dict[str, list[str]] = {}
    code, text = code.strip(), text.strip()
    if not code:
        errors["code"] = [_("Give the question a code.")]
    elif len(code) > 40:
        errors["code"] = [_("A code has at most 40 characters.")]
    elif framework.questions.filter(code=code).exists():
        errors["code"] = [_("Code %(code)s is already used in this framework.") % {"code": code}]
    if not text:
        errors["text"] = [_("Write the question.")]
    if kind not in Question.Kind.values:
        errors["kind"] = [_("Choose text, number, by-sex or yes-no.")]
    if errors:
        raise ValidationError(errors)
    last = framework.questions.order_by("-position").values_list("position", flat=True).first() or 0
    question = author(
        Question(framework=framework, code=code, text=text, group=group.strip()[:200], kind=kind, position=last + 1),
        actor,
    )
    question.save()
    audit_record(
        actor=actor, action="international.question.added", target=question, data={"framework": framework.code}
    )
    return question


@transaction.atomic
def mapping_add(
    *,
    actor,
    question: Question,
    instrument: Instrument | None = None,
    action: Action | None = None,
    origin: str = Mapping.Origin.MANUAL,
    score: float | None = None,
) -> Mapping:
    require(actor, "international.manage")
    if (instrument is None) == (action is None):
        raise ValidationError({"target": [_("Link the question to one instrument or one line of action.")]})
    mapping = Mapping(
        question=question,
        instrument=instrument,
        action=action,
        origin=origin,
        score=score,
        created_by=user_or_none(actor),
    )
    try:
        with transaction.atomic():
            author(mapping, actor).save()
    except IntegrityError:
        raise ValidationError(
            {
                "target": [
                    _("Question %(code)s is already linked to %(target)s.")
                    % {"code": question.code, "target": instrument or action}
                ]
            }
        ) from None
    audit_record(
        actor=actor,
        action="international.mapping.added",
        target=question,
        data={
            "instrument": instrument.pk if instrument else None,
            "action": action.code if action else None,
            "origin": origin,
            "score": score,
        },
    )
    return mapping


@transaction.atomic
def mapping_remove(*, actor, mapping: Mapping) -> None:
    require(actor, "international.manage")
    question = mapping.question
    data = {"instrument": mapping.instrument_id, "action": mapping.action_id}
    author(mapping, actor).delete()
    audit_record(actor=actor, action="international.mapping.removed", target=question, data=data)
