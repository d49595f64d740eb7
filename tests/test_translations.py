"""The French, Dutch and German catalogs are complete: every interface string is translated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "naptrack"
TEMPLATE_STRING = re.compile(r"""\{%\s*translate\s+(["'])(.+?)\1""")


def _unescape(po_string: str) -> str:
    return po_string.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")


def catalog(lang: str, with_plural_flag: bool = False) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for every entry of the language's .po file; with_plural_flag puts
    whether the entry has plural forms in place of fuzzy."""
    text = (ROOT / "locale" / lang / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                fields[key] = match.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        if fields.get("msgid"):
            translations = [v for k, v in fields.items() if k.startswith("msgstr")]
            flag = "msgid_plural" in fields if with_plural_flag else "fuzzy" in block
            entries.append((fields["msgid"], " ".join(translations) if all(translations) else "", flag))
    return entries


@pytest.mark.parametrize("lang", ["fr", "nl", "de"])
def test_catalog_has_no_untranslated_or_fuzzy_entry(lang):
    entries = catalog(lang)
    assert len(entries) > 100
    assert [msgid for msgid, msgstr, _ in entries if not msgstr] == []
    assert [msgid for msgid, _, fuzzy in entries if fuzzy] == []


@pytest.mark.parametrize("lang", ["fr", "nl", "de"])
def test_every_template_string_is_in_the_catalog(lang):
    known = {msgid.replace('\\"', '"') for msgid, _, _ in catalog(lang)}
    missing = []
    for template in (ROOT / "templates").rglob("*.html"):
        for _, string in TEMPLATE_STRING.findall(template.read_text(encoding="utf-8")):
            if string not in known:
                missing.append(f"{template.name}: {string}")
    assert missing == [], "run scripts/messages and translate the new entries"


@pytest.mark.parametrize("lang", ["fr", "nl", "de"])
def test_compiled_catalog_matches_the_source(lang):
    """The committed .mo holds every translation of the .po (run scripts/messages after editing)."""
    import gettext

    folder = ROOT / "locale" / lang / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = []
    for msgid, msgstr, plural in catalog(lang, with_plural_flag=True):
        if plural:
            continue
        if compiled.gettext(_unescape(msgid)) != _unescape(msgstr):
            stale.append(msgid)
    assert stale == []
