"""From a reader's matrix to a naptrack-plan/1 document.

assemble.py turns rows into lines of action; here lines become the plan's tree. Goals come from
the goal column (a blank or merged cell keeps the goal above; a goal cut over two rows is
joined), their numbers from the line codes (14.a -> goal 14) or their order; a row that holds
lines whose numbers were lost is split at its sentences; instruments are the sentences of the
monitoring cell, departments the known departments its cell names, footnotes the notes of the
lines whose rows carry their marks. Whatever is inferred or not understood is a Check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext

from naptrack.plans.importing import codes as codes_
from naptrack.plans.importing.assemble import (
    Assembler,
    GoalDraft,
    Line,
    LineDraft,
    ObjectiveDraft,
)
from naptrack.plans.importing.attach import attach_footnotes, line_departments
from naptrack.plans.importing.codes import Code, code_text, goal_key
from naptrack.plans.importing.departments import DepartmentMatcher, KnownDepartment, Mention
from naptrack.plans.importing.headers import ACTION, DEPARTMENTS, GOAL, INSTRUMENTS
from naptrack.plans.importing.model import (
    ROW_SPLIT,
    ROW_UNPLACED,
    STRUCTURE,
    Check,
    Matrix,
)
from naptrack.plans.importing.text import (
    clean,
    extract_marks,
    fold,
    is_complete,
    join_fragments,
    letters,
    split_sentences,
    starts_continuation,
)

# --- from lines to the plan's tree ----------------------------------------------------------------


_QUANTITATIVE = re.compile(
    r"\b(number|numbers|percentage|percent|proportion|ratio|share of|rate of|amount|figures on|statistics|montant|"
    r"nombre|pourcentage|taux|part des|quantit[ée]|aantal|aandeel|verhouding|anzahl|anteil|prozent)\b|%",
    re.IGNORECASE,
)
_BY_SEX = re.compile(
    r"\b(men and women|women and men|by sex|by gender|sex-disaggregated|gender-disaggregated|female|women|girls|"
    r"hommes et (?:les )?femmes|femmes et (?:les )?hommes|par sexe|par genre|femmes|filles|"
    r"mannen en vrouwen|vrouwen en mannen|per geslacht|vrouwen|meisjes|frauen)\b",
    re.IGNORECASE,
)


def finish_line(draft: LineDraft, matcher: DepartmentMatcher) -> Line:
    marks: list[int] = []
    for name in (GOAL, ACTION, INSTRUMENTS, DEPARTMENTS):
        marks += extract_marks(draft.text(name))[1]
    instruments: list[str] = []
    for group in draft.paragraphs.get(INSTRUMENTS, []):
        instruments += split_sentences(clean(join_fragments(group)))
    departments_text = " ".join(join_fragments(g) for g in draft.paragraphs.get(DEPARTMENTS, []))
    return Line(
        code=draft.code,
        location=draft.location,
        objective=draft.objective,
        block=draft.block,
        goal=clean(draft.text(GOAL)),
        text=clean(draft.text(ACTION)),
        instruments=[i for i in instruments if letters(i)],
        mentions=matcher.parse(clean(departments_text)),
        marks=sorted(set(marks)),
    )


def split_merged(line: Line, missing: list[Code], checks: list[Check]) -> list[Line]:
    """A row that holds the lines whose numbers were lost (18.c printed with 18.d): split at
    sentence ends, when there are as many sentences as lines."""
    parts = len(missing) + 1
    sentences = split_sentences(line.text)
    names = ", ".join(code_text(c) for c in missing)
    if len(sentences) != parts:
        checks.append(
            Check(
                ROW_UNPLACED,
                line.location,
                gettext("the numbering skips %(missing)s after line %(code)s; no row for it was found")
                % {"missing": names, "code": code_text(line.code or ())},
            )
        )
        return [line]
    instruments = line.instruments
    if len(instruments) >= parts:
        first = len(instruments) - parts + 1
        shares = [instruments[:first], *[[i] for i in instruments[first:]]]
    else:
        shares = [[i] for i in instruments] + [[] for _ in range(parts - len(instruments))]
    # A department named again starts the next line's list ("Foreign Affairs Foreign Affairs").
    segments: list[list[Mention]] = [[]]
    for mention in line.mentions:
        key = mention.code or mention.text
        if any((m.code or m.text) == key for m in segments[-1]):
            segments.append([])
        segments[-1].append(mention)
    if len(segments) != parts:
        segments = [list(line.mentions) for _ in range(parts)]
    result = []
    for position, (code, sentence, share, mentions) in enumerate(
        zip([line.code, *missing], sentences, shares, segments, strict=True)
    ):
        result.append(
            Line(
                code=code,
                location=line.location,
                objective=line.objective,
                block=line.block,
                goal=line.goal if position == 0 else "",
                text=sentence,
                instruments=share,
                mentions=mentions,
                marks=line.marks if position == 0 else [],
            )
        )
    checks.append(
        Check(
            ROW_SPLIT,
            line.location,
            gettext(
                "line %(code)s holds %(parts)s sentences and the numbering skips %(missing)s: split into "
                "%(lines)s (numbers inferred from the sequence)"
            )
            % {
                "code": code_text(line.code or ()),
                "parts": parts,
                "missing": names,
                "lines": ", ".join(code_text(r.code or ()) for r in result),
            },
        )
    )
    return result


def build_goals(lines: list[Line], checks: list[Check]) -> list[GoalDraft]:
    codes_carry_goals = any(line.code and len(line.code) > 1 for line in lines)
    goals: list[GoalDraft] = []
    for line in lines:
        key = goal_key(line.code) if line.code and codes_carry_goals else None
        current = goals[-1] if goals and goals[-1].objective is line.objective else None
        text = line.goal
        if current is None:
            goals.append(GoalDraft(line.objective, text, key, line.location, [line]))
            continue
        if text:
            same_key = key is not None and codes_.same(key, current.key)
            if not current.text:
                current.text = text
            elif fold(text) == fold(current.text) or fold(current.text).endswith(fold(text)):
                pass  # the goal printed again on each of its rows
            elif (not is_complete(current.text) and (starts_continuation(text) or same_key)) or (
                same_key and starts_continuation(text)
            ):
                current.text = clean(current.text + " " + text)
            else:
                goals.append(GoalDraft(line.objective, text, key, line.location, [line]))
                continue
        elif key is not None and current.key is not None and not codes_.same(key, current.key):
            goals.append(GoalDraft(line.objective, "", key, line.location, [line]))
            continue
        current.lines.append(line)
    return goals


@dataclass
class Built:
    document: dict
    checks: list[Check]


def build(
    matrix: Matrix,
    *,
    slug: str,
    title: str,
    known_departments: list[KnownDepartment],
    metadata: dict,
) -> Built:
    assembler = Assembler(matrix)
    assembler.run()
    checks = list(matrix.checks) + assembler.checks
    matcher = DepartmentMatcher(known_departments)

    finished = {id(d): finish_line(d, matcher) for d in assembler.drafts}
    splits = {id(previous): missing for previous, missing, _ in assembler.gaps if missing}
    for previous, missing, following in assembler.gaps:
        if not missing:
            checks.append(
                Check(
                    STRUCTURE,
                    following.location,
                    gettext("the numbering jumps from %(before)s to %(after)s")
                    % {"before": code_text(previous.code or ()), "after": code_text(following.code or ())},
                )
            )
    lines: list[Line] = []
    for draft in assembler.drafts:
        line = finished[id(draft)]
        if id(draft) in splits:
            lines += split_merged(line, splits[id(draft)], checks)
        else:
            lines.append(line)

    kept: list[Line] = []
    for line in lines:
        if not line.text:
            what = gettext("line %(code)s") % {"code": code_text(line.code)} if line.code else gettext("a row")
            message = gettext("%(what)s has no text of a line of action: left out") % {"what": what}
            checks.append(Check(ROW_UNPLACED, line.location, message))
            continue
        kept.append(line)

    if not assembler.objectives or any(line.objective is None for line in kept):
        fallback = ObjectiveDraft(None, title, kept[0].location if kept else "")
        for line in kept:
            if line.objective is None:
                line.objective = fallback
        assembler.objectives.insert(0, fallback)
        checks.append(
            Check(
                STRUCTURE,
                fallback.location,
                gettext("lines of action before any objective heading: put under one objective"),
            )
        )

    goals = build_goals(kept, checks)
    document = _document(
        assembler,
        goals,
        matcher,
        checks,
        slug=slug,
        title=title,
        metadata=metadata,
    )
    return Built(document, checks)


def _instrument(text: str) -> dict:
    quantitative = bool(_QUANTITATIVE.search(text))
    item: dict = {"text": text, "kind": "quantitative" if quantitative else "qualitative"}
    if quantitative and _BY_SEX.search(text):
        item["by_sex"] = True
    return item


def _document(
    assembler: Assembler,
    goals: list[GoalDraft],
    matcher: DepartmentMatcher,
    checks: list[Check],
    *,
    slug: str,
    title: str,
    metadata: dict,
) -> dict:
    # Goal numbers: the plan's own when its codes carry them (14.a -> 14), else in order.
    keys = [g.key for g in goals]
    own = all(k is not None and len(k) == 1 and k[0].isdigit() for k in keys) and len({k[0] for k in keys if k}) == len(
        keys
    )
    if not own and goals:
        checks.append(
            Check(
                STRUCTURE,
                goals[0].location,
                gettext("goals numbered 1 to n in their order: the codes do not number them"),
            )
        )

    # Codes: the plan's own, made unique by the objective's number when numbering restarts.
    all_codes = [code_text(line.code) for g in goals for line in g.lines if line.code]
    restart = len(all_codes) != len(set(all_codes))

    # Objectives without lines (a table of contents, a heading with nothing under it) are left
    # out; the others keep their numbers unless numbers are missing or repeated.
    with_goals = list({id(g.objective): g.objective for g in goals if g.objective is not None}.values())
    numbers = [o.number for o in with_goals if o.number is not None]
    renumber = len(numbers) != len(set(numbers))
    if renumber and with_goals:
        message = gettext("objective numbers repeat: numbered 1 to n in order")
        checks.append(Check(STRUCTURE, with_goals[0].location, message))
    objective_numbers: dict[int, int] = {}
    next_number = 1
    for objective in with_goals:
        if objective.number is None or renumber:
            while next_number in numbers and not renumber:
                next_number += 1
            objective_numbers[id(objective)] = next_number
            next_number += 1
        else:
            objective_numbers[id(objective)] = objective.number

    known_codes = {d.code for d in matcher.known}
    created: dict[str, dict] = {}
    used_departments: set[str] = set()
    objectives_out: dict[int, dict] = {}
    order: list[int] = []
    for index, goal in enumerate(goals, start=1):
        number = int(goal.key[0]) if own and goal.key else index
        objective = goal.objective
        assert objective is not None
        o_number = objective_numbers[id(objective)]
        if id(objective) not in objectives_out:
            out = {
                "number": o_number,
                "title": objective.title or f"Objective {o_number}",
                "intro": "\n\n".join(objective.intro),
            }
            if not objective.title:
                message = gettext("objective %(number)s has no title") % {"number": o_number}
                checks.append(Check(STRUCTURE, objective.location, message))
            objectives_out[id(objective)] = {**out, "goals": []}
            order.append(id(objective))
        text = goal.text
        if not text:
            text = f"Goal {number}"
            checks.append(
                Check(
                    ROW_UNPLACED,
                    goal.location,
                    gettext("goal %(number)s has no text in the document: named %(name)r")
                    % {"number": number, "name": text},
                )
            )
        actions = []
        for position, line in enumerate(goal.lines):
            if line.code:
                code = code_text(line.code)
                if restart:
                    code = f"{o_number}.{code}"
            else:
                code = str(number) if len(goal.lines) == 1 else f"{number}.{_letter(position)}"
            departments, coordinator = line_departments(line, matcher, known_codes, created, checks, code)
            used_departments.update(departments)
            actions.append(
                {
                    "code": code,
                    "text": line.text,
                    "notes": [],  # filled from the footnotes below
                    "instruments": [_instrument(i) for i in line.instruments],
                    "departments": departments,
                    "coordinator": coordinator,
                    "_marks": line.marks,
                    "_block": line.block,
                    "_location": line.location,
                }
            )
        objectives_out[id(objective)]["goals"].append({"number": number, "text": text, "actions": actions})
    if restart:
        checks.append(
            Check(
                STRUCTURE, "", gettext("line numbers restart in each objective: prefixed with the objective's number")
            )
        )
    if not any(line.code for g in goals for line in g.lines) and goals:
        message = gettext("the matrix has no number column: lines numbered by goal")
        checks.append(Check(STRUCTURE, goals[0].location, message))

    objectives = [objectives_out[key] for key in order]
    attach_footnotes(assembler, objectives, checks)

    # Parents of the departments in use are listed too: a unit needs its parent.
    for code in list(used_departments):
        parent = matcher.by_code[code].parent if code in matcher.by_code else created.get(code, {}).get("parent")
        while parent:
            used_departments.add(parent)
            parent = matcher.by_code[parent].parent if parent in matcher.by_code else None
    departments = [
        {
            "code": d.code,
            "name": d.texts.get("name", d.name),
            "parent": d.parent,
            **({"abbreviation": d.texts.get("abbreviation", d.abbreviation)} if d.abbreviation else {}),
        }
        for d in matcher.known
        if d.code in used_departments
    ] + list(created.values())

    return {
        "format": "naptrack-plan/1",
        "slug": slug,
        "title": title,
        "country": metadata["country"],
        "period": metadata["period"],
        "languages": metadata["languages"],
        "focus_countries": metadata["focus_countries"],
        "departments": departments,
        "objectives": objectives,
    }


def _letter(position: int) -> str:
    return chr(ord("a") + position) if position < 26 else str(position + 1)
