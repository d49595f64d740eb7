"""Rebuild the public search index of every plan (or of one): for a database that held plans and
published rounds before the search existed. Loading a plan and publishing a round keep it up to
date by themselves."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from naptrack.plans.models import Plan
from naptrack.portal.search import search_reindex


class Command(BaseCommand):
    help = "Rebuild the public search index of every plan, or of the plan given by its slug."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug", nargs="?", help="only this plan")

    def handle(self, *args, slug: str | None = None, **options) -> None:
        plans = Plan.objects.order_by("slug")
        if slug:
            plans = plans.filter(slug=slug)
            if not plans.exists():
                raise CommandError(f"no plan {slug}")
        for plan in plans:
            self.stdout.write(f"{plan.slug}: {search_reindex(plan)} documents")
