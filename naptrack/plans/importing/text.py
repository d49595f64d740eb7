"""Text helpers for the importers: sentence ends, continuation, footnote marks, hyphenation,
splitting into sentences, and telling a garbled copy of a fragment from real text."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from naptrack.plans.importing.model import MARK_RE, from_superscript

# Closing characters that may follow a sentence's final stop: quotes, brackets, footnote marks.
_CLOSERS = "\"'\u201d\u2019\u00bb)]"
_END_RE = re.compile(rf"[.!?…][{re.escape(_CLOSERS)}]*$")
# Words after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "e.g",
    "i.e",
    "etc",
    "cf",
    "vs",
    "viz",
    "no",
    "nos",
    "nr",
    "art",
    "arts",
    "p",
    "pp",
    "para",
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "incl",
    "approx",
    "fig",
    "vol",
    "ca",
    "resp",
    "esp",
    "ex",
    "par",
    "ou",
    "bv",
    "bijv",
    "o.a",
    "m.a.w",
    "z.g.a",
}
# Words that follow a hanging hyphen in "pre- and post-conflict": the hyphen stays detached.
_SUSPENDED = {"and", "or", "to", "et", "ou", "en", "of", "und", "oder", "a", "au"}


def is_complete(text: str) -> bool:
    """Whether the text ends a sentence (a stop, possibly followed by quotes or brackets)."""
    text = MARK_RE.sub("", text).rstrip()
    return bool(_END_RE.search(text))


def starts_continuation(text: str) -> bool:
    """A fragment that cannot start a cell: it begins with a lower-case letter or with
    punctuation that continues a sentence."""
    text = text.lstrip()
    if not text:
        return False
    first = text[0]
    if first.islower():
        return True
    if first in ",;:)]-\u2013" and len(text) > 1:
        return True
    return first == "(" and len(text) > 1 and (text[1].islower() or text[1].isdigit())


def letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


def extract_marks(text: str) -> tuple[str, list[int]]:
    """The text without its footnote marks, and the marks' numbers in order."""
    numbers = [int(from_superscript(m)) for m in MARK_RE.findall(text)]
    if not numbers:
        return text, []
    text = MARK_RE.sub(" ", text)
    return text, numbers


def join_fragments(fragments: list[str]) -> str:
    """The lines of a wrapped cell as one text. A line that ends on a slash was broken at the
    slash, not at a space ("land/" "inheritance"); one that ends on a word's hyphen before a
    word in lower case was broken at the hyphen of a compound ("co-" "sponsored"), which stays."""
    text = ""
    for fragment in fragments:
        fragment = fragment.strip()
        if not fragment:
            continue
        joined = not text or text.endswith("/") or (_COMPOUND_END.search(text) and fragment[0].islower())
        text += fragment if joined else " " + fragment
    return text


_COMPOUND_END = re.compile(r"[^\W\d_]-$")


def clean(text: str) -> str:
    """One clean sentence or paragraph: single spaces, no footnote marks, no space before a stop,
    line-break hyphenation rejoined ("decision- making" -> "decision-making")."""
    text, _ = extract_marks(text)
    text = " ".join(text.split())
    text = re.sub(r"\s+([.,;:!?)\]])", r"\1", text)
    text = re.sub(r"([(\[])\s+", r"\1", text)

    def hyphen(match: re.Match) -> str:
        word = match.group(2)
        if word.lower() in _SUSPENDED:
            return match.group(0)
        return f"{match.group(1)}-{word}"

    text = re.sub(r"(\w)- (\w+)", hyphen, text)
    return text.strip()


def split_sentences(text: str) -> list[str]:
    """Sentences of a cleaned text. A stop ends a sentence when a capital, a digit or an opening
    quote follows, outside brackets, and not after an abbreviation ("e.g.", "etc.")."""
    sentences: list[str] = []
    depth = 0
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch in ".!?" and depth == 0:
            j = i + 1
            while j < n and text[j] in _CLOSERS:
                j += 1
            if j < n and text[j] == " ":
                k = j + 1
                nxt = text[k] if k < n else ""
                word = re.search(r"([\w.]+)$", text[start:i])
                before = word.group(1).lower() if word else ""
                if (
                    nxt
                    and (nxt.isupper() or nxt.isdigit() or nxt in "\"\u201c\u2018'\u00ab(")
                    and before not in _ABBREVIATIONS
                    and not re.fullmatch(r"(?:[a-z]\.)*[a-z]", before)  # initials: "U.N", "e"
                ):
                    sentences.append(text[start:j].strip())
                    start = k
                    i = k
                    continue
        i += 1
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return [s for s in sentences if s]


def fold(text: str) -> str:
    """For comparing: lower case, no accents, letters and digits only."""
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]+", "", "".join(c for c in text if not unicodedata.combining(c)).lower())


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, fold(a), fold(b), autojunk=False).ratio()


def is_garbled_copy(first: str, second: str) -> str | None:
    """When two successive fragments of a cell are one printed line read twice (OCR stutter),
    which of them to drop: "first" (a truncated, garbled copy of the start of the second),
    "second" (a copy of the first), or None when they are different text."""
    a, b = fold(first), fold(second)
    if len(a) < 12 or len(b) < 12:
        return None
    if a == b:
        return "second"
    if SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.85:
        return "second"
    # The first is a truncated garbled copy of the second's opening.
    if (
        len(a) < len(b)
        and not is_complete(first)
        and SequenceMatcher(None, a, b[: len(a)], autojunk=False).ratio() >= 0.85
    ):
        return "first"
    return None
