"""`goodterms manage followstatuses`: keep clients' statuses in line with their exits' dates."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from goodterms.common.jobloop import run_jobs
from goodterms.exits import jobs


class Command(BaseCommand):
    help = (
        "Move clients to ended after their exit's end date, and to alumni once aftercare starts, every few "
        "minutes until stopped; --once for one pass. Example: goodterms manage followstatuses --once"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then stop")

    def handle(self, *args: Any, **options: Any) -> None:
        run_jobs(jobs.JOBS, once=options["once"])
