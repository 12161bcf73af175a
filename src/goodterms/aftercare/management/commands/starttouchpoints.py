"""`goodterms manage starttouchpoints`: give running exits their first keep-in-touch touchpoint."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from goodterms.aftercare import jobs
from goodterms.common.jobloop import run_jobs


class Command(BaseCommand):
    help = (
        "Write the first touchpoint of each running exit that has none, every minute until stopped; --once "
        "for one pass. Example: goodterms manage starttouchpoints --once"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then stop")

    def handle(self, *args: Any, **options: Any) -> None:
        run_jobs((jobs.JOBS[0],), once=options["once"])
