"""The report to parliament as published: one stored file per language and format, written when
the round is published and served to everyone from then on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from naptrack.core.choices import ChoiceLabels
from naptrack.publications.queries import PublishedReportQuerySet


def report_path(instance: PublishedReport, filename: str) -> str:
    return f"reports/{instance.round_id}/{filename}"


class PublishedReport(ChoiceLabels, models.Model):
    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", _("Word (DOCX)")

    round = models.ForeignKey(
        "reporting.Round", on_delete=models.CASCADE, related_name="published_reports", verbose_name=_("round")
    )
    language = models.CharField(_("language"), max_length=8)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    file = models.FileField(_("file"), upload_to=report_path, max_length=300)
    size = models.PositiveIntegerField(_("size"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PublishedReportQuerySet.as_manager()

    class Meta:
        ordering = ["round", "format", "language"]
        verbose_name = _("published report")
        verbose_name_plural = _("published reports")
        constraints = [
            models.UniqueConstraint(fields=["round", "language", "format"], name="publishedreport_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.language} {self.format}"

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


def _all_annexes() -> list[str]:
    from naptrack.publications.content.tree import ANNEXES

    return list(ANNEXES)


class ReportTexts(models.Model):
    """The report's own texts for one round, written by the coordinator in each language (the
    translated columns come from translation.py), and the annexes chosen for it. Not the round's
    introduction: that is the instructions to focal points, never printed in the report."""

    round = models.OneToOneField(
        "reporting.Round", on_delete=models.CASCADE, related_name="report_texts", verbose_name=_("round")
    )
    foreword = models.TextField(_("foreword"), blank=True)
    signatory = models.CharField(_("foreword signed by"), max_length=200, blank=True)
    signatory_title = models.CharField(_("title of the signatory"), max_length=300, blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    achievements = models.TextField(_("main achievements of the year"), blank=True)
    conclusions = models.TextField(_("conclusions and next steps"), blank=True)
    annexes = models.JSONField(_("annexes"), default=_all_annexes, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Row history is registered in translation.py, after the translated columns exist.

    class Meta:
        verbose_name = _("texts of the report")
        verbose_name_plural = _("texts of the reports")

    def __str__(self) -> str:
        return f"{self.round_id}"


class Transmission(models.Model):
    """The report of a round sent to parliament: when, to whom, under which document number."""

    round = models.ForeignKey(
        "reporting.Round", on_delete=models.PROTECT, related_name="transmissions", verbose_name=_("round")
    )
    sent_on = models.DateField(_("sent on"))
    recipient = models.CharField(_("sent to"), max_length=200, help_text=_("The chamber: House of Representatives."))
    committee = models.CharField(_("committee"), max_length=200, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "sent_on", "pk"]
        verbose_name = _("transmission to parliament")
        verbose_name_plural = _("transmissions to parliament")

    def __str__(self) -> str:
        return f"{self.round_id} {self.sent_on} {self.recipient}"
