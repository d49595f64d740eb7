"""Reads of the plan. Each QuerySet method owns its prefetching, so a page that uses it makes the
same number of queries whatever the size of the plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PlanQuerySet(models.QuerySet):
    def current(self):
        """The plan shown at the site root: the one named by NAPTRACK_DEFAULT_PLAN, else the most
        recent by period; never a draft, which is no one's current plan until it is adopted. None
        when the installation holds no adopted plan."""
        adopted = self.adopted()
        if settings.DEFAULT_PLAN:
            plan = adopted.filter(slug=settings.DEFAULT_PLAN).first()
            if plan is not None:
                return plan
        return adopted.order_by("-period_end", "-period_start", "slug").first()

    def adopted(self) -> PlanQuerySet:
        """Plans the public may see: a draft (a successor being prepared) stays internal."""
        return self.filter(state="adopted")

    def visible_to(self, user) -> PlanQuerySet:
        """The plans this person may see: drafts only for those who prepare them."""
        return self if user.has_perm("plans.view_draft") else self.adopted()

    def with_departments(self) -> PlanQuerySet:
        from naptrack.plans.models import PlanDepartment

        return self.prefetch_related(
            models.Prefetch(
                "plan_departments",
                queryset=PlanDepartment.objects.select_related("department__parent").order_by("position"),
            )
        )


def _responsibilities(to_attr: str | None = None) -> models.Prefetch:
    from naptrack.plans.models import Responsibility

    return models.Prefetch(
        "responsibilities",
        queryset=Responsibility.objects.select_related("department").order_by("position"),
        to_attr=to_attr,
    )


def _instruments_in_position() -> models.Prefetch:
    """A line's instruments as a list (`tree_instruments`), in position: their default order
    joins the line's plan and goal."""
    from naptrack.plans.models import Instrument

    return models.Prefetch("instruments", queryset=Instrument.objects.order_by("position"), to_attr="tree_instruments")


class ObjectiveQuerySet(models.QuerySet):
    def with_tree(self) -> ObjectiveQuerySet:
        """Objectives with their goals (`tree_goals`), lines of action (`tree_actions`) and
        responsible departments (`tree_responsibilities`), as lists (Prefetch's to_attr, as
        with_full_tree and for its reason: a queryset made for each of the plan's objects to hold
        its cache, and another at each .all(), were a tenth of the plan's page)."""
        from naptrack.plans.models import Action, Goal

        # Retired lines stay, with the version that retired them: the portal shows them as retired.
        actions = (
            Action.objects.order_by("position")
            .select_related("retired_in")
            .prefetch_related(_responsibilities(to_attr="tree_responsibilities"))
        )
        goals = Goal.objects.order_by("number").prefetch_related(
            models.Prefetch("actions", queryset=actions, to_attr="tree_actions")
        )
        return self.order_by("number").prefetch_related(models.Prefetch("goals", queryset=goals, to_attr="tree_goals"))

    def with_full_tree(self) -> ObjectiveQuerySet:
        """The whole tree in force down to instruments and notes: what an export needs. Lines and
        instruments an amendment retired are left out: the plan file says what is asked now.

        Each level is a list in a `tree_*` attribute (Prefetch's to_attr) rather than a related
        manager's cache: Django makes a queryset for every object a manager's cache is put on, and
        for the five hundred objects of a plan that was a fifth of the API's plan document."""
        from naptrack.plans.models import Action, Goal, Instrument

        # Targets joined, their milestones read only when the plan has targets: no query more for
        # a plan without.
        instruments = (
            Instrument.objects.filter(retired_in__isnull=True)
            .select_related("target")
            .prefetch_related("target__milestones")
        )
        actions = (
            Action.objects.filter(retired_in__isnull=True)
            .order_by("position")
            .prefetch_related(
                _responsibilities(to_attr="tree_responsibilities"),
                models.Prefetch("instruments", queryset=instruments, to_attr="tree_instruments"),
                models.Prefetch("notes", to_attr="tree_notes"),
            )
        )
        goals = Goal.objects.order_by("number").prefetch_related(
            models.Prefetch("actions", queryset=actions, to_attr="tree_actions")
        )
        return self.order_by("number").prefetch_related(models.Prefetch("goals", queryset=goals, to_attr="tree_goals"))

    def with_texts(self) -> ObjectiveQuerySet:
        """Objectives with their goals (`tree_goals`), lines (`tree_actions`), notes (`tree_notes`)
        and instruments (`tree_instruments`): every translatable text below the plan, without the
        departments a text does not need. Lists, as with_full_tree's and for its reason (the
        translations' overview: 126,908 -> 83,687 Python calls)."""
        from naptrack.plans.models import Action, Goal, Note

        actions = Action.objects.order_by("position").prefetch_related(
            _instruments_in_position(),
            models.Prefetch("notes", queryset=Note.objects.order_by("position"), to_attr="tree_notes"),
        )
        goals = Goal.objects.order_by("number").prefetch_related(
            models.Prefetch("actions", queryset=actions, to_attr="tree_actions")
        )
        return self.order_by("number").prefetch_related(models.Prefetch("goals", queryset=goals, to_attr="tree_goals"))


class ActionQuerySet(models.QuerySet):
    def of_adopted_plans(self) -> ActionQuerySet:
        """Lines of adopted plans: what a picker offers people who may not see a draft."""
        return self.filter(plan__state="adopted")

    def in_force(self) -> ActionQuerySet:
        """Lines no amendment has retired: what a round opened now asks for."""
        return self.filter(retired_in__isnull=True)

    def in_plan_order(self) -> ActionQuerySet:
        return self.order_by("goal__number", "position")

    def with_context(self) -> ActionQuerySet:
        """Lines with the goal and objective they sit under and their departments."""
        return self.select_related("goal__objective", "plan").prefetch_related(_responsibilities())

    def with_instruments(self) -> ActionQuerySet:
        """Lines with their instruments in position (`tree_instruments`, a list, as with_texts'):
        what the coordinator's list of kinds of answer shows."""
        return self.prefetch_related(_instruments_in_position())

    def with_detail(self) -> ActionQuerySet:
        """A line with everything its page shows, retired instruments with the amendment that
        retired them (joined: no query more)."""
        from naptrack.plans.models import Instrument

        instruments = Instrument.objects.select_related("retired_in").order_by("position")
        return (
            self.with_context()
            .select_related("retired_in")
            .prefetch_related(models.Prefetch("instruments", queryset=instruments), "notes")
        )


class DepartmentQuerySet(models.QuerySet):
    def with_parent(self) -> DepartmentQuerySet:
        return self.select_related("parent")
