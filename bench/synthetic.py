"""A synthetic installation: N plans of the Belgian plan's shape, R reporting rounds each.

    NAPTRACK_DATA_DIR=$(mktemp -d) .venv/bin/python bench/synthetic.py --plans 10 --rounds 10
    NAPTRACK_DATA_DIR=$(mktemp -d) .venv/bin/python bench/synthetic.py --plans 2 --rounds 3 --seed 7

Deterministic: the same seed gives the same rows on an empty database, ids included (all but the
created/updated timestamps that Django stamps with the time of the run). Each plan
is derived from the bundled Belgian plan (naptrack/data/plans/be-nap-2013-2016.json): its 6
objectives, with 30 to 40 goals (goals of the template dropped or repeated), about 100 lines of
action and 120 monitoring instruments (a few more of them quantitative by sex than in the
template), the template's responsibilities and footnotes. Every text has English, French, Dutch
and German columns; the three translations are pseudo-translations, the English text prefixed
with "(pseudo-fr)" and so on, and recorded as drafts in TranslationState, so that nobody takes
them for a government's wording.

Departments: by default every plan gets its own ten departments and units (codes prefixed with
the plan's slug), as in an installation serving several countries, each with its ministries;
`--shared-departments` makes all plans share the Belgian ten instead, as one country's
successive plans would (Department's docstring: departments are shared by the plans of an
installation). Users, per set of departments: two focal points per department or unit, one
coordinator and one reader, all active with an unusable password (they log in through an
invitation or not at all).

Rounds per plan: a baseline (the year before the plan), R-3 annual rounds, a mid-term and a
final review (for R < 3: baseline, then final). Every round but the last is published; the last
stays open, the focal points' current work. Every contribution is filled (status, narrative,
focus countries, an answer to each of its line's instruments: text, a value and unit, or figures
by sex), about 9 in 10 approved in a published round and some returned with a reviewer's note;
a third of them have a link as evidence (links only: no file is written). Published rounds are
indexed for search by the portal's own `search_reindex`, once per plan.

What it skips, knowingly: the services (rows are written with bulk_create in batches, one
transaction per plan), so row history (django-simple-history's tables), the e-mails and the
report files that publishing stores are not written for generated rows; most of the audit events
the services would have written are (`audit_trail`). After the build the services' invariants
are checked on a sample of contributions (`--check-sample`), and read back through the normal
QuerySets (readable_by, the portal's published rounds and contributions, the search index).

Prints the time of each phase, the row counts and the total time. Measured on SQLite (2-core
machine, a CI run going on at the same time): 2 x 3 in 4.7 s (3.8 s of it migrating); 10 x 10 in
17 s; 100 x 10 in 150 s (183,800 contributions, 224,440 measurements, 632,696 search documents, a
563 MB database), 105 s of it in search_reindex, the portal's indexing (FTS5 triggers included).
With the audit events (354,735 at 100 x 10): 100 x 10 in 307 s on SQLite, on a day the same
build without them took 259 s (146 s the day before: this shared machine's speed varies).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

try:
    from common import ROOT, django_setup
except ImportError:  # imported as bench.synthetic, with the repository's root on sys.path (the tests)
    from bench.common import ROOT, django_setup

PLAN_FILE = ROOT / "naptrack" / "data" / "plans" / "be-nap-2013-2016.json"
TARGETS = ("fr", "nl", "de")
BATCH = 2000
COUNTRIES = [
    "BE",
    "NL",
    "FR",
    "DE",
    "IE",
    "FI",
    "SE",
    "NO",
    "DK",
    "AT",
    "IT",
    "ES",
    "PT",
    "CH",
    "LU",
    "GB",
    "CA",
    "US",
    "AU",
    "NZ",
    "JP",
    "KR",
    "PH",
    "ID",
    "NP",
    "LK",
    "BD",
    "IN",
    "KE",
    "UG",
    "RW",
    "NG",
    "GH",
    "SN",
    "ML",
    "BF",
    "NE",
    "CI",
    "LR",
    "SL",
    "CD",
    "CF",
    "CM",
    "TD",
    "SD",
    "SS",
    "ET",
    "SO",
    "ZA",
    "ZW",
    "MZ",
    "AO",
    "GW",
    "GN",
    "GM",
    "AF",
    "IQ",
    "JO",
    "PS",
    "LB",
    "TN",
    "MA",
    "YE",
    "BA",
    "XK",
    "RS",
    "ME",
    "MK",
    "AL",
    "GE",
    "AM",
    "UA",
    "MD",
    "KG",
    "TJ",
    "CO",
    "GT",
    "SV",
    "HN",
    "NI",
    "PE",
    "BR",
    "AR",
    "CL",
]
FOCUS = ["AF", "CD", "ML", "NE", "BF", "SS", "SD", "SO", "CF", "IQ", "SY", "YE", "LY", "CO", "MM", "BI"]
STATUSES = ("in-progress", "in-progress", "completed", "continuous", "not-started", "not-applicable")
WORDS = (
    "training sessions on resolution 1325 were held for staff",
    "gender advisers were deployed with the mission",
    "a budget line was earmarked for women's organisations",
    "the guidelines were revised with civil society",
    "data were collected by sex for the first time",
    "a working group met four times in the year",
    "the partner country's national plan received support",
    "survivors of sexual violence were referred to care",
    "women mediators took part in the negotiations",
    "the embassy reported on the situation of women",
)
REVIEW_NOTES = (
    "Please give the figures by sex.",
    "Say which focus country this concerns.",
    "The narrative describes the previous year.",
)


def say(text: str) -> None:
    print(text, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=2, help="plans to generate (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per plan (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1325, help="default: %(default)s")
    parser.add_argument("--check-sample", type=int, default=200, help="contributions checked (default: %(default)s)")
    parser.add_argument("--shared-departments", action="store_true", help="all plans share the Belgian departments")
    parser.add_argument("--database-url", help="an empty database to fill (default: SQLite in NAPTRACK_DATA_DIR)")
    args = parser.parse_args()
    if args.plans < 1 or args.rounds < 1:
        parser.error("--plans and --rounds must be at least 1")
    return args


@dataclass
class Timer:
    phases: dict[str, float] = field(default_factory=dict)

    def add(self, phase: str, since: float) -> float:
        now = time.perf_counter()
        self.phases[phase] = self.phases.get(phase, 0.0) + now - since
        return now


@dataclass
class People:
    """The users of one set of departments, by role; focal points by department id."""

    coordinator: Any
    reader: Any
    focal_points: dict[int, list[Any]]


def pseudo(text: str) -> dict[str, str]:
    """The four columns of a translatable text: the source, and pseudo-translations marked as such."""
    if not text:
        return {"en": "", **dict.fromkeys(TARGETS, "")}
    return {"en": text, **{lang: f"(pseudo-{lang}) {text}" for lang in TARGETS}}


def english(value: Any) -> str:
    """The English source of a text of the plan file: a string, or an object of languages."""
    if isinstance(value, dict):
        return value.get("en") or ""
    return value or ""


def columns(name: str, text: Any) -> dict[str, str]:
    return {f"{name}_{lang}": value for lang, value in pseudo(english(text)).items()}


def bulk(model: type, rows: list) -> list:
    created = model.objects.bulk_create(rows, batch_size=BATCH)
    # The ids are needed for the rows that point at these; SQLite and PostgreSQL return them.
    if created and created[0].pk is None:
        sys.exit(f"bench/synthetic.py needs a database that returns ids on bulk insert ({model.__name__})")
    return created


# --- departments and people -----------------------------------------------------------------------


def make_departments(template: dict, prefix: str, label: str) -> list:
    from naptrack.plans.models import Department

    made: dict[str, Department] = {}
    # Parents first: a unit points at its department.
    for level in (False, True):
        rows = []
        for d in template["departments"]:
            if bool(d["parent"]) != level:
                continue
            name = english(d["name"]) + (f" ({label})" if label else "")
            abbreviation = english(d.get("abbreviation"))
            rows.append(
                Department(
                    code=f"{prefix}{d['code']}",
                    parent=made[f"{prefix}{d['parent']}"] if d["parent"] else None,
                    **columns("name", name),
                    **columns("abbreviation", abbreviation),
                )
            )
        made.update({d.code: d for d in bulk(Department, rows)})
    return list(made.values())


def make_people(departments: list, prefix: str, groups: dict[str, Any]) -> People:
    from django.contrib.auth.hashers import make_password

    from naptrack.accounts.models import User

    def user(username: str, department=None) -> User:
        # An unusable password, as for an invited person who has not set one yet.
        return User(
            username=username,
            email=f"{username}@example.org",
            password=make_password(None),
            department=department,
            is_active=True,
        )

    coordinator = user(f"{prefix}coordinator")
    reader = user(f"{prefix}reader")
    focal = [user(f"{prefix}focal-{d.code.removeprefix(prefix)}-{n}", d) for d in departments for n in (1, 2)]
    made = bulk(User, [coordinator, reader, *focal])
    coordinator, reader, focal = made[0], made[1], made[2:]
    membership = User.groups.through
    links = [membership(user_id=coordinator.pk, group_id=groups["coordinator"].pk)]
    links.append(membership(user_id=reader.pk, group_id=groups["reader"].pk))
    links += [membership(user_id=u.pk, group_id=groups["focal-point"].pk) for u in focal]
    membership.objects.bulk_create(links, batch_size=BATCH)
    focal_points: dict[int, list[User]] = defaultdict(list)
    for u in focal:
        focal_points[u.department_id].append(u)
    return People(coordinator=coordinator, reader=reader, focal_points=dict(focal_points))


# --- one plan ---------------------------------------------------------------------------------------


def plan_shape(template: dict, rng: random.Random) -> list[dict]:
    """The template's objectives with 30 to 40 of its goals: some dropped, some repeated (each
    objective keeps at least one), renumbered 1..n across the plan as the plan numbers them."""
    goals = [(o["number"], g) for o in template["objectives"] for g in o["goals"]]
    target = rng.randint(30, 40)
    while len(goals) > target:
        i = rng.randrange(len(goals))
        if sum(1 for o, _ in goals if o == goals[i][0]) > 1:
            goals.pop(i)
    while len(goals) < target:
        i = rng.randrange(len(goals))
        goals.insert(i + 1, goals[i])
    shape = []
    number = 0
    for o in template["objectives"]:
        kept = []
        for objective_number, g in goals:
            if objective_number == o["number"]:
                number += 1
                kept.append((number, g))
        shape.append({"objective": o, "goals": kept})
    return shape


def round_plan(rounds: int, start: int, end: int) -> list[tuple[str, int]]:
    """Kinds and years: the baseline, annual rounds, the mid-term and the final review."""
    if rounds == 1:
        return [("baseline", start - 1)]
    if rounds == 2:
        return [("baseline", start - 1), ("final", end)]
    annuals = [("annual", start + i) for i in range(rounds - 3)]
    middle = [("mid-term", (start + end) // 2)]
    # The mid-term review sits among the annual rounds in time; order by year, kind.
    return [("baseline", start - 1), *sorted(annuals + middle, key=lambda r: r[1]), ("final", end)]


def build_plan(
    index: int,
    template: dict,
    rng: random.Random,
    rounds: int,
    departments: dict[str, Any],
    prefix: str,
    people: People,
    timer: Timer,
) -> None:
    from naptrack.plans.models import (
        Action,
        Goal,
        Instrument,
        Note,
        Objective,
        Plan,
        PlanDepartment,
        Responsibility,
        TranslationState,
    )

    t = time.perf_counter()
    country = COUNTRIES[index % len(COUNTRIES)]
    # Enough years for the annual rounds, at least the template's four.
    length = max(4, rounds - 3)
    start = 2005 + (index * 3) % 15
    end = start + length - 1
    focus = sorted(rng.sample(FOCUS, 3))
    slug = f"{country.lower()}-nap-{index + 1:03d}-{start}-{end}"
    plan = Plan.objects.create(
        slug=slug,
        country=country,
        period_start=start,
        period_end=end,
        languages=["en", *TARGETS],
        focus_countries=focus,
        **columns("title", f"National Action Plan {index + 1} on Women, Peace and Security ({start}-{end}), {country}"),
    )
    bulk(
        PlanDepartment,
        [
            PlanDepartment(plan=plan, department=departments[prefix + d["code"]], position=i)
            for i, d in enumerate(template["departments"], 1)
        ],
    )
    shape = plan_shape(template, rng)
    states: list[tuple[str, int, str]] = [("plan", plan.pk, "title")]
    objectives = bulk(
        Objective,
        [
            Objective(
                plan=plan,
                number=s["objective"]["number"],
                **columns("title", s["objective"]["title"]),
                **columns("intro", s["objective"].get("intro", "")),
            )
            for s in shape
        ],
    )
    states += [("objective", o.pk, name) for o in objectives for name in ("title", "intro")]
    goal_rows, goal_sources = [], []
    for objective, s in zip(objectives, shape, strict=True):
        for number, g in s["goals"]:
            goal_rows.append(Goal(plan=plan, objective=objective, number=number, **columns("text", g["text"])))
            goal_sources.append(g)
    goals = bulk(Goal, goal_rows)
    states += [("goal", g.pk, "text") for g in goals]
    action_rows, action_sources = [], []
    for goal, g in zip(goals, goal_sources, strict=True):
        single = len(g["actions"]) == 1
        for position, a in enumerate(g["actions"], 1):
            code = str(goal.number) if single else f"{goal.number}.{chr(96 + position)}"
            action_rows.append(Action(plan=plan, goal=goal, code=code, position=position, **columns("text", a["text"])))
            action_sources.append(a)
    actions = bulk(Action, action_rows)
    states += [("action", a.pk, "text") for a in actions]
    instrument_rows, note_rows, responsibility_rows = [], [], []
    for action, a in zip(actions, action_sources, strict=True):
        for position, i in enumerate(a["instruments"], 1):
            kind, by_sex = i["kind"], bool(i.get("by_sex"))
            # A few more figures by sex than the template's six, as later plans ask for them.
            if kind == "qualitative" and rng.random() < 0.05:
                kind, by_sex = "quantitative", True
            instrument_rows.append(
                Instrument(action=action, position=position, kind=kind, by_sex=by_sex, **columns("text", i["text"]))
            )
        for position, text in enumerate(a.get("notes", []), 1):
            note_rows.append(Note(action=action, position=position, **columns("text", text)))
        for position, code in enumerate(a["departments"], 1):
            responsibility_rows.append(
                Responsibility(
                    action=action,
                    department=departments[prefix + code],
                    position=position,
                    is_coordinator=code == a.get("coordinator"),
                )
            )
    instruments = bulk(Instrument, instrument_rows)
    notes = bulk(Note, note_rows)
    responsibilities = bulk(Responsibility, responsibility_rows)
    states += [("instrument", i.pk, "text") for i in instruments]
    states += [("note", n.pk, "text") for n in notes]
    bulk(
        TranslationState,
        [
            TranslationState(kind=kind, object_id=pk, field=name, language=lang, state="draft")
            for kind, pk, name in states
            for lang in TARGETS
        ],
    )
    t = timer.add("plans", t)

    by_action: dict[int, list[Any]] = defaultdict(list)
    for i in instruments:
        by_action[i.action_id].append(i)
    code_of = {a.pk: a.code for a in actions}
    schedule = round_plan(rounds, start, end)
    for number, (kind, year) in enumerate(schedule):
        last = number == len(schedule) - 1
        build_round(plan, kind, year, last, rng, responsibilities, by_action, code_of, focus, people, timer)
    t = time.perf_counter()
    from naptrack.portal.search import search_reindex

    search_reindex(plan)
    timer.add("search index", t)


def build_round(
    plan: Any,
    kind: str,
    year: int,
    last: bool,
    rng: random.Random,
    responsibilities: list,
    by_action: dict[int, list],
    code_of: dict[int, str],
    focus: list[str],
    people: People,
    timer: Timer,
) -> None:
    from django.utils import timezone

    from naptrack.reporting.models import Contribution, Evidence, Measurement, Round

    t = time.perf_counter()
    tz = timezone.get_current_timezone()
    deadline = dt.date(year + 1, 3, 1)
    opened = dt.datetime(year + 1, 1, 10, 9, tzinfo=tz)
    closed = dt.datetime(year + 1, 4, 1, 9, tzinfo=tz)
    published = not last
    round_ = Round.objects.create(
        plan=plan,
        kind=kind,
        year=year,
        deadline=deadline,
        state="published" if published else "open",
        opened_at=opened,
        closed_at=closed if published else None,
        published_at=dt.datetime(year + 1, 6, 1, 9, tzinfo=tz) if published else None,
        **columns("intro", f"The {kind} round of {plan.slug} on {year}."),
    )
    rows = []
    for r in responsibilities:
        fp = people.focal_points[r.department_id][rng.randrange(2)]
        draw = rng.random()
        if published:
            state = "approved" if draw < 0.9 else "returned" if draw < 0.96 else "submitted"
        else:
            state = "approved" if draw < 0.5 else "submitted" if draw < 0.7 else "returned" if draw < 0.8 else "draft"
        submitted = opened + dt.timedelta(days=rng.randint(5, 60), minutes=rng.randint(0, 600))
        narrative = (
            f"In {year}, on line {code_of[r.action_id]}: {rng.choice(WORDS)}; {rng.choice(WORDS)}. "
            f"Reported for {plan.country} ({plan.slug})."
        )
        c = Contribution(
            round=round_,
            action_id=r.action_id,
            department_id=r.department_id,
            state=state,
            status=rng.choice(STATUSES),
            narrative=narrative,
            visibility="internal" if rng.random() < 0.03 else "public",
            countries=sorted(rng.sample(focus, rng.randint(0, 2))),
            version=rng.randint(1, 4),
            updated_by=fp,
        )
        if state in ("submitted", "approved"):
            c.submitted_at, c.submitted_by = submitted, fp
        if state == "returned":
            c.submitted_at, c.submitted_by = submitted, fp
            c.returned_at, c.returned_by = submitted + dt.timedelta(days=3), people.coordinator
            c.review_note = rng.choice(REVIEW_NOTES)
        if state == "approved":
            c.approved_at, c.approved_by = submitted + dt.timedelta(days=5), people.coordinator
        rows.append(c)
    contributions = bulk(Contribution, rows)
    t = timer.add("contributions", t)
    audit_trail(round_, contributions, code_of, people)
    t = timer.add("audit events", t)

    measurements, evidence = [], []
    for c in contributions:
        for i in by_action.get(c.action_id, []):
            m = Measurement(contribution_id=c.pk, instrument_id=i.pk)
            if i.by_sex:
                m.women, m.men = rng.randint(0, 120), rng.randint(0, 200)
                m.other = rng.choice((None, None, 0, rng.randint(0, 5)))
            elif i.kind == "quantitative":
                m.value, m.unit = Decimal(rng.randint(0, 10_000)) / 100, rng.choice(("ratio", "EUR", "%", "cases"))
            else:
                m.text = f"{rng.choice(WORDS).capitalize()} ({year})."
            measurements.append(m)
        if rng.random() < 0.33:
            evidence.append(
                Evidence(
                    contribution_id=c.pk,
                    title=f"Annual report {year}, {code_of[c.action_id]}",
                    url=f"https://example.org/{plan.slug}/{year}/{c.pk}",
                    added_by_id=c.updated_by_id,
                )
            )
    bulk(Measurement, measurements)
    bulk(Evidence, evidence)
    timer.add("measurements, evidence", t)


def audit_trail(round_: Any, contributions: list, code_of: dict[int, str], people: People) -> None:
    """Most of the audit events the services would have written for the round and its
    contributions: the round created, opened, closed and published by the coordinator; each
    contribution submitted by its focal point, returned or approved by the coordinator (about two
    events a contribution; the saves the services also record, one a version, are left out, and
    each event's details are shortened to its states). Their time is the build's (occurred_at is
    set on insert); the audit screen and the public pages' stamp read them as they read real ones."""
    from naptrack.audit.models import AuditEvent
    from naptrack.plans.models import Department

    departments = dict(
        Department.objects.filter(pk__in={c.department_id for c in contributions}).values_list("pk", "code")
    )
    coordinator = people.coordinator
    label = str(round_)

    def event(actor: Any, action: str, target_type: str, target_id: int, target: str, data: dict) -> AuditEvent:
        return AuditEvent(
            actor=actor,
            actor_name=actor.username,
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            target_repr=target[:300],
            data=data,
        )

    steps = [("created", "draft"), ("opened", "open")]
    if round_.state == "published":
        steps += [("closed", "closed"), ("published", "published")]
    events = [
        event(coordinator, f"reporting.round.{verb}", "reporting.round", round_.pk, label, {"after": after})
        for verb, after in steps
    ]
    for c in contributions:
        target = f"{label} · {code_of[c.action_id]} · {departments[c.department_id]}"
        if c.submitted_at:
            data = {"before": "draft", "after": "submitted", "version": c.version}
            events.append(
                event(c.submitted_by, "reporting.contribution.submitted", "reporting.contribution", c.pk, target, data)
            )
        if c.returned_at:
            data = {"before": "submitted", "after": "returned", "note": c.review_note}
            events.append(
                event(coordinator, "reporting.contribution.returned", "reporting.contribution", c.pk, target, data)
            )
        if c.approved_at:
            data = {"before": "submitted", "after": "approved"}
            events.append(
                event(coordinator, "reporting.contribution.approved", "reporting.contribution", c.pk, target, data)
            )
    bulk(AuditEvent, events)


# --- the check ---------------------------------------------------------------------------------------


def check(sample_size: int, seed: int, coordinators: list) -> list[str]:
    """The services' invariants on a sample of contributions, and reads through the normal
    QuerySets; returns the failures (empty when all hold)."""
    from django.db.models import Count

    from naptrack.accounts.models import User
    from naptrack.plans.models import Instrument, Responsibility
    from naptrack.portal import queries
    from naptrack.portal.models import SearchDocument
    from naptrack.reporting.models import Contribution, Measurement

    failures: list[str] = []
    ids = list(Contribution.objects.order_by("pk").values_list("pk", flat=True))
    sample = sorted(random.Random(seed).sample(ids, min(sample_size, len(ids))))
    contributions = list(Contribution.objects.filter(pk__in=sample).select_related("round", "action"))
    responsible = set(
        Responsibility.objects.filter(action_id__in={c.action_id for c in contributions}).values_list(
            "action_id", "department_id"
        )
    )
    instruments: dict[int, set[int]] = defaultdict(set)
    for pk, action_id in Instrument.objects.filter(action_id__in={c.action_id for c in contributions}).values_list(
        "pk", "action_id"
    ):
        instruments[action_id].add(pk)
    answered: dict[int, set[int]] = defaultdict(set)
    for contribution_id, instrument_id in Measurement.objects.filter(contribution_id__in=sample).values_list(
        "contribution_id", "instrument_id"
    ):
        answered[contribution_id].add(instrument_id)
    indexed = set(
        SearchDocument.objects.filter(contribution_id__in=sample, lang="en").values_list("contribution_id", flat=True)
    )
    for c in contributions:
        where = f"contribution {c.pk}"
        if c.action.plan_id != c.round.plan_id:
            failures.append(f"{where}: its line is not in its round's plan")
        if (c.action_id, c.department_id) not in responsible:
            failures.append(f"{where}: its department is not responsible for its line")
        if c.state == "approved" and not (c.approved_at and c.approved_by_id and c.submitted_at):
            failures.append(f"{where}: approved without approved_at/approved_by/submitted_at")
        if c.state == "returned" and not (c.returned_at and c.returned_by_id and c.review_note):
            failures.append(f"{where}: returned without returned_at/returned_by/note")
        if c.state == "draft" and (c.approved_at or c.submitted_at):
            failures.append(f"{where}: a draft with submission or approval stamps")
        if answered[c.pk] != instruments[c.action_id]:
            failures.append(f"{where}: answers {sorted(answered[c.pk])} != its line's instruments")
        public = c.state == "approved" and c.visibility == "public" and c.round.state == "published"
        if public != (c.pk in indexed):
            failures.append(f"{where}: public={public} but indexed={c.pk in indexed}")
    # Reads through the normal QuerySets, as the pages make them.
    for coordinator in coordinators[:3]:
        seen = set(Contribution.objects.readable_by(coordinator).filter(pk__in=sample).values_list("pk", flat=True))
        if seen != set(sample):
            failures.append(f"{coordinator.username} cannot read {len(set(sample) - seen)} sampled contributions")
    for c in contributions[:20]:
        fp = User.objects.filter(department_id=c.department_id).first()
        if fp is None or not Contribution.objects.readable_by(fp).filter(pk=c.pk).exists():
            failures.append(f"contribution {c.pk}: its department's focal point cannot read it")
        if c.round.state == "published":
            if not queries.published_rounds(c.round.plan).filter(pk=c.round_id).exists():
                failures.append(f"round {c.round_id}: not among the portal's published rounds")
            shown = queries.published_contributions(pk=c.pk).exists()
            if shown != (c.state == "approved" and c.visibility == "public"):
                failures.append(f"contribution {c.pk}: the portal shows it: {shown}")
    # Unique constraints, over whole tables (cheap: one grouped query each).
    for model, fields in (
        (Contribution, ("round_id", "action_id", "department_id")),
        (Measurement, ("contribution_id", "instrument_id")),
    ):
        twice = model.objects.values(*fields).annotate(n=Count("pk")).filter(n__gt=1).count()
        if twice:
            failures.append(f"{model.__name__}: {twice} duplicated {fields}")
    return failures


def build(
    plans: int,
    rounds: int,
    *,
    seed: int = 1325,
    check_sample: int = 200,
    shared_departments: bool = False,
    timer: Timer | None = None,
    progress: bool = True,
    require_empty: bool = True,
) -> list[str]:
    """Fill the (migrated, empty) database Django is set up on; returns the broken invariants
    found on a sample of `check_sample` contributions (empty when all hold). Callable from the
    tests and the other benches once Django is set up. `require_empty=False` builds beside what
    is there (the tests' Belgian plan: codes, slugs and usernames do not clash), without the
    promise of the same ids."""
    from django.db import transaction

    from naptrack.accounts.services import role_groups_ensure
    from naptrack.plans.models import Plan

    if plans < 1 or rounds < 1:
        raise ValueError("plans and rounds must be at least 1")
    if require_empty and Plan.objects.exists():
        raise ValueError("bench/synthetic.py needs an empty database")
    timer = timer or Timer()
    begin = time.perf_counter()
    template = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    groups = role_groups_ensure()
    rng = random.Random(seed)
    departments: dict[str, Any] = {}
    people: dict[str, People] = {}
    for index in range(plans):
        with transaction.atomic():
            t = time.perf_counter()
            prefix = "" if shared_departments else f"p{index + 1:03d}-"
            if prefix not in people:
                label = "" if shared_departments else f"plan {index + 1}"
                made = make_departments(template, prefix, label)
                departments.update({d.code: d for d in made})
                people[prefix] = make_people(made, prefix, groups)
            timer.add("departments, users", t)
            build_plan(index, template, rng, rounds, departments, prefix, people[prefix], timer)
        if progress and (index + 1) % 10 == 0:
            say(f"  {index + 1} plans, {time.perf_counter() - begin:.1f} s")
    t = time.perf_counter()
    failures = check(check_sample, seed, [p.coordinator for p in people.values()])
    timer.add("check", t)
    return failures


def main() -> None:
    args = parse_args()
    timer = Timer()
    begin = t = time.perf_counter()
    django_setup(args.database_url)
    from django.core.management import call_command

    from naptrack.plans.models import Action, Instrument, Plan
    from naptrack.portal.models import SearchDocument
    from naptrack.reporting.models import Contribution, Evidence, Measurement, Round

    call_command("migrate", interactive=False, verbosity=0)
    if Plan.objects.exists():
        sys.exit("bench/synthetic.py needs an empty database (a new NAPTRACK_DATA_DIR)")
    t = timer.add("migrate", t)
    failures = build(
        args.plans,
        args.rounds,
        seed=args.seed,
        check_sample=args.check_sample,
        shared_departments=args.shared_departments,
        timer=timer,
    )

    from naptrack.accounts.models import User

    say(f"\n{args.plans} plans x {args.rounds} rounds, seed {args.seed}, {args.check_sample} contributions checked")
    for phase, seconds in timer.phases.items():
        say(f"  {phase:<24} {seconds:8.2f} s")
    counts = Counter(
        {
            "plans": Plan.objects.count(),
            "lines": Action.objects.count(),
            "instruments": Instrument.objects.count(),
            "rounds": Round.objects.count(),
            "contributions": Contribution.objects.count(),
            "measurements": Measurement.objects.count(),
            "evidence": Evidence.objects.count(),
            "users": User.objects.count(),
            "search documents": SearchDocument.objects.count(),
        }
    )
    for name, n in counts.items():
        say(f"  {name:<24} {n:8d}")
    say(f"  {'total':<24} {time.perf_counter() - begin:8.2f} s")
    if failures:
        say(f"\n{len(failures)} invariant(s) broken:")
        for failure in failures[:50]:
            say(f"  {failure}")
        sys.exit(1)
    say("  invariants hold on the sample")


if __name__ == "__main__":
    main()
