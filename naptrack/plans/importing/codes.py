"""Line-of-action numbers ("14.a", "9", "1.2.3") and the sequence they follow.

A code is read as a tuple of parts, digits or letters. What may follow a code is known from the
numbering itself: the next sibling (14.a -> 14.b), or the first line of the next goal (14.c ->
15, 15.a). That is how a lost or garbled number is told from a page number, and inferred.
"""

from __future__ import annotations

import re

# The table below maps look-alike letters on purpose.
# ruff: noqa: RUF001

Code = tuple[str, ...]

# Letters that OCR and PDF fonts confuse with Latin letters and digits (Cyrillic, Greek).
_LOOKALIKES = str.maketrans(
    {
        "а": "a",
        "б": "6",
        "в": "b",
        "е": "e",
        "о": "o",
        "р": "p",
        "с": "c",
        "у": "y",
        "х": "x",
        "к": "k",
        "м": "m",
        "т": "t",
        "ь": "b",
        "з": "3",
        "А": "A",
        "В": "B",
        "Е": "E",
        "К": "K",
        "М": "M",
        "Н": "H",
        "О": "O",
        "Р": "P",
        "С": "C",
        "Т": "T",
        "Х": "X",
        "З": "3",
        "α": "a",
        "β": "b",
        "ε": "e",
        "ο": "o",
        "ι": "i",
        "κ": "k",
        "Α": "A",
        "Β": "B",
        "Ε": "E",
        "Ι": "I",
        "Κ": "K",
        "Ο": "O",
        "–": "-",
        "—": "-",
        "‐": "-",
    }
)
_ALLOWED = re.compile(r"^[0-9A-Za-z]+(?:[\s.\-/)]+[0-9A-Za-z]+)*$")


def parse_code(raw: str) -> Code | None:
    """The parts of a code, or None when the text is not one ("Di", "-", a sentence)."""
    text = raw.translate(_LOOKALIKES).strip().strip(".-)/ ").strip()
    if not text or len(text) > 12 or not _ALLOWED.match(text):
        return None
    # Digits mistaken for letters inside a number: "1O" -> "10", "l4" -> "14".
    text = re.sub(
        r"\b[0-9OolI]*[0-9][0-9OolI]*\b|\b[OolI]+[0-9][0-9OolI]*",
        lambda m: m.group(0).translate(str.maketrans("OolI", "0011")),
        text,
    )
    parts = re.findall(r"\d+|[A-Za-z]+", text)
    if not parts or len(parts) > 4 or not any(p.isdigit() for p in parts):
        return None
    if any(p.isalpha() and len(p) > 2 for p in parts):
        return None
    return tuple(str(int(p)) if p.isdigit() else p for p in parts)


def code_text(code: Code) -> str:
    return ".".join(code)


def same(a: Code | None, b: Code | None) -> bool:
    return a is not None and b is not None and tuple(p.lower() for p in a) == tuple(p.lower() for p in b)


def goal_key(code: Code) -> Code:
    """The goal a line's code belongs to: all but the last part (14.a -> 14), or the code
    itself for a goal with a single line (9 -> 9)."""
    return code[:-1] if len(code) > 1 else code


def _step(part: str, by: int = 1) -> str | None:
    if part.isdigit():
        return str(int(part) + by)
    if len(part) == 1 and part.isalpha():
        nxt = ord(part) + by
        limit = ord("z") if part.islower() else ord("Z")
        return chr(nxt) if nxt <= limit else None
    return None


def _first(kind: str) -> str:
    return "1" if kind.isdigit() else ("A" if kind.isupper() else "a")


def successors(prev: Code, sub_kinds: dict[int, str] | None = None, by: int = 1) -> list[Code]:
    """The codes that may follow prev, most likely first: the next sibling, then the next
    line at each level up, with or without a sub-number. `by` > 1 skips codes (a lost row)."""
    sub_kinds = sub_kinds or {}
    out: list[Code] = []
    depth = max(len(prev), 2)
    for level in range(len(prev) - 1, -1, -1):
        stepped = _step(prev[level], by)
        if stepped is None:
            continue
        base = (*prev[:level], stepped)
        candidates = [base]
        for extra in range(level + 1, depth):
            kind = prev[extra] if extra < len(prev) else sub_kinds.get(extra, "a")
            candidates.append((*candidates[-1], _first(kind)))
        # The full-depth form first: "15.a" is likelier than "15" after "14.c", but a code of
        # the same depth as prev likelier still.
        candidates.sort(key=lambda c: (len(c) != len(prev), -len(c)))
        out.extend(c for c in candidates if c not in out)
    return out


def is_successor(prev: Code | None, code: Code, sub_kinds: dict[int, str] | None = None) -> bool:
    if prev is None:
        return True
    return any(same(code, c) for c in successors(prev, sub_kinds))


def gap(prev: Code, code: Code, sub_kinds: dict[int, str] | None = None, limit: int = 3) -> list[Code] | None:
    """When code follows prev only after a few lost codes (18.c -> 18.e), the lost ones
    ([18.d]; empty when a whole goal was skipped and they cannot be listed); None when code does
    not follow prev at all. Call it for a code that is not a direct successor."""
    for by in range(2, limit + 2):
        for candidate in successors(prev, sub_kinds, by):
            if same(candidate, code):
                if len(candidate) == len(prev) and candidate[:-1] == prev[:-1]:
                    return [(*prev[:-1], s) for s in (_step(prev[-1], k) for k in range(1, by)) if s]
                return []
    return None


def first_codes(sub_kinds: dict[int, str] | None = None) -> list[Code]:
    """Codes that may open a plan or an objective whose numbering starts again."""
    kind = (sub_kinds or {}).get(1, "a")
    return [("1",), ("1", _first(kind)), ("1", "1"), ("1", "1", "1")]
