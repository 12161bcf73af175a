"""`goodterms manage surveyreminders`: the exit survey's one gentle reminder, alone."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from goodterms.common.jobloop import run_jobs
from goodterms.survey import jobs


class Command(BaseCommand):
    help = (
        "Send the one reminder to people who have not finished their exit survey after "
        "SURVEY_REMINDER_BUSINESS_DAYS business days, until stopped; --once for one pass. "
        "Example: goodterms manage surveyreminders --once"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then stop")

    def handle(self, *args: Any, **options: Any) -> None:
        run_jobs(jobs.JOBS, once=options["once"])
