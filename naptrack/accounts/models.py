from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from naptrack.core.roles import Role


class User(AbstractUser):
    department = models.ForeignKey(
        "plans.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text=_("The department (or unit) a focal point reports for."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        default="en",
        choices=[("en", "English"), ("fr", "Français"), ("nl", "Nederlands")],
        help_text=_("The language of the e-mails naptrack sends this person."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def role(self) -> str | None:
        # Read from the prefetched groups when a list has prefetched them, to keep lists at a
        # fixed number of queries.
        names = {g.name for g in self.groups.all()}
        for role in Role:
            if role.value in names:
                return role.value
        return None
