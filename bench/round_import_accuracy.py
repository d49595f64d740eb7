"""How faithfully the round importer reads past reports, contribution by contribution, and how fast.

    python bench/round_import_accuracy.py [--keep DIR] [--database-url URL] [--seed N] [--verbose]
                                          [--only LAYOUT ...] [--import LAYOUT]

On a fresh database (SQLite in a temporary folder unless --database-url names an empty one) it
loads the bundled Belgian plan, makes up a filled round of it (bench/report_truth.py), renders
that round as report documents in every layout of bench/report_documents.py, reads each with
naptrack.reporting.importing.read_round_document and compares what it read with the truth: per
layout and overall, the share of contributions whose line, department, status and text (after
whitespace normalisation) are all right, each field's own share, figures by sex, contributions
missed and spurious, the checks by kind and the time each read takes; and, beyond the measure,
how many texts kept their paragraphs. The contributions read wrong are listed (the first 10 per
layout; all with --verbose). Then it imports one layout into a baseline round with round_import,
times it, and compares the stored round with the truth (--only and --import choose layouts).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, django_setup
from report_documents import LAYOUTS, render
from report_truth import Contribution, Truth, truth_from_document

PLAN_FILE = ROOT / "naptrack" / "data" / "plans" / "be-nap-2013-2016.json"
KIND, YEAR = "baseline", 2012
SHOWN = 10


def normalise(text: str | None) -> str:
    return " ".join((text or "").split())


def _figures(figures: list[dict] | None) -> list[tuple[Any, int, int]]:
    return sorted((f.get("instrument"), int(f.get("women") or 0), int(f.get("men") or 0)) for f in figures or [])


@dataclass
class Score:
    """One layout's (or every layout's) agreement with the truth, contribution by contribution."""

    total: int = 0
    right: int = 0
    fields: Counter = field(default_factory=Counter)
    figures: list[int] = field(default_factory=lambda: [0, 0])  # right, expected
    missed: int = 0
    spurious: int = 0
    checks: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    wrong: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.total += other.total
        self.right += other.right
        self.fields.update(other.fields)
        self.figures = [a + b for a, b in zip(self.figures, other.figures, strict=True)]
        self.missed += other.missed
        self.spurious += other.spurious
        self.checks.update(other.checks)
        self.seconds += other.seconds

    def summary(self) -> str:
        share = self.right / self.total if self.total else 0.0
        each = ", ".join(f"{name} {self.fields[name]}" for name in ("line", "department", "status", "text"))
        each += f"; paragraphs kept {self.fields['paragraphs']}"
        checks = ", ".join(f"{kind} {n}" for kind, n in sorted(self.checks.items())) or "none"
        return (
            f"{share:.2%} all right ({self.right}/{self.total}; {each}); figures {self.figures[0]}/{self.figures[1]}; "
            f"missed {self.missed}, spurious {self.spurious}; checks: {checks}"
        )


def _show(c: Any) -> str:
    text = normalise(c.text)
    return f"{c.line or '?'} {c.department or '?'} [{c.status or '-'}] {text[:70]!r}{'…' if len(text) > 70 else ''}"


def pair(truth: list[Contribution], read: list[Any]) -> tuple[list[tuple[Contribution, Any]], list, list]:
    """Each truth contribution with the one read for it: the same line and department first, then
    the same text with the same department (a line misread) or the same line (a department
    misread). Returns the pairs, the truth not read and what was read that the truth lacks."""
    left = list(read)
    pairs: list[tuple[Contribution, Any]] = []
    unpaired: list[Contribution] = []
    by_key: dict[tuple[str, str], list[Any]] = {}
    for r in left:
        by_key.setdefault((r.line, r.department), []).append(r)
    for t in truth:
        candidates = by_key.get(t.key)
        if candidates:
            # Of several read for one key, the one whose text is the truth's.
            best = next((r for r in candidates if normalise(r.text) == normalise(t.text)), candidates[0])
            candidates.remove(best)
            left.remove(best)
            pairs.append((t, best))
        else:
            unpaired.append(t)
    missed = []
    for t in unpaired:
        same_text = [r for r in left if normalise(r.text) == normalise(t.text)]
        best = next((r for r in same_text if r.department == t.department), None) or next(
            (r for r in same_text if r.line == t.line), None
        )
        if best is None:
            missed.append(t)
        else:
            left.remove(best)
            pairs.append((t, best))
    return pairs, missed, left


def compare(truth: Truth, proposal: Any) -> Score:
    score = Score(total=len(truth.contributions))
    pairs, missed, spurious = pair(truth.contributions, proposal.contributions)
    for t, r in pairs:
        ok = {
            "line": r.line == t.line,
            "department": r.department == t.department,
            "status": (r.status or "") == t.status,
            "text": normalise(r.text) == normalise(t.text),
        }
        score.fields.update(name for name, good in ok.items() if good)
        # Beyond the measure: the text with its paragraphs as the department wrote them.
        score.fields["paragraphs"] += (r.text or "").strip() == t.text.strip()
        if t.figures or r.figures:
            good = _figures(r.figures) == _figures(t.figures)
            score.figures[0] += good and bool(t.figures)
            score.figures[1] += bool(t.figures)
            if not good:
                ok["figures"] = False
        # The share that counts is of the four fields; figures are counted on their own.
        score.right += all(ok[name] for name in ("line", "department", "status", "text"))
        if not all(ok.values()):
            bad = ", ".join(name for name, good in ok.items() if not good)
            figures = f" figures {_figures(t.figures)} read {_figures(r.figures)}" if "figures" in bad else ""
            score.wrong.append(f"{bad} wrong: {_show(t)}\n          read {_show(r)} ({r.source}){figures}")
    score.missed = len(missed)
    score.spurious = len(spurious)
    score.wrong += [f"missed: {_show(t)}" for t in missed]
    score.wrong += [f"spurious: {_show(r)} ({r.source})" for r in spurious]
    score.checks = Counter(check.kind for check in proposal.checks)
    return score


# --- the database --------------------------------------------------------------------------------


def prepare() -> tuple[Any, Any]:
    from django.core.management import call_command

    from naptrack.accounts.services import user_create
    from naptrack.plans.services import plan_load
    from naptrack.reporting.models import Round

    call_command("migrate", interactive=False, verbosity=0)
    if Round.objects.exists():
        sys.exit("bench/round_import_accuracy.py needs a database without rounds (give an empty --database-url)")
    plan = plan_load(actor="bench", document=json.loads(PLAN_FILE.read_text(encoding="utf-8"))).plan
    coordinator = user_create(
        actor="bench",
        username="bench-coordinator",
        role="coordinator",
        password="correct horse battery staple",
        check_password=False,
    )
    return plan, coordinator


def stored_score(truth: Truth, round_: Any) -> Score:
    """The imported round against the truth: its contributions with a text, as stored."""
    from naptrack.reporting.models import Contribution as Stored

    read = []
    stored = (
        Stored.objects.filter(round=round_)
        .exclude(narrative="")
        .select_related("action", "department")
        .prefetch_related("measurements__instrument")
    )
    for c in stored:
        figures = [
            {"instrument": m.instrument.position, "women": m.women, "men": m.men}
            for m in c.measurements.all()
            if m.women is not None or m.men is not None
        ]
        read.append(
            SimpleNamespace(
                line=c.action.code,
                department=c.department.code,
                status=c.status,
                text=c.narrative,
                figures=figures,
                source="the round",
            )
        )
    return compare(truth, SimpleNamespace(contributions=read, checks=[]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", metavar="DIR", help="write the truth, the documents and what was read to DIR")
    parser.add_argument("--database-url", help="an empty database to fill (default: SQLite in a temporary folder)")
    parser.add_argument("--seed", type=int, default=2012, help="the made-up round's seed (default: %(default)s)")
    parser.add_argument("--import", dest="layout", default="docx-objective", choices=LAYOUTS, help="layout imported")
    parser.add_argument("--only", action="append", choices=LAYOUTS, help="read only this layout (repeatable)")
    parser.add_argument("--verbose", action="store_true", help="list every contribution read wrong")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # figures as they come, also into a file
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="naptrack-round-import-"))
    work.mkdir(parents=True, exist_ok=True)
    django_setup(args.database_url)

    from django.core.exceptions import ValidationError

    from naptrack.plans.exports import plan_document
    from naptrack.plans.importing.model import DocumentImportError
    from naptrack.reporting.importing import read_round_document
    from naptrack.reporting.services import round_import

    plan, coordinator = prepare()
    truth = truth_from_document(plan_document(plan), args.seed, YEAR)
    (work / "truth.json").write_text(truth.as_json(), encoding="utf-8")
    figures = sum(bool(c.figures) for c in truth.contributions)
    print(
        f"Truth: {len(truth.contributions)} contributions on {len(truth.by_line())} of {len(truth.lines)} lines "
        f"of {plan.slug} ({figures} with figures by sex), seed {args.seed}"
    )
    overall = Score()
    proposals = {}
    for layout, suffix in LAYOUTS.items():
        if args.only and layout not in args.only:
            continue
        path = work / f"report-{layout}{suffix}"
        start = time.perf_counter()
        render(layout, truth, path)
        rendered = time.perf_counter() - start
        start = time.perf_counter()
        try:
            proposal = read_round_document(path, plan=plan)
        except DocumentImportError as refused:
            print(f"  {layout}: refused: {refused}")
            score = Score(total=len(truth.contributions), missed=len(truth.contributions))
            score.seconds = time.perf_counter() - start
            overall.add(score)
            continue
        score = compare(truth, proposal)
        score.seconds = time.perf_counter() - start
        proposals[layout] = (path, proposal)
        overall.add(score)
        print(
            f"  {layout} ({path.stat().st_size // 1024} KB, rendered in {rendered:.1f} s, "
            f"read in {score.seconds:.2f} s)"
        )
        print(f"      {score.summary()}")
        for what in score.wrong if args.verbose else score.wrong[:SHOWN]:
            print(f"      {what}")
        if len(score.wrong) > SHOWN and not args.verbose:
            print(f"      ... and {len(score.wrong) - SHOWN} more (--verbose)")
        if args.keep:
            dry_run = proposal.as_json(plan.slug, KIND, YEAR)
            (work / f"read-{layout}.json").write_text(
                json.dumps(dry_run, ensure_ascii=False, indent=2), encoding="utf-8"
            )
    print(f"  overall (read in {overall.seconds:.2f} s): {overall.summary()}")

    if args.layout not in proposals:
        print(f"round_import: {args.layout} was not read, nothing imported")
        return 0
    path, proposal = proposals[args.layout]
    start = time.perf_counter()
    # The round is created closed, its contributions approved, marked with the file (proposal.name).
    try:
        round_ = round_import(actor=coordinator, plan=plan, kind=KIND, year=YEAR, proposal=proposal)
    except ValidationError as refused:
        print(f"round_import of {args.layout} refused after {time.perf_counter() - start:.2f} s: {refused.messages}")
        return 0
    seconds = time.perf_counter() - start
    stored = stored_score(truth, round_)
    print(
        f"round_import of {args.layout} into {KIND} {YEAR}: {seconds:.2f} s for "
        f"{round_.contributions.count()} contributions ({len(proposal.contributions)} read from the document)"
    )
    print(f"  the stored round against the truth: {stored.summary()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
