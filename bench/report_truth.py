"""What a filled round of a plan says, made up deterministically: the "truth" that
bench/report_documents.py renders as report documents and bench/round_import_accuracy.py compares
the round importer's reading with.

    truth = truth_from_document(document, seed=2012)   # document: naptrack-plan/1

A truth is realistic rather than complete: some lines have no report at all, some departments say
nothing on a line they share, a few departments copy one text onto several lines, on a few lines
two departments answer together (the same status and text), some statuses are left out, and on a
line with an instrument counted by sex most departments give women and men in their text ("12
women and 30 men were trained"). Nothing here needs Django.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field

STATUSES = ("completed", "in-progress", "continuous", "not-started", "not-applicable")
_STATUS_WEIGHTS = (26, 30, 20, 10, 5)
_NO_STATUS = 0.09  # share of contributions whose document gives no status
_LINE_SILENT = 0.07  # share of lines no department reports on
_DEPARTMENT_SILENT = 0.1  # share of the other (line, department) pairs not reported
_WITH_FIGURES = 0.8  # share of contributions on a by-sex line that give women and men
_COPIED = 5  # departments that paste one text onto several of their lines
_JOINT = 4  # lines on which two departments answer together (one row naming both in a matrix)


@dataclass(frozen=True)
class Line:
    code: str
    text: str
    objective: int
    departments: tuple[str, ...]
    # Position (1-based) of the line's first instrument counted by sex, if it has one.
    by_sex: int | None = None


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    abbreviation: str
    parent: str | None = None
    # language -> (name, abbreviation) where the plan has them translated
    translations: tuple[tuple[str, str, str], ...] = ()

    def named(self, language: str) -> tuple[str, str]:
        """(name, abbreviation) in `language`, else in English."""
        for lang, name, abbreviation in self.translations:
            if lang == language:
                return name, abbreviation
        return self.name, self.abbreviation


@dataclass
class Contribution:
    line: str
    department: str
    status: str  # a code of STATUSES, or "" when the document gives none
    text: str  # paragraphs separated by a blank line
    figures: list[dict] = field(default_factory=list)  # [{"instrument": position, "women": n, "men": n}]

    @property
    def key(self) -> tuple[str, str]:
        return (self.line, self.department)


@dataclass
class Truth:
    plan: str  # the plan's slug
    title: str
    seed: int
    objectives: dict[int, str]
    lines: list[Line]
    departments: dict[str, Department]
    contributions: list[Contribution]

    def line(self, code: str) -> Line:
        return self._lines[code]

    def __post_init__(self) -> None:
        self._lines = {line.code: line for line in self.lines}

    def by_line(self) -> dict[str, list[Contribution]]:
        """The contributions of each reported line, lines in plan order, departments in the line's order."""
        out: dict[str, list[Contribution]] = {}
        for c in self.contributions:
            out.setdefault(c.line, []).append(c)
        return out

    def as_json(self) -> str:
        return json.dumps(
            {"plan": self.plan, "seed": self.seed, "contributions": [asdict(c) for c in self.contributions]},
            ensure_ascii=False,
            indent=2,
        )


def _english(text: str | dict | None) -> str:
    return (text.get("en") if isinstance(text, dict) else text) or ""


def _in(text: str | dict | None, language: str) -> str:
    return (text.get(language) if isinstance(text, dict) else "") or ""


def plan_parts(document: dict) -> tuple[dict[int, str], list[Line], dict[str, Department]]:
    departments = {}
    for d in document["departments"]:
        name, abbreviation = _english(d["name"]), _english(d.get("abbreviation"))
        translations = tuple(
            (lang, d["name"][lang], _in(d.get("abbreviation"), lang) or d["name"][lang])
            for lang in ("fr", "nl", "de")
            if isinstance(d["name"], dict) and d["name"].get(lang)
        )
        departments[d["code"]] = Department(d["code"], name, abbreviation or name, d.get("parent"), translations)
    objectives: dict[int, str] = {}
    lines: list[Line] = []
    for objective in document["objectives"]:
        objectives[objective["number"]] = _english(objective["title"])
        for goal in objective["goals"]:
            for action in goal["actions"]:
                by_sex = next((n for n, i in enumerate(action["instruments"], 1) if i.get("by_sex")), None)
                lines.append(
                    Line(
                        action["code"],
                        _english(action["text"]),
                        objective["number"],
                        tuple(action["departments"]),
                        by_sex,
                    )
                )
    return objectives, lines, departments


# --- texts ----------------------------------------------------------------------------------------

