"""The structure stays what docs/architecture.md says: every app and module named there, apps in
the layer contract, no module too long to hold in one's head, and the contract really biting."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "naptrack"
DOC = ROOT / "docs" / "architecture.md"
LONGEST_MODULE = 550
NOT_MODULES = {"__init__.py", "__pycache__", "migrations"}


def apps() -> list[Path]:
    return sorted(p for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())


def modules(app: Path) -> list[str]:
    """The app's top-level modules and packages, as the page names them: `plans/models.py`,
    `plans/importing/`."""
    names = []
    for path in sorted(app.iterdir()):
        if path.name in NOT_MODULES:
            continue
        if path.suffix == ".py":
            names.append(f"{app.name}/{path.name}")
        elif (path / "__init__.py").is_file():
            names.append(f"{app.name}/{path.name}/")
    return names


def test_the_page_is_short():
    # One screenful per app, give or take: ten apps and the command line. Raised from 180 when the
    # figures of #17 (validation, totals, their pages) took their lines; still one sitting's read.
    assert len(DOC.read_text(encoding="utf-8").splitlines()) < 200


@pytest.mark.parametrize("app", apps(), ids=lambda p: p.name)
def test_the_page_names_every_app_and_each_of_its_modules(app):
    text = DOC.read_text(encoding="utf-8")
    assert f"**{app.name}**" in text, f"docs/architecture.md has no section for the app {app.name}"
    # Modules every app has are named once, on the line "Every app has `apps.py` ...".
    everywhere = next(line for line in text.splitlines() if line.startswith("Every app has"))
    missing = [
        name for name in modules(app) if f"`{name}`" not in text and f"`{name.split('/', 1)[1]}`" not in everywhere
    ]
    assert not missing, f"docs/architecture.md does not mention {', '.join(missing)}"


def test_every_app_has_its_place_in_the_layer_contract():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["name"].startswith("Apps depend")]
    placed = {name.strip(" ()") for layer in contract["layers"] for name in layer.split("|")}
    assert {f"naptrack.{app.name}" for app in apps()} <= placed


def test_no_module_is_longer_than_a_person_can_hold_in_their_head():
    long = {
        str(path.relative_to(ROOT)): n
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and (n := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST_MODULE
    }
    assert not long, f"split by concern: {long}"


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    command = [
        str(Path(sys.executable).with_name("lint-imports")),
        "--config",
        str(tree / "pyproject.toml"),
        "--no-cache",
    ]
    return subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A copy of the code that lint-imports accepts, to break one import at a time."""
    root = tmp_path_factory.mktemp("tree")
    code_only = shutil.ignore_patterns("__pycache__", "static", "locale", "templates", "data", "*.docx")
    shutil.copytree(PACKAGE, root / "naptrack", ignore=code_only)
    shutil.copy(ROOT / "pyproject.toml", root)
    kept = lint_imports(root)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    return root


@pytest.mark.parametrize(
    ("module", "line", "complaint"),
    [
        (
            "plans/models.py",
            "from naptrack.portal import search",
            "naptrack.plans is not allowed to import naptrack.portal",
        ),
        (
            "reporting/queries.py",
            "import naptrack.publications.services",
            "not allowed to import naptrack.publications",
        ),
        ("cli/common.py", "from naptrack.cli.main import main", "naptrack.cli.common is not allowed to import"),
    ],
)
def test_an_import_that_points_up_breaks_a_contract(tree, module, line, complaint):
    path = tree / "naptrack" / module
    original = path.read_text(encoding="utf-8")
    path.write_text(f"{original}\n{line}  # noqa\n", encoding="utf-8")
    try:
        broken = lint_imports(tree)
    finally:
        path.write_text(original, encoding="utf-8")
    assert broken.returncode != 0
    assert complaint in broken.stdout
