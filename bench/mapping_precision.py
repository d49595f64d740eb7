"""How often the suggested links between a questionnaire's questions and the plan's monitoring
instruments are right, and how fast they come.

    .venv/bin/python bench/mapping_precision.py [--labelled FILE] [--no-kind] [--misses]

Loads the bundled Belgian plan into a throwaway SQLite database, builds the suggester over its
instruments (naptrack.international.suggestions) and asks it for the top 3 instruments for each
question of a labelled set (bench/data/mapping_labelled.csv: questions written for this bench in
the way UN, EU, CEDAW and OSCE questionnaires ask, not any body's official wording; each labelled
with its right instrument(s) as PLAN:LINE:N, N the instrument's position on its line). Prints, in
all and per language:

  P@1        share of questions whose first suggestion is a right instrument
  hit@3      share of questions with a right instrument among the first three
  mean P@3   right instruments among the first three, divided by three, averaged (a question
             with one right instrument scores at most 1/3)

and the time to build the suggester and per question. With --no-kind the questions' kind of
answer is not passed to the suggester; --misses lists the questions whose top 3 has no right
instrument. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import inspect
import json
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from common import ROOT, django_setup

PLAN_FILE = ROOT / "naptrack" / "data" / "plans" / "be-nap-2013-2016.json"
LABELLED = ROOT / "bench" / "data" / "mapping_labelled.csv"
TOP = 3


@dataclass
class Row:
    id: str
    lang: str
    kind: str
    text: str
    labels: list[str]


@dataclass
class Score:
    n: int = 0
    at1: int = 0
    hit3: int = 0
    precision3: float = 0.0
    times: list[float] = field(default_factory=list)

    def add(self, right: list[bool], seconds: float) -> None:
        self.n += 1
        self.at1 += bool(right[:1] and right[0])
        self.hit3 += any(right[:TOP])
        self.precision3 += sum(right[:TOP]) / TOP
        self.times.append(seconds)

    def line(self, name: str) -> str:
        if not self.n:
            return f"{name:<6} (no question)"
        ms = statistics.median(self.times) * 1000
        return (
            f"{name:<6} n={self.n:<3} P@1 {self.at1 / self.n:6.1%}   hit@3 {self.hit3 / self.n:6.1%}   "
            f"mean P@3 {self.precision3 / self.n:6.1%}   {ms:6.1f} ms/question (median)"
        )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labelled", type=Path, default=LABELLED, help="the labelled questions (CSV)")
    parser.add_argument("--no-kind", action="store_true", help="do not pass the questions' kind of answer")
    parser.add_argument("--misses", action="store_true", help="list the questions without a right instrument")
    return parser.parse_args()


def read_labelled(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Row(r["id"], r["lang"], r["kind"], r["question"], [x.strip() for x in r["labels"].split(";") if x.strip()])
            for r in csv.DictReader(handle)
        ]


def setup_plan():
    django_setup(None)
    from django.core.management import call_command

    from naptrack.plans.services import plan_load

    call_command("migrate", interactive=False, verbosity=0)
    return plan_load(actor="bench", document=json.loads(PLAN_FILE.read_text(encoding="utf-8"))).plan


def main() -> None:
    args = parse_args()
    rows = read_labelled(args.labelled)
    setup_plan()
    from naptrack.international.suggestions import suggester_for_plans
    from naptrack.plans.models import Instrument

    # PLAN:LINE:N for every instrument, to read the labels and name the suggestions.
    names = {
        i.pk: f"{i.action.plan.slug}:{i.action.code}:{i.position}"
        for i in Instrument.objects.select_related("action__plan")
    }
    unknown = sorted({label for row in rows for label in row.labels} - set(names.values()))
    if unknown:
        raise SystemExit(f"labels naming no instrument of the plan: {', '.join(unknown)}")

    started = time.perf_counter()
    suggester = suggester_for_plans()
    built = time.perf_counter() - started
    takes_kind = "kind" in inspect.signature(suggester.suggest).parameters and not args.no_kind

    scores: dict[str, Score] = defaultdict(Score)
    misses = []
    for row in rows:
        started = time.perf_counter()
        if takes_kind:
            found = suggester.suggest(row.text, top=TOP, kind=row.kind)
        else:
            found = suggester.suggest(row.text, top=TOP)
        seconds = time.perf_counter() - started
        got = [names[s.instrument.pk] for s in found]
        right = [name in row.labels for name in got]
        for key in ("all", row.lang):
            scores[key].add(right, seconds)
        if not any(right):
            misses.append((row, got))

    print(f"Labelled set: {args.labelled.relative_to(ROOT)} ({len(rows)} questions, {len(names)} instruments)")
    print(f"Suggester built over the plan in {built * 1000:.0f} ms; kind of answer passed: {takes_kind}")
    for key in ("all", "en", "fr", "nl"):
        print(scores[key].line(key))
    if args.misses:
        print("\nNo right instrument in the top 3:")
        for row, got in misses:
            print(f"  {row.id} {row.text[:70]!r}\n      wanted {', '.join(row.labels)}; got {', '.join(got) or '-'}")


if __name__ == "__main__":
    main()