_PLACES = ("in Kinshasa", "in Bukavu", "in Bamako", "in Kabul", "in Brussels", "in New York", "in Geneva", "in Goma")
_OPENINGS = (
    "In {year} the department",
    "During the reporting period we",
    "{name}",
    "As in previous years, {name}",
    "Our focal point",
    "The service",
)
_DEEDS = (
    "organised a two-day training on resolution 1325 for {who} {place}",
    "financed a project of a women's organisation working on sexual violence {place}",
    "raised the participation of women in peace negotiations at bilateral consultations {place}",
    "included a gender module in the predeployment course for {who}",
    "supported the UN Trust Fund to End Violence against Women with a voluntary contribution",
    "took part in the informal network of focal points on women, peace and security",
    "co-sponsored the resolution on violence against women at the Human Rights Council",
    "appointed a gender adviser for the mission {place}",
    "reviewed its internal guidelines so that they take gender into account",
    "funded the reintegration of former child soldiers, girls included, {place}",
    "published a brochure on the national action plan for {who}",
    "hosted a seminar with civil society on the implementation of the plan",
    "checked every new project proposal against the gender marker of the OECD",
    "sent two experts to the EU civilian mission {place}",
    "collected figures broken down by sex for the annual report",
)
_WHO = ("diplomats", "military observers", "police officers", "cooperation attachés", "asylum officers", "judges")
_AFTER = (
    "Evaluations by the participants were positive.",
    "A follow-up is planned for next year.",
    "The budget was EUR {money} in total.",
    "Results are described in the annual report of the service.",
    "Further steps depend on the security situation.",
    "The initiative will be repeated.",
    "See also the answer under line {other}.",
    "Cooperation with Defence and Foreign Affairs was close.",
    "No specific action was taken beyond what is described above.",
    "The number of women involved remains low (about 15 %).",
)
_FIGURE_PHRASES = (
    "{women} women and {men} men were trained.",
    "In total {men} men and {women} women took part.",
    "Participants: {women} women, {men} men.",
)


def _sentence(rng: random.Random, department: Department, year: int) -> str:
    opening = rng.choice(_OPENINGS).format(year=year, name=department.name)
    deed = rng.choice(_DEEDS).format(who=rng.choice(_WHO), place=rng.choice(_PLACES))
    return f"{opening} {deed}."


def _text(rng: random.Random, department: Department, year: int, codes: list[str]) -> str:
    sentences = [_sentence(rng, department, year) for _ in range(rng.choice((1, 1, 2, 2, 3)))]
    after = rng.choice(_AFTER).format(money=f"{rng.randrange(5, 400) * 1000:,}", other=rng.choice(codes))
    paragraphs = [" ".join([*sentences, after])]
    # Some answers are long, so that a printed row runs over a page.
    for _ in range(rng.choice((0, 0, 0, 0, 0, 1, 1, 3))):
        paragraphs.append(" ".join(_sentence(rng, department, year) for _ in range(rng.randrange(2, 5))))
    return "\n\n".join(paragraphs)


def _figures(rng: random.Random, line: Line) -> list[dict]:
    return [{"instrument": line.by_sex, "women": rng.randrange(0, 60), "men": rng.randrange(1, 120)}]


def figure_sentence(rng: random.Random, figures: list[dict]) -> str:
    figure = figures[0]
    return rng.choice(_FIGURE_PHRASES).format(women=figure["women"], men=figure["men"])


def truth_from_document(document: dict, seed: int = 2012, year: int = 2012) -> Truth:
    """A made-up round of the plan in `document` (naptrack-plan/1), the same for the same seed."""
    rng = random.Random(seed)
    objectives, lines, departments = plan_parts(document)
    codes = [line.code for line in lines]
    contributions: list[Contribution] = []
    for line in lines:
        if rng.random() < _LINE_SILENT:
            continue
        reported = [d for d in line.departments if rng.random() >= _DEPARTMENT_SILENT] or [line.departments[0]]
        for code in reported:
            status = "" if rng.random() < _NO_STATUS else rng.choices(STATUSES, _STATUS_WEIGHTS)[0]
            text = _text(rng, departments[code], year, codes)
            figures: list[dict] = []
            if line.by_sex and rng.random() < _WITH_FIGURES:
                figures = _figures(rng, line)
                first, *rest = text.split("\n\n")
                text = "\n\n".join([f"{first} {figure_sentence(rng, figures)}", *rest])
            contributions.append(Contribution(line.code, code, status, text, figures))
    _copy_texts(rng, contributions)
    _joint_answers(rng, contributions)
    return Truth(document["slug"], _english(document["title"]), seed, objectives, lines, departments, contributions)


def _copy_texts(rng: random.Random, contributions: list[Contribution]) -> None:
    """A few departments answer several lines with the same pasted text (without figures)."""
    by_department: dict[str, list[Contribution]] = {}
    for c in contributions:
        if not c.figures:
            by_department.setdefault(c.department, []).append(c)
    for department in rng.sample(sorted(by_department), min(_COPIED, len(by_department))):
        mine = by_department[department]
        if len(mine) < 3:
            continue
        first, *others = rng.sample(mine, rng.choice((2, 3)))
        for other in others:
            other.text = first.text


def _joint_answers(rng: random.Random, contributions: list[Contribution]) -> None:
    """On a few lines two departments answer together: the same status and text (no figures,
    which would not say whose they are)."""
    by_line: dict[str, list[Contribution]] = {}
    for c in contributions:
        by_line.setdefault(c.line, []).append(c)
    candidates = sorted(code for code, cs in by_line.items() if len(cs) > 1 and not any(c.figures for c in cs))
    for code in rng.sample(candidates, min(_JOINT, len(candidates))):
        first, second = by_line[code][:2]
        second.status, second.text = first.status, first.text
