"""What a plan says about itself outside its matrix: its period ("2013-2016" in the title), its
country (the one it names most), its language, and the focus countries it lists. Each guess is
reported, and every one can be given instead."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from django.utils import translation
from django.utils.translation import gettext
from django_countries import countries

from naptrack.plans.importing.model import METADATA_GUESSED, Check

_PERIOD = re.compile(r"\b((?:19|20)\d\d)\s*[-\u2013\u2014/]\s*((?:19|20)\d\d)\b")
_STOPWORDS = {
    "en": {"the", "and", "of", "to", "in", "for", "with", "is", "are", "on", "by"},
    "fr": {"le", "la", "les", "des", "et", "du", "pour", "dans", "une", "est", "sur", "aux"},
    "nl": {"de", "het", "een", "van", "en", "voor", "met", "zijn", "op", "door", "te"},
    "de": {"der", "die", "das", "und", "von", "mit", "für", "ist", "den", "auf", "zu"},
}
_FOCUS = re.compile(
    r"(focus|target|priority|pilot)\s+countr|countries\s+of\s+focus|pays\s+(cibles?|prioritaires?|de\s+concentration|pilotes?)"
    r"|(focus|prioritaire|doel|pilot)landen|Schwerpunktl[äa]nder",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _country_names() -> tuple[re.Pattern, dict[str, str]]:
    names: dict[str, str] = {}
    for language in ("en", "fr", "nl", "de"):
        with translation.override(language):
            for code, name in countries:
                name = str(name)
                variants = {name, re.sub(r"\s*\(.*?\)", "", name)}
                for variant in list(variants):
                    variants.add(variant.replace("the ", ""))
                    variants.add(re.sub(r"^the\s+", "", variant, flags=re.IGNORECASE))
                for variant in variants:
                    variant = variant.strip()
                    if len(variant) >= 4:
                        names.setdefault(variant, code)
    # Frequent short forms in policy texts.
    for alias, code in {
        "DR Congo": "CD",
        "DRC": "CD",
        "RDC": "CD",
        "Congo-Kinshasa": "CD",
        "USA": "US",
        "UK": "GB",
    }.items():
        names.setdefault(alias, code)
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b")
    return pattern, names


def countries_in(text: str) -> list[str]:
    pattern, names = _country_names()
    return [names[m.group(1)] for m in pattern.finditer(text)]


def detect(
    *,
    title: str,
    front_text: str,
    body_text: str,
    table_text: str = "",
    country: str | None,
    period: tuple[int, int] | None,
    languages: list[str] | None,
    focus_countries: list[str] | None,
) -> tuple[dict, list[Check], list[str]]:
    """The plan's metadata, the checks saying what was guessed, and what could not be found."""
    checks: list[Check] = []
    missing: list[str] = []

    if period is None:
        match = _PERIOD.search(title) or _PERIOD.search(front_text) or _PERIOD.search(body_text)
        start, end = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
        if match and start <= end <= start + 20:
            period = (start, end)
            message = gettext("period %(start)s-%(end)s read from the text %(text)r")
            checks.append(Check(METADATA_GUESSED, "", message % {"start": start, "end": end, "text": match.group(0)}))
        else:
            missing.append(gettext("the period (--period 2013-2016)"))

    if not languages:
        words = Counter(re.findall(r"[a-zà-ÿ]+", (body_text[:100000] + "\n" + table_text[:100000]).lower()))
        scores = {lang: sum(words[w] for w in stop) for lang, stop in _STOPWORDS.items()}
        best = max(scores, key=lambda lang: scores[lang])
        if scores[best]:
            languages = [best]
            checks.append(
                Check(METADATA_GUESSED, "", gettext("language %(code)r recognised from the text") % {"code": best})
            )
        else:
            missing.append(gettext("the language (--language en)"))

    if country is None:
        named = countries_in(title) or countries_in(front_text)
        counts = Counter(named or countries_in(body_text))
        if counts:
            country = counts.most_common(1)[0][0]
            checks.append(
                Check(
                    METADATA_GUESSED,
                    "",
                    gettext("country %(code)s guessed as the country the document names most") % {"code": country},
                )
            )
        else:
            missing.append(gettext("the country (--country BE)"))

    if focus_countries is None:
        focus_countries = []
        sentences = re.split(r"(?<=[.!?])\s+", body_text)
        for i, sentence in enumerate(sentences):
            if not _FOCUS.search(sentence):
                continue
            found = [c for c in countries_in(" ".join(sentences[i : i + 2])) if c != country]
            if found:
                focus_countries = list(dict.fromkeys(found))
                checks.append(
                    Check(
                        METADATA_GUESSED,
                        "",
                        gettext("focus countries %(codes)s read from: %(text)r")
                        % {"codes": ", ".join(focus_countries), "text": sentence[:100]},
                    )
                )
                break

    metadata = {
        "country": country,
        "period": {"start": period[0], "end": period[1]} if period else None,
        "languages": languages,
        "focus_countries": focus_countries,
    }
    return metadata, checks, missing
