"""`goodterms manage sendmessages`: send queued messages until stopped (`--once`: until none is due)."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from goodterms.messaging.jobs import send_messages_once

IDLE_SECONDS = 2.0


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
        stop = False

        def request_stop(signum: int, _frame: object) -> None:
            nonlocal stop
            stop = True

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        sent = 0
        while not stop:
            if send_messages_once():
                sent += 1
                continue
            if options["once"]:
                break
            deadline = time.monotonic() + IDLE_SECONDS
            while not stop and time.monotonic() < deadline:
                time.sleep(min(0.2, IDLE_SECONDS))
        self.stdout.write(f"sendmessages: handled {sent} outbox row(s)")
