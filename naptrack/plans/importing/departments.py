"""Reading a matrix's department cell: which known departments it names.

Cells list departments with or without separators ("Foreign Affairs Development Defence"),
name a unit under its parent ("Interior-Federal Police", "Interior-CGRS/Office for Foreigners",
"Interior/Fedasil") and may flag a coordinator ("Equality (coordination)"). A department is
recognised by its name, its abbreviation or the words of its code, accents and case aside; a
word that is one typing slip away from a single known name is taken as that name. Anything else
is reported, never guessed: a capitalised name becomes a new department only if the person
importing says so.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils.text import slugify

from naptrack.plans.interchange import source_of

_COORDINATOR_WORDS = {
    "coordination",
    "coordinator",
    "coordinating",
    "coord",
    "lead",
    "leader",
    "pilote",
    "pilotage",
    "coordinateur",
    "coordinatrice",
    "chef de file",
    "coordinatie",
    "coordinerend",
    "trekker",
    "penhouder",
    "federfuhrend",
}
_CONJUNCTIONS = {"and", "et", "en", "und", "with", "avec", "met"}
# Words that join the parts of one name: a known name after them belongs to the name before.
_CONNECTORS = {
    "of",
    "the",
    "for",
    "de",
    "la",
    "le",
    "les",
    "du",
    "des",
    "d",
    "l",
    "van",
    "voor",
    "der",
    "den",
    "het",
    "von",
    "fur",
}
# Words that open an official name without telling departments apart ("FPS Justice").
_GENERIC = {"fps", "spf", "fod", "federal", "public", "service", "ministry", "ministere", "ministerie", "department"}
# Generic words that open a department's official name and are often left out in a matrix.
_PREFIXES = (
    "federal public service ",
    "fps ",
    "spf ",
    "fod ",
    "ministry of ",
    "ministry for ",
    "department of ",
    "department for ",
    "ministere de la ",
    "ministere de l ",
    "ministere des ",
    "ministere du ",
    "ministere de ",
    "ministerie van ",
    "service public federal ",
    "federale overheidsdienst ",
)
# Words as _words cuts them: "l'égalité" is "l" and "égalité", as in the names it is matched with.
# Dashes are tokens too: fold() makes an en or em dash ("Parent \u2013 Unit") a hyphen.
_TOKEN_RE = re.compile(r"[^\W_]+|[-\u2013\u2014/(),;&+\n]", re.UNICODE)


def _translations(d: KnownDepartment) -> list[str]:
    """The department's name and abbreviation in the other languages of its plan file."""
    out = []
    for value in d.texts.values():
        if isinstance(value, dict):
            out += [text for language, text in value.items() if language != "state" and isinstance(text, str)]
    return out


def _stripped(name: str) -> set[tuple[str, ...]]:
    """The words of a name, with and without the generic words that open an official name."""
    folded = fold(name)
    names = {folded} | {folded[len(prefix) :] for prefix in _PREFIXES if folded.startswith(prefix)}
    return {_words(n) for n in names if _words(n)}


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return text.replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-")


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z0-9]+", fold(text)))


@dataclass
class KnownDepartment:
    code: str
    name: str
    parent: str | None = None
    abbreviation: str = ""
    # The name and abbreviation as a naptrack-plan/1 file gave them, translations included:
    # what a plan read with this department lists for it.
    texts: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_document(cls, row: dict) -> KnownDepartment:
        texts = {name: row[name] for name in ("name", "abbreviation") if isinstance(row.get(name), dict)}
        return cls(
            str(row["code"]),
            str(source_of(row["name"])),
            row.get("parent") or None,
            str(source_of(row.get("abbreviation"))),
            texts,
        )


@dataclass
class Mention:
    """A department named in a cell: matched to a code, or not (then `code` is None)."""

    text: str
    code: str | None
    coordinator: bool = False
    parent: str | None = None  # for an unknown unit written under a known parent
    fuzzy: bool = False
    noise: bool = False


