"""Reads of frameworks, requests, answers and targeted questions, each owning its prefetching so
that a screen's query count does not grow with the data."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q


class FrameworkQuerySet(models.QuerySet):
    def with_counts(self) -> FrameworkQuerySet:
        return self.annotate(
            n_questions=Count("questions", distinct=True),
            n_mapped=Count("questions", filter=Q(questions__mappings__isnull=False), distinct=True),
            n_requests=Count("requests", distinct=True),
        )


class RequestQuerySet(models.QuerySet):
    def with_progress(self) -> RequestQuerySet:
        """Each request with its completeness: questions, answers written, flagged answers, and
        the last version sent (0 when none was)."""
        return self.select_related("framework", "handler").annotate(
            n_questions=Count("answers", distinct=True),
            n_answered=Count(
                "answers",
                filter=~Q(answers__text="") | Q(answers__total__isnull=False) | Q(answers__yes__isnull=False),
                distinct=True,
            ),
            n_flagged=Count("answers", filter=Q(answers__flagged=True), distinct=True),
            n_sent=Count("dispatches", distinct=True),
        )

    def overdue(self, today: dt.date) -> RequestQuerySet:
        """Due before today and never sent."""
        from naptrack.international.models import Dispatch

        sent = Dispatch.objects.filter(request=OuterRef("pk"))
        return self.filter(due_on__lt=today).exclude(Exists(sent))

    def published(self) -> RequestQuerySet:
        return self.filter(visibility="public")

    def answered_in(self, year: int) -> RequestQuerySet:
        """Requests a version of whose answers was sent during the year (the report to parliament
        lists them)."""
        return self.filter(dispatches__sent_on__year=year).distinct().select_related("framework")

    def mapped_to_action(self, action) -> RequestQuerySet:
        return self.filter(
            Q(framework__questions__mappings__action=action)
            | Q(framework__questions__mappings__instrument__action=action)
        ).distinct()


class AnswerQuerySet(models.QuerySet):
    def for_pack(self) -> AnswerQuerySet:
        """A request's answers in its questions' order, with what each screen and export shows."""
        from naptrack.international.models import TargetedQuestion

        return (
            self.select_related("question", "updated_by")
            .prefetch_related(
                Prefetch(
                    "targeted_questions",
                    queryset=TargetedQuestion.objects.select_related("department").order_by("department__code"),
                )
            )
            .order_by("question__position")
        )


class TargetedQuestionQuerySet(models.QuerySet):
    def readable_by(self, user) -> TargetedQuestionQuerySet:
        """Coordinators and readers read every targeted question; a focal point those put to their
        own department and its units; nobody else any."""
        from naptrack.accounts.rules import department_ids
        from naptrack.core.roles import is_coordinator, is_focal_point, is_reader

        if is_coordinator(user) or is_reader(user):
            return self
        if not is_focal_point(user):
            return self.none()
        return self.filter(department_id__in=department_ids(user))

    def for_list(self) -> TargetedQuestionQuerySet:
        return self.select_related("department", "answer__question", "answer__request__framework").order_by(
            "due_on", "pk"
        )

    def open(self) -> TargetedQuestionQuerySet:
        return self.filter(state__in=("draft", "returned"))
