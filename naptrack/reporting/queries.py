"""Reads of rounds and contributions; each method owns its prefetching so that lists and
dashboards make a fixed number of queries whatever the number of contributions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

if TYPE_CHECKING:
    from naptrack.plans.models import Action, Department
    from naptrack.reporting.models import Contribution, Round


def _per_state() -> dict[str, Count]:
    """The number of contributions in each state, under the names with_counts() gives them.

    Counted as COUNT(*) and COUNT(state), never COUNT(id): every column counted is then in the
    (round, state) index, which PostgreSQL reads alone (an index-only scan) instead of fetching
    each contribution's row for its id (a page of twenty rounds: 3.3 -> 1.4 ms at 100 x 10)."""
    from naptrack.reporting.models import Contribution

    states = Contribution.State.values
    return {f"n_{state.replace('-', '_')}": Count("state", filter=Q(state=state)) for state in states}


def counts_attach(rounds: list) -> list:
    """Sets with_counts()'s numbers on rounds already read, counted by one query grouped on the
    (round, state) index: for a page of rounds, cheaper than with_counts()'s subquery per round
    and state, and the rounds' own query stays a plain one (the API's rounds, twenty a page)."""
    from naptrack.reporting.models import Contribution

    counts = Contribution.objects.filter(round_id__among=[r.pk for r in rounds]).counts_by_round()
    nothing = {"n_contributions": 0, **dict.fromkeys(_per_state(), 0)}
    for round_ in rounds:
        for name, value in counts.get(round_.pk, nothing).items():
            setattr(round_, name, value)
    return rounds


class RoundQuerySet(models.QuerySet):
    def with_counts(self) -> RoundQuerySet:
        """Each round with its number of contributions per state. Each is counted on the
        (round, state) index by a subquery: a join grouped by round would group by every column
        of the round, its texts in each language included (35 ms for a page of thirty rounds of
        two hundred contributions, against 5 ms). n_contributions counts them all, whatever the
        state."""
        from naptrack.reporting.models import Contribution

        def counted(**state: str) -> Coalesce:
            of_state = Contribution.objects.filter(round=OuterRef("pk"), **state).order_by()
            return Coalesce(Subquery(of_state.values("round").annotate(n=Count("*")).values("n")), 0)

        annotations = {f"n_{state.replace('-', '_')}": counted(state=state) for state in Contribution.State.values}
        return self.annotate(n_contributions=counted(), **annotations)

    def visible_to(self, user) -> RoundQuerySet:
        """Staff see every round; an evaluator their plan's (and only those); others the published."""
        from naptrack.core.roles import is_evaluator, is_staff_member

        if is_staff_member(user):
            return self
        if is_evaluator(user):
            return self.filter(plan_id=user.plan_id)
        return self.filter(state="published")


PUBLISHED_ONCE = {"state": "approved", "visibility": "public", "round__state": "published"}


def public_lookups(prefix: str = "") -> dict[str, Any]:
    """ContributionQuerySet.public's conditions, from a model that reaches its contribution
    through `prefix` ("contribution__" from a measurement): one definition of what is public."""
    return {f"{prefix}{name}": value for name, value in {**PUBLISHED_ONCE, "withdrawn_at__isnull": True}.items()}


class Listed(NamedTuple):
    """A contribution named in a list of the round dashboard (overdue, waiting for review): the
    columns its row shows, and its department, one of the page's own."""

    pk: int
    code: str
    state: str
    department_id: int
    department: Department
    submitted_at: datetime | None
    submitted_by: str | None


