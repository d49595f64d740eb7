"""Report documents made from a made-up round of the real Belgian plan, for the tests of the round
importer: the truth (what each department reported), its renderings in every layout of
bench/report_documents.py, and the bench's comparison of what was read with the truth.

    truth = truth_for(plan, seed=2012)
    paths = documents(truth, tmp_path)           # layout -> path
    score = compare(truth, read_round_document(paths["xlsx-rows"], plan=plan))
    score.right, score.total, score.missed, score.spurious, score.wrong
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from naptrack.plans.exports import plan_document
from naptrack.plans.models import Plan

ROOT = Path(__file__).resolve().parent.parent


def _bench(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_documents = _bench("report_documents")
_accuracy = _bench("round_import_accuracy")

LAYOUTS: dict[str, str] = _documents.LAYOUTS  # layout -> file suffix
STATUS_WORDS: dict[str, dict[str, tuple[str, ...]]] = _documents.STATUS_WORDS
Truth = _documents.Truth
Contribution = _documents.Contribution


def truth_for(plan: Plan, seed: int = 2012, year: int = 2012) -> Any:
    """A filled round of `plan` as stored, made up the same way for the same seed."""
    return _documents.truth_from_document(plan_document(plan), seed, year)


def render(layout: str, truth: Any, path: str | Path | None = None) -> bytes:
    """The document of `layout` (one of LAYOUTS) for `truth`, written to `path` when given."""
    return _documents.render(layout, truth, path)


def documents(truth: Any, folder: Path, layouts: tuple[str, ...] | None = None) -> dict[str, Path]:
    """Each layout's document for `truth` in `folder`, named report-<layout><suffix>."""
    paths = {}
    for layout in layouts or tuple(LAYOUTS):
        paths[layout] = Path(folder) / f"report-{layout}{LAYOUTS[layout]}"
        render(layout, truth, paths[layout])
    return paths


def compare(truth: Any, proposal: Any) -> Any:
    """The bench's Score of what was read (`.contributions`, `.checks`) against the truth."""
    return _accuracy.compare(truth, proposal)


def normalise(text: str | None) -> str:
    return _accuracy.normalise(text)
