"""`goodterms manage touchpointsdue`: draft the check-ins of touchpoints that have come due."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from goodterms.aftercare import jobs
from goodterms.common.jobloop import run_jobs


class Command(BaseCommand):
    help = (
        "Draft the check-in of each touchpoint that is due (never sent: you send it) and write the next "
        "touchpoint, until stopped; --once for one pass. Example: goodterms manage touchpointsdue --once"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then stop")

    def handle(self, *args: Any, **options: Any) -> None:
        run_jobs((jobs.JOBS[1],), once=options["once"])
