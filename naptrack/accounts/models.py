from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from naptrack.core.choices import ChoiceLabels
from naptrack.core.roles import Role


class User(ChoiceLabels, AbstractUser):
    department = models.ForeignKey(
        "plans.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text=_("The department (or unit) a focal point reports for."),
    )
    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("plan evaluated"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluators",
        help_text=_("The one plan an evaluator reads and evaluates."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        default="en",
        choices=[("en", "English"), ("fr", "Français"), ("nl", "Nederlands"), ("de", "Deutsch")],
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


class Invitation(models.Model):
    """A one-time link with which an invited person sets their password and activates the account
    a coordinator created for them (inactive, without a usable password, until then).

    As for API tokens, only the SHA-256 hash of the link's key is stored: a copy of the database
    opens nobody's account. A used link keeps its row (`accepted`), so that following it again
    says "already used" rather than "unknown"; a link replaced by a newer one, or cancelled by
    deactivating the account, is deleted."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("user"))
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("invited by")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    expires = models.DateTimeField(_("expires"))
    accepted = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.user} · {self.created:%Y-%m-%d}"
