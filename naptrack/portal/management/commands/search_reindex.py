"""Rebuild the public search index of every plan (or of one): for a database that held plans and
published rounds before the search existed. Loading a plan and publishing a round keep it up to
date by themselves. With --queue, one background job per plan is queued instead, for the workers
(naptrack.portal.jobs.search_reindex_job)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from naptrack.plans.models import Plan
from naptrack.portal.search import search_reindex


class Command(BaseCommand):
    help = "Rebuild the public search index of every plan, or of the plan given by its slug."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug", nargs="?", help="only this plan")
        parser.add_argument(
            "--queue",
            action="store_true",
            help="queue a background job per plan for the workers instead of re-indexing here",
        )

    def handle(self, *args, slug: str | None = None, queue: bool = False, **options) -> None:
        plans = Plan.objects.order_by("slug")
        if slug:
            plans = plans.filter(slug=slug)
            if not plans.exists():
                raise CommandError(f"no plan {slug}")
        if queue:
            from naptrack.accounts.system import SystemActor
            from naptrack.portal.jobs import search_reindex_enqueue

            actor = SystemActor("cli:search_reindex")
            for plan in plans:
                job = search_reindex_enqueue(actor=actor, plan=plan)
                self.stdout.write(f"{plan.slug}: job {job.pk} {job.state}")
            return
        for plan in plans:
            self.stdout.write(f"{plan.slug}: {search_reindex(plan)} documents")
