"""Published answer packs: what the coordinator sent to the UN, the EU, CEDAW or the OSCE and chose
to publish (international.services.request_set_visibility), read for the portal and written as
open data.

Only requests whose visibility is public are ever read here, and of their answers only the
coordinator's final answer (text, figures, yes/no) and the lines and departments it draws on:
never the draft's quotes and internal count, the targeted questions put to departments, the
handler or the dates kept for the coordinator. Each read is a fixed number of queries, whatever
the number of packs, questions and answers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from naptrack.core.numbers import json_number
from naptrack.international.exports import sources_text
from naptrack.international.models import Answer, Body, Request
from naptrack.portal.opendata import (
    Column,
    table_file,
)
from naptrack.publications.content.formatting import number

FORMAT = "naptrack-answers/1"
FORMATS = ("csv", "xlsx", "json")
PACK_LANGUAGES = ("en", "fr", "nl", "de")
# What a published request shows of itself (the rest is the coordinator's: handler, due date...).
REQUEST_FIELDS = (
    "pk",
    "period_start",
    "period_end",
    "published_at",
    "framework__code",
    "framework__body",
    "framework__name",
    "framework__version",
)
ANSWER_FIELDS = ("pk", "text", "women", "men", "other", "total", "yes", "draft", "question__code")
ANSWER_FIELDS += ("question__group", "question__text", "question__position")


def published_packs() -> QuerySet[Request]:
    """Published requests, the latest published first: one query."""
    return (
        Request.objects.published().select_related("framework").only(*REQUEST_FIELDS).order_by("-published_at", "-pk")
    )


def pack_or_404(pk: int) -> Request:
    """A published request; 404 for an internal one, as for one that does not exist."""
    pack = published_packs().filter(pk=pk).first()
    if pack is None:
        raise Http404(_("No such published answer pack."))
    return pack


def pack_answers(pack: Request) -> list[Answer]:
    """The pack's answers in its questions' order, each with `sources` (the lines of action and
    departments it draws on, as text): one query."""
    answers = list(
        Answer.objects.filter(request=pack)
        .select_related("question")
        .only(*ANSWER_FIELDS)
        .order_by("question__position", "pk")
    )
    for answer in answers:
        answer.sources = sources_text((answer.draft or {}).get("sources", []))
        labels = (
            ("women", _("Women")),
            ("men", _("Men")),
            ("other", _("Other or not recorded")),
            ("total", _("Total")),
        )
        answer.figures = [
            (label, number(getattr(answer, key))) for key, label in labels if getattr(answer, key) is not None
        ]
    return answers


# --- open data ------------------------------------------------------------------------------------


def _c(name: str, type_: str, description) -> Column:
    return Column(name, type_, description)


COLUMNS = [
    _c("request_id", "integer", gettext_lazy("The answer pack's identifier, as in its page's address.")),
    _c("body", "text", gettext_lazy("Code of the body that asked: un, eu, cedaw, osce, nato or other.")),
    _c("body_label", "text", gettext_lazy("The body that asked, in words.")),
    _c("framework_code", "text", gettext_lazy("The question set's identifier (slug).")),
    _c("framework", "text", gettext_lazy("The question set's name.")),
    _c("version", "text", gettext_lazy("The question set's version or year.")),
    _c("period", "text", gettext_lazy("The years the answers cover (2014, or 2013-2014).")),
    _c("question_number", "integer", gettext_lazy("The question's position in the question set.")),
    _c("question_code", "text", gettext_lazy("The question's code in the question set.")),
    _c("group", "text", gettext_lazy("The question's group (pillar, chapter); else empty.")),
    _c("question", "text", gettext_lazy("The question, as the body asked it.")),
    _c("answer", "text", gettext_lazy("The coordinator's answer, in words.")),
    _c("women", "integer", gettext_lazy("Number of women given in the answer.")),
    _c("men", "integer", gettext_lazy("Number of men given in the answer.")),
    _c("other", "integer", gettext_lazy("Number of people of another or unrecorded sex given in the answer.")),
    _c("total", "number", gettext_lazy("The total or value given in the answer.")),
    _c("yes_no", "boolean", gettext_lazy("The answer to a yes-or-no question; else empty.")),
    _c(
        "sources",
        "text",
        gettext_lazy("The lines of action and departments the answer draws on, separated by ';'."),
    ),
    _c("published_on", "date", gettext_lazy("The day the answer pack was published (YYYY-MM-DD).")),
]
NAMES = [c.name for c in COLUMNS]


def answer_rows() -> list[dict[str, Any]]:
    """One row per answer of every published pack, packs in the order they were published, each
    in its questions' order: one query."""
    answers = (
        Answer.objects.filter(request__visibility=Request.Visibility.PUBLIC)
        .select_related("request__framework", "question")
        .only(
            *ANSWER_FIELDS,
            *(f"request__{name}" for name in REQUEST_FIELDS if name != "pk"),
            "request__visibility",
        )
        .order_by("request__published_at", "request_id", "question__position", "pk")
    )
    rows = []
    for a in answers:
        request, framework, question = a.request, a.request.framework, a.question
        published = timezone.localdate(request.published_at).isoformat() if request.published_at else None
        rows.append(
            {
                "request_id": request.pk,
                "body": framework.body,
                "body_label": str(Body(framework.body).label),
                "framework_code": framework.code,
                "framework": framework.name,
                "version": framework.version,
                "period": request.period,
                "question_number": question.position,
                "question_code": question.code,
                "group": question.group,
                "question": question.text,
                "answer": a.text,
                "women": a.women,
                "men": a.men,
                "other": a.other,
                "total": json_number(a.total),
                "yes_no": a.yes,
                "sources": sources_text((a.draft or {}).get("sources", [])),
                "published_on": published,
            }
        )
    return rows


def answers_file(fmt: str) -> bytes:
    return table_file(fmt, format_name=FORMAT, title=_("Answers"), columns=COLUMNS, rows=answer_rows())
