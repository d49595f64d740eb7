from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import connections, models
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet):
    def for_target(self, obj: models.Model) -> AuditEventQuerySet:
        return self.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk))

    def with_actor(self) -> AuditEventQuerySet:
        return self.select_related("actor")

    def matching(
        self,
        *,
        actor: str = "",
        action: str = "",
        since: datetime | None = None,
        before: datetime | None = None,
        target_type: str = "",
        target_id: str = "",
        target_text: str = "",
    ) -> AuditEventQuerySet:
        """The events the audit screen's filters select (each filter left empty selects all), newest
        first. The screen shows only the event's own columns, so nothing more is joined."""
        events = self
        if actor:
            # The name as written at the time: a username, or a process's name such as `cli:alice`.
            events = events.filter(actor_name__icontains=actor)
        if action:
            events = events.filter(action=action)
        if since is not None:
            events = events.filter(occurred_at__gte=since)
        if before is not None:
            events = events.filter(occurred_at__lt=before)
        if target_type:
            events = events.filter(target_type=target_type)
        if target_id:
            events = events.filter(target_id=target_id)
        if target_text:
            events = events.filter(target_repr__icontains=target_text)
        return events.order_by("-occurred_at", "-id")

    def kinds(self) -> tuple[list[str], list[str]]:
        """The actions and the object types present among all events (whatever this queryset's
        filters), for the filters' choices: one query.

        Each is walked on its own index from one value to the next (a recursive query asking for
        the smallest value above the last: one index probe a value), because a DISTINCT reads
        every event, and an installation's years hold hundreds of thousands. The statement is
        fixed: nothing from a request goes into it."""
        table = connections[self.db].ops.quote_name(self.model._meta.db_table)
        sql = f"""
            WITH RECURSIVE
              actions(value) AS (
                SELECT MIN(action) FROM {table}
                UNION ALL
                SELECT (SELECT MIN(action) FROM {table} WHERE action > actions.value)
                FROM actions WHERE actions.value IS NOT NULL
              ),
              types(value) AS (
                SELECT MIN(target_type) FROM {table}
                UNION ALL
                SELECT (SELECT MIN(target_type) FROM {table} WHERE target_type > types.value)
                FROM types WHERE types.value IS NOT NULL
              )
            SELECT 'action', value FROM actions WHERE value IS NOT NULL
            UNION ALL
            SELECT 'type', value FROM types WHERE value IS NOT NULL AND value <> ''
        """
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql)
            rows = cursor.fetchall()
        return [v for kind, v in rows if kind == "action"], [v for kind, v in rows if kind == "type"]


class AuditEvent(models.Model):
    """One business action: who did what to which object, when, with what before and after.

    Written explicitly by services (never by signals), so that its name says what the person
    meant ("plans.plan.loaded") rather than which rows happened to change.
    """

    occurred_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept apart from the foreign key so the entry still says who it was if the user is removed.
    actor_name = models.CharField(_("who (name)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=100)
    target_type = models.CharField(_("object type"), max_length=100, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=300, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            # An action's newest event is one probe (the public stamp asks it of each public
            # action); the filters walk the actions on it too. Its first column serves as the
            # index on the action alone that it replaced.
            models.Index(fields=["action", "id"], name="audit_action_newest"),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action} {self.target_repr}"
