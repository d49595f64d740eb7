"""How faithfully the plan importers read the Belgian NAP 2013-2016, field by field, and how fast.

    python bench/import_accuracy.py [--keep DIR]

Compares what each importer reads with the bundled, hand-curated naptrack-plan/1 file: every goal
text, line-of-action text, monitoring instrument and department list (lines matched by code,
instruments by position). Inputs: the shared text extraction of the plan's PDF, and DOCX and PDF
renderings of the bundled plan in two layouts each (bench/make_fixtures.py). Then times the
import of a document of at least 20 pages in each format. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

BUNDLED = ROOT / "naptrack" / "data" / "plans" / "be-nap-2013-2016.json"
SHARED_TXT = ROOT.parent / "shared" / "plans" / "belgium-nap-1325-2013-2016.txt"


@dataclass
class Accuracy:
    total: int = 0
    right: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=dict)
    wrong: list[str] = field(default_factory=list)

    def add(self, kind: str, ok: bool, what: str) -> None:
        self.total += 1
        self.right += ok
        counts = self.by_kind.setdefault(kind, [0, 0])
        counts[0] += ok
        counts[1] += 1
        if not ok:
            self.wrong.append(what)

    @property
    def ratio(self) -> float:
        return self.right / self.total if self.total else 0.0

    def summary(self) -> str:
        kinds = ", ".join(f"{k} {r}/{t}" for k, (r, t) in self.by_kind.items())
        return f"{self.ratio:.2%} ({self.right}/{self.total}: {kinds})"


def compare(expected: dict, got: dict) -> Accuracy:
    """Field-by-field agreement: goals by number, lines by code, instruments by position. A
    field the importer missed or added counts as wrong."""
    acc = Accuracy()
    goals = {g["number"]: g for o in got["objectives"] for g in o["goals"]}
    actions = {a["code"]: a for o in got["objectives"] for g in o["goals"] for a in g["actions"]}
    expected_codes = set()
    for objective in expected["objectives"]:
        for goal in objective["goals"]:
            other = goals.get(goal["number"])
            acc.add(
                "goals",
                bool(other) and other["text"] == goal["text"],
                f"goal {goal['number']}: {other and other['text']!r}",
            )
            for action in goal["actions"]:
                expected_codes.add(action["code"])
                mine = actions.get(action["code"])
                acc.add(
                    "lines",
                    bool(mine) and mine["text"] == action["text"],
                    f"line {action['code']}: {mine and mine['text']!r}",
                )
                theirs = [i["text"] for i in action["instruments"]]
                ours = [i["text"] for i in mine["instruments"]] if mine else []
                for n in range(max(len(theirs), len(ours))):
                    ok = n < len(theirs) and n < len(ours) and theirs[n] == ours[n]
                    acc.add(
                        "instruments",
                        ok,
                        f"instrument {action['code']}#{n + 1}: {ours[n] if n < len(ours) else None!r}",
                    )
                acc.add(
                    "departments",
                    bool(mine) and mine["departments"] == action["departments"],
                    f"departments {action['code']}: {mine and mine['departments']}",
                )
    for code in actions.keys() - expected_codes:
        acc.add("lines", False, f"extra line {code}")
    return acc


def setup_django(data_dir: str) -> None:
    os.environ.setdefault("NAPTRACK_DATA_DIR", data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naptrack.settings")
    import django

    django.setup()


def run_import(path: Path, expected: dict) -> tuple[dict, list, float]:
    from naptrack.plans.importing import import_plan_document

    start = time.perf_counter()
    document, checks = import_plan_document(
        path, slug=expected["slug"], title=expected["title"], known_departments=expected["departments"]
    )
    return document, checks, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", metavar="DIR", help="write the renderings and the imported JSON to DIR")
    parser.add_argument("--verbose", action="store_true", help="list the fields read wrong")
    args = parser.parse_args(argv)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="naptrack-import-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    setup_django(str(work / "data"))
    import make_fixtures

    expected = json.loads(BUNDLED.read_text(encoding="utf-8"))
    inputs: list[tuple[str, Path]] = []
    if SHARED_TXT.exists():
        inputs.append(("txt (shared extraction of the plan's PDF)", SHARED_TXT))
    else:
        print(f"note: {SHARED_TXT} is missing; the .txt figure is skipped")
    for layout in make_fixtures.DOCX_LAYOUTS:
        path = work / f"be-nap-{layout}.docx"
        path.write_bytes(make_fixtures.render_docx(expected, layout))
        inputs.append((f"docx ({layout}: {make_fixtures.DOCX_LAYOUTS[layout]})", path))
    for layout in make_fixtures.PDF_LAYOUTS:
        path = work / f"be-nap-{layout}.pdf"
        path.write_bytes(make_fixtures.render_pdf(expected, layout))
        inputs.append((f"pdf ({layout}: {make_fixtures.PDF_LAYOUTS[layout]})", path))

    print("Accuracy against naptrack/data/plans/be-nap-2013-2016.json (fields right / fields)")
    for label, path in inputs:
        document, checks, seconds = run_import(path, expected)
        acc = compare(expected, document)
        pages = make_fixtures.page_count(path)
        print(f"  {label}: {acc.summary()}; {len(checks)} checks; {seconds:.2f} s for {pages} pages")
        if args.verbose:
            for what in acc.wrong:
                print(f"      wrong: {what}")
        if args.keep:
            (work / f"{path.stem}.imported.json").write_text(json.dumps(document, ensure_ascii=False, indent=2))

    print("Import time of a document of 20 pages or more (the plan and a renumbered copy of it)")
    long = make_fixtures.doubled(expected)
    for suffix, path in make_fixtures.twenty_pages(expected, work).items():
        document, _, seconds = run_import(path, expected)
        acc = compare(long, document)
        print(
            f"  .{suffix}: {seconds:.2f} s for {make_fixtures.page_count(path)} pages ({acc.ratio:.2%} of fields right)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