@dataclass
class DepartmentMatcher:
    known: list[KnownDepartment]
    by_code: dict[str, KnownDepartment] = field(init=False)
    top: dict[tuple[str, ...], str] = field(init=False)
    units: dict[str, dict[tuple[str, ...], str]] = field(init=False)
    everything: dict[tuple[str, ...], str] = field(init=False)
    longest: int = field(init=False)
    comma_names: set[tuple[str, ...]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_code = {d.code: d for d in self.known}
        top: dict[tuple[str, ...], set[str]] = {}
        units: dict[str, dict[tuple[str, ...], set[str]]] = {}
        everything: dict[tuple[str, ...], set[str]] = {}
        # The names a plan file gives in its other languages come second: a matrix in French
        # names its departments in French, but a translation never takes a name from another.
        # Last, an official name with a comma by its part before the comma ("FOD Buitenlandse
        # Zaken" for "FOD Buitenlandse Zaken, Buitenlandse Handel en ..."), where that part is no
        # other department's name.
        for pass_ in ("own", "translated", "before-comma"):
            taken = set(everything)
            for d in self.known:
                aliases = (
                    self._before_comma(d) if pass_ == "before-comma" else self._aliases(d, translated=pass_ != "own")
                )
                for alias in aliases:
                    if pass_ != "own" and alias in taken:
                        continue
                    everything.setdefault(alias, set()).add(d.code)
                    if d.parent and d.parent in self.by_code:
                        units.setdefault(d.parent, {}).setdefault(alias, set()).add(d.code)
                    else:
                        top.setdefault(alias, set()).add(d.code)
        # An alias shared by two departments names neither: never guess between them.
        self.top = {a: next(iter(c)) for a, c in top.items() if len(c) == 1}
        self.units = {p: {a: next(iter(c)) for a, c in m.items() if len(c) == 1} for p, m in units.items()}
        self.everything = {a: next(iter(c)) for a, c in everything.items() if len(c) == 1}
        self.longest = max((len(a) for a in self.everything), default=1)
        # Names that hold a comma ("Ministry of Trade, Industry and Energy"): read whole across
        # the comma, which elsewhere separates departments.
        self.comma_names = {
            alias
            for d in self.known
            for name in (d.name, *_translations(d))
            if "," in name
            for alias in _stripped(name)
        }

    def _before_comma(self, d: KnownDepartment) -> set[tuple[str, ...]]:
        names = [d.name, *_translations(d)]
        return {alias for name in names if name and "," in name for alias in _stripped(name.split(",")[0])}

    def _aliases(self, d: KnownDepartment, *, translated: bool = False) -> set[tuple[str, ...]]:
        if translated:
            names = set(_translations(d))
            names |= {re.sub(r"\s*\([^)]*\)", "", n) for n in names}
        else:
            names = {d.name, d.abbreviation, re.sub(r"\s*\([^)]*\)", "", d.name)}
        parent = self.by_code.get(d.parent) if d.parent else None
        if parent and not translated and d.code.startswith(parent.code + "-"):
            names.add(d.code[len(parent.code) + 1 :].replace("-", " "))
        elif not parent and not translated:
            names.add(d.code.replace("-", " "))
        aliases = {alias for name in names if name for alias in _stripped(name)}
        if parent and not translated:
            # "Interior Federal Police": the unit under its parent's name, without the hyphen.
            for parent_alias in self._aliases(parent):
                aliases |= {parent_alias + a for a in list(aliases)}
        return aliases

    # --- parsing ---------------------------------------------------------------------------

    def parse(self, text: str) -> list[Mention]:
        tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
        words = [fold(t) for t, _, _ in tokens]
        mentions: list[Mention] = []
        i = 0
        unmatched_from: int | None = None

        def flush(end: int) -> None:
            nonlocal unmatched_from
            if unmatched_from is not None and unmatched_from < end:
                mentions.extend(self._unmatched(text[tokens[unmatched_from][1] : tokens[end - 1][2]]))
            unmatched_from = None

        while i < len(tokens):
            word = words[i]
            if word in ",;&+\n)-/":
                flush(i)
                i += 1
                continue
            if word == "(":
                flush(i)
                close = next((j for j in range(i + 1, len(tokens)) if words[j] == ")"), len(tokens))
                inner = " ".join(words[i + 1 : close])
                if mentions and inner in _COORDINATOR_WORDS:
                    mentions[-1].coordinator = True
                    i = close + 1
                    continue
                units = self._units_within(words, i + 1, close, mentions[-1].code) if mentions else None
                if units:
                    # "Home Office (Police, Immigration)": those units of the department before, not all of it.
                    mentions[-1:] = [Mention(text[tokens[a][1] : tokens[b - 1][2]], unit) for unit, a, b in units]
                    i = close + 1
                    continue
                if (
                    mentions
                    and mentions[-1].code
                    and self.everything.get(_words(inner)) in self._named(mentions[-1].code)
                ):
                    # "Police (Home Office)", "Home Office (HO)": the unit's parent or the
                    # department's other name, not a second department.
                    i = close + 1
                    continue
                if mentions and mentions[-1].code and self._match_at(words, i + 1, self.everything) is None:
                    # "Institute for Equality (IEWM)": a remark on the department before it.
                    remark = text[tokens[i][1] : tokens[min(close, len(tokens) - 1)][2]]
                    if self.everything.get(_words(inner)) != mentions[-1].code:
                        mentions.append(Mention(remark, None, noise=True))
                    i = close + 1
                    continue
                i += 1
                continue
            match = self._match_at(words, i, self.everything)
            if match is None:
                if word in _CONJUNCTIONS and unmatched_from is None:
                    i += 1
                    continue
                if unmatched_from is None:
                    unmatched_from = i
                i += 1
                continue
            if unmatched_from is not None and words[i - 1] in _CONNECTORS:
                # "Ministère de la Justice" is one name that is not known, not an unknown
                # "Ministère de la" beside a known "Justice".
                i = match[1]
                continue
            if unmatched_from is not None and all(w in _GENERIC for w in words[unmatched_from:i]):
                unmatched_from = None  # "FPS Justice": the generic word before a known name
            flush(i)
            code, end = match
            i = end
            department = self.by_code[code]
            children = self.units.get(code)
            if children and i + 1 < len(tokens) and words[i] in "-/":
                # "<Parent>-<Unit>", "<Parent>-<Unit>/<Unit>": units under their parent.
                found = False
                while i + 1 < len(tokens) and words[i] in "-/":
                    unit = self._match_at(words, i + 1, children)
                    if unit is None:
                        if words[i] == "-" and not found:
                            stop = self._unit_end(words, i + 1)
                            unit_text = text[tokens[i + 1][1] : tokens[stop - 1][2]] if stop > i + 1 else ""
                            if unit_text:
                                mentions.append(Mention(unit_text, None, parent=code))
                                found = True
                                i = stop
                        break
                    mentions.append(Mention(text[tokens[i + 1][1] : tokens[unit[1] - 1][2]], unit[0]))
                    found = True
                    i = unit[1]
                if found:
                    continue
            mentions.append(Mention(department.name, code))
        flush(len(tokens))
        return mentions

    def _match_at(self, words: list[str], i: int, table: dict[tuple[str, ...], str]) -> tuple[str, int] | None:
        """The longest alias starting at token i: (code, index after it)."""
        # Aliases are compared on words only: a hyphen inside a name ("Peace-Building") is skipped.
        picked: list[int] = []
        commas: list[int] = []  # how many words were picked before each comma crossed
        j = i
        while j < len(words) and len(picked) < self.longest:
            w = words[j]
            if w == "," and picked and self.comma_names:
                commas.append(len(picked))
            elif w in ",;&+\n()/":
                break
            elif w != "-":
                picked.append(j)
            j += 1
        for length in range(len(picked), 0, -1):
            alias = tuple(words[k] for k in picked[:length])
            code = table.get(alias)
            if code is not None and (alias in self.comma_names or not any(n < length for n in commas)):
                return code, picked[length - 1] + 1
        return None

    def _named(self, code: str) -> tuple[str, ...]:
        """The department and its parent, which a remark in brackets after it may name."""
        return (code, self.by_code[code].parent or code)

    def _units_within(self, words: list[str], start: int, end: int, parent: str | None) -> list[tuple[str, int, int]]:
        """The units of `parent` that words[start:end] list, and nothing else: [(code, from, to)]."""
        children = self.units.get(parent or "")
        found: list[tuple[str, int, int]] = []
        j = start
        while children and j < end:
            if words[j] in ",;&+/-\n" or words[j] in _CONJUNCTIONS:
                j += 1
                continue
            match = self._match_at(words, j, children)
            if match is None or match[1] > end:
                return []
            found.append((match[0], j, match[1]))
            j = match[1]
        return found

    def _unit_end(self, words: list[str], i: int) -> int:
        j = i
        while j < len(words) and words[j] not in ",;&+\n()/-" and self._match_at(words, j, self.top) is None:
            j += 1
        return j

    def _unmatched(self, text: str) -> list[Mention]:
        text = text.strip(" -/,;")
        if not text:
            return []
        fuzzy = self._fuzzy(text)
        if fuzzy:
            return [Mention(text, fuzzy, fuzzy=True)]
        first = next((c for c in text if c.isalpha()), "")
        noise = sum(c.isalpha() for c in text) < 3 or not first.isupper()
        return [Mention(text, None, noise=noise)]

    def _fuzzy(self, text: str) -> str | None:
        """A single known name within a typing slip of the text (at least 5 letters), or None."""
        words = _words(text)
        if sum(len(w) for w in words) < 5:
            return None
        scored = sorted(
            (
                (SequenceMatcher(None, " ".join(words), " ".join(alias)).ratio(), code)
                for alias, code in self.everything.items()
            ),
            reverse=True,
        )
        if not scored or scored[0][0] < 0.85:
            return None
        best_score, best = scored[0]
        if any(code != best and score > best_score - 0.05 for score, code in scored[1:]):
            return None
        return best


def new_department_code(mention: Mention, taken: set[str]) -> str:
    base = slugify(mention.text) or "department"
    if mention.parent:
        base = f"{mention.parent}-{base}"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    return code
