"""`goodterms manage senddigests`: each user's daily digest, once a day at their time."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from goodterms.aftercare import jobs
from goodterms.common.jobloop import run_jobs


class Command(BaseCommand):
    help = (
        "Email each user what is due today, once a day at the time they chose, until stopped; --once for "
        "one pass. Example: goodterms manage senddigests --once"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then stop")

    def handle(self, *args: Any, **options: Any) -> None:
        run_jobs((jobs.JOBS[2],), once=options["once"])
