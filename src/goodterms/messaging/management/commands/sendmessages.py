"""`goodterms manage sendmessages`: send queued messages until stopped (`--once`: until none is due)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from goodterms.common.jobloop import job_named, run_jobs
from goodterms.lib import words
from goodterms.messaging import jobs


class Command(BaseCommand):
    help = (
        "Send the messages in the outbox, one at a time; SIGTERM finishes the message in hand and stops. "
        "Example: goodterms manage sendmessages --once"
    )
    # A sending worker needs the database and the mail settings, not the URL and template checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="stop when no message is due")

    def handle(self, *args: Any, **options: Any) -> None:
        loop = run_jobs([job_named(jobs.JOBS, "send messages")], once=options["once"])
        self.stdout.write(
            f"sendmessages: handled {words.plural(loop.handled.get('send messages', 0), 'outbox row')}"
        )