class ContributionQuerySet(models.QuerySet):
    def listed(self, departments: dict[int, Department]) -> list[Listed]:
        """The contributions as Listed rows, read as columns and in this queryset's order, their
        departments taken from `departments` (by id; one more query for any not in it): a round's
        hundred contributions read as models, each with its line, goal, objective, department and
        round, cost the dashboard a quarter of its time."""
        from django.contrib.auth import get_user_model

        from naptrack.plans.models import Department

        submitter = f"submitted_by__{get_user_model().USERNAME_FIELD}"
        rows = list(self.values_list("pk", "action__code", "state", "department_id", "submitted_at", submitter))
        unknown = {row[3] for row in rows} - departments.keys()
        if unknown:
            departments = {**departments, **Department.objects.in_bulk(unknown)}
        return [
            Listed(pk, code, state, department_id, departments[department_id], submitted_at, submitted_by)
            for pk, code, state, department_id, submitted_at, submitted_by in rows
        ]

    def with_context(self) -> ContributionQuerySet:
        return self.select_related("action__goal__objective", "department__parent", "round__plan")

    def with_detail(self) -> ContributionQuerySet:
        """One contribution's page, form or workbook row: everything it shows, and whether its round
        was opened under a plan version amended since (its texts are then the version's)."""
        from naptrack.plans.models import PlanVersion
        from naptrack.reporting.models import Measurement

        newer = PlanVersion.objects.filter(
            plan_id=models.OuterRef("round__plan_id"), number__gt=models.OuterRef("round__plan_version__number")
        )
        return (
            self.with_context()
            .annotate(round_superseded=models.Exists(newer))
            .prefetch_related(
                models.Prefetch(
                    "measurements",
                    queryset=Measurement.objects.select_related("instrument").prefetch_related("countries"),
                ),
                "evidence",
                "action__instruments",
            )
            .select_related("submitted_by", "returned_by", "approved_by", "updated_by")
        )

    def of_line(self, action: Action, rounds: list[Round]) -> list[Contribution]:
        """The contributions to `action` in `rounds`, all rounds at once and unordered, with what
        with_detail() gives them (measurements, evidence, who did what, round_superseded); the
        line (from Action.objects.with_detail(): its goal, objective and instruments) and the
        rounds attached rather than joined. Joined, with the joins of the contributions' default
        order, they made a query of fourteen tables and two hundred columns, once a round, that
        Django took as long to write as PostgreSQL to plan (6-7 ms); the people who acted on them
        are still joined, so that the page's queries are as many whether anyone has or not. The
        line is the caller's, shared by every contribution: not for texts_as_asked(), which would
        put a superseded version's texts on it for all of them."""
        from naptrack.plans.models import PlanVersion
        from naptrack.reporting.models import Measurement

        people = ("submitted_by", "returned_by", "approved_by", "updated_by")
        by_id = {r.pk: r for r in rounds}
        found = list(
            self.filter(action=action, round_id__in=list(by_id))
            .order_by()
            .select_related("department__parent", *people)
            .prefetch_related(
                models.Prefetch(
                    "measurements",
                    queryset=Measurement.objects.select_related("instrument").prefetch_related("countries"),
                ),
                "evidence",
            )
        )
        if not found:
            return found
        numbers = dict(PlanVersion.objects.filter(plan_id=action.plan_id).values_list("pk", "number"))
        newest = max(numbers.values(), default=None)
        for c in found:
            round_ = c.round = by_id[c.round_id]
            number = numbers.get(round_.plan_version_id)
            c.round_superseded = number is not None and number < newest
            c.action = action
        return found

    def in_plan_order(self) -> ContributionQuerySet:
        return self.order_by("action__goal__number", "action__position", "department__code")

    def for_departments(self, departments) -> ContributionQuerySet:
        return self.filter(department__in=departments)

    def rows_per_round(self, rows: dict[int, tuple[int, int]]) -> ContributionQuerySet:
        """Rows `first` to `last` (from 1, in plan order) of each round `{round_id: (first, last)}`:
        one page of each round's contributions in one query, however many rounds are open."""
        from django.db.models import F, Window
        from django.db.models.functions import RowNumber

        if not rows:
            return self.none()
        numbered = self.annotate(
            row=Window(
                RowNumber(),
                partition_by=[F("round_id")],
                order_by=[F("action__goal__number"), F("action__position"), F("department__code"), F("pk")],
            )
        )
        wanted = Q()
        for round_id, (first, last) in rows.items():
            wanted |= Q(round_id=round_id, row__gte=first, row__lte=last)
        return numbered.filter(wanted)

    def needing_attention(self, near_round_ids, drafts_shown: int) -> ContributionQuerySet:
        """What a focal point's work list puts first: every contribution returned for revision, and
        the first `drafts_shown` drafts (in plan order) of each round in `near_round_ids`, those
        due soon. One query, however many drafts: the list below holds them all."""
        from django.db.models import F, Window
        from django.db.models.functions import RowNumber

        numbered = self.filter(Q(state="returned") | Q(state="draft", round_id__in=near_round_ids)).annotate(
            row=Window(
                RowNumber(),
                partition_by=[F("round_id"), F("state")],
                order_by=[F("action__goal__number"), F("action__position"), F("department__code"), F("pk")],
            )
        )
        return numbered.filter(Q(state="returned") | Q(row__lte=drafts_shown))

    def waiting_for_review(self) -> ContributionQuerySet:
        """Submitted, neither approved nor returned yet, in the order of the round dashboard's
        review queue (the plan's)."""
        return self.filter(state="submitted").in_plan_order()

    def next_waiting(self, action, department_code: str | None = None):
        """The contribution the coordinator reviews next: the first waiting for review after
        `action` in the queue's order (after its contribution of `department_code`, or else after
        the whole line, whose page shows them all), wrapping round to the queue's start; None when
        nothing else waits. One query."""
        from django.db.models import Case, IntegerField, Value, When

        goal, position = action.goal.number, action.position
        after = Q(action__goal__number__gt=goal) | Q(action__goal__number=goal, action__position__gt=position)
        queue = self.filter(state="submitted")
        if department_code is None:
            queue = queue.exclude(action_id=action.pk)
        else:
            after |= Q(action_id=action.pk, department__code__gt=department_code)
        wraps = Case(When(after, then=Value(0)), default=Value(1), output_field=IntegerField())
        return (
            queue.annotate(wraps=wraps)
            .select_related("action", "department")
            .order_by("wraps", "action__goal__number", "action__position", "department__code")
            .first()
        )

    def readable_by(self, user) -> ContributionQuerySet:
        """What the person may read, in SQL: the same rule as reporting.rules.can_read_contribution.
        Coordinators and readers read everything; an evaluator everything of their plan; a focal
        point their own department's and its units' contributions in any state, another
        department's once approved and public."""
        from naptrack.accounts.rules import department_ids
        from naptrack.core.roles import is_coordinator, is_evaluator, is_focal_point, is_reader

        if is_coordinator(user) or is_reader(user):
            return self
        if is_evaluator(user):
            return self.filter(round__plan_id=user.plan_id)
        if not is_focal_point(user):
            return self.none()
        shared = Q(state="approved", visibility="public")
        return self.filter(Q(department_id__in=department_ids(user)) | shared)

    def missing(self) -> ContributionQuerySet:
        """Not yet handed in: still draft or returned for revision."""
        return self.filter(state__in=("draft", "returned"))

    def published_once(self) -> ContributionQuerySet:
        """What was published, withdrawn contributions included: a public page shows a withdrawn
        one's note in its place, never its content (naptrack.portal.queries)."""
        return self.filter(**PUBLISHED_ONCE)

    def public(self) -> ContributionQuerySet:
        """What may leave the building: approved, public, in a published round, not withdrawn."""
        return self.filter(**public_lookups())

    def counts_by_round(self) -> dict[int, dict[str, int]]:
        """Per round id, its number of contributions and the number in each state, named as
        RoundQuerySet.with_counts() names them (n_contributions, n_draft, ...): one query."""
        rows = self.order_by().values("round_id").annotate(n_contributions=Count("*"), **_per_state())
        return {row.pop("round_id"): row for row in rows}

    def counts_by_department(self):
        """Per department (code), the number of contributions and the number in each state, as
        dicts like RoundQuerySet.with_counts() names them (n_contributions, n_draft, ...): one query."""
        return (
            self.values("department__code")
            .annotate(n_contributions=Count("*"), **_per_state())
            .order_by("department__code")
        )


def instruments_asked(contribution) -> list:
    """The instruments of a contribution's line that its round asks for: the plan's version the
    round opened under says which (an instrument added or retired by a later amendment is not
    this round's). Reads the line's instruments, prefetched or not, and no more."""
    from naptrack.plans.versions import asked

    return asked(contribution.action.instruments.all(), contribution.round.plan_version_id, version_shown(contribution))


def version_shown(contribution):
    """The plan version whose texts a contribution shows: its round's, when an amendment has
    superseded it (ContributionQuerySet.with_detail says so, one query more then); else None,
    the plan as it stands."""
    if not getattr(contribution, "round_superseded", False):
        return None
    return contribution.round.plan_version


def texts_as_asked(contribution) -> None:
    """The line, goal and objective of a contribution with the texts its round asked them in (in
    memory), when an amendment has changed them since."""
    from naptrack.plans.versions import put_texts

    version = version_shown(contribution)
    if version is not None:
        for obj in (contribution.action, contribution.action.goal, contribution.action.goal.objective):
            put_texts(obj, version)
