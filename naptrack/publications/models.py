"""The report to parliament as published: one stored file per language and format, written when
the round is published and served to everyone from then on."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from naptrack.publications.queries import PublishedReportQuerySet


def report_path(instance: PublishedReport, filename: str) -> str:
    return f"reports/{instance.round_id}/{filename}"


class PublishedReport(models.Model):
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
