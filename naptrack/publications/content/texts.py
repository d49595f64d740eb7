"""The report's own texts (foreword, introduction, main achievements, conclusions), written by
the coordinator per round and language with the source language as fallback, and its cover."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from naptrack.publications.content.countries import country_name
from naptrack.publications.content.formatting import translated
from naptrack.publications.content.loading import Source
from naptrack.publications.content.tree import Cover, Text, TextPart

TEXT_FIELDS = ("foreword", "introduction", "achievements", "conclusions")


def text_titles() -> dict[str, str]:
    return {
        "foreword": _("Foreword"),
        "introduction": _("Introduction"),
        "achievements": _("Main achievements of the year"),
        "conclusions": _("Conclusions and next steps"),
    }


def build_texts(source: Source, lang: str) -> dict[str, TextPart | None]:
    """Each text in `lang` (else the source language, marked), None when not written at all."""
    parts: dict[str, TextPart | None] = dict.fromkeys(TEXT_FIELDS)
    texts = source.texts
    if texts is None:
        return parts
    titles = text_titles()
    for key in TEXT_FIELDS:
        text = translated(texts, key, lang)
        if not text.text.strip():
            continue
        parts[key] = TextPart(key=key, anchor=key, title=titles[key], text=text)
    foreword = parts["foreword"]
    if foreword is not None:
        foreword.signatory = texts.signatory
        title = translated(texts, "signatory_title", lang)
        foreword.signatory_title = title if title.text else None
    return parts


def build_cover(source: Source, plan_title: Text, round_name: str, date_label: str) -> Cover:
    plan = source.round.plan
    return Cover(
        plan_title=plan_title,
        title=_("Report to parliament"),
        round_label=round_name,
        year=source.round.year,
        country=country_name(plan.country) if plan.country else "",
        institution=getattr(settings, "NAPTRACK_REPORT_INSTITUTION", ""),
        logo=str(getattr(settings, "NAPTRACK_REPORT_LOGO", "") or ""),
        date_label=date_label,
    )
