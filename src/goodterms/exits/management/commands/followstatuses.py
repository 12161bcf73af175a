"""`goodterms manage followstatuses`: bring clients' statuses in line with their exits' dates, once."""

from typing import Any

from django.core.management.base import BaseCommand

from goodterms.exits.jobs import follow_client_statuses_once


class Command(BaseCommand):
    help = "Move clients to ended after their exit's end date, and to alumni once aftercare starts."

    def handle(self, *args: Any, **options: Any) -> None:
        follow_client_statuses_once(force=True)
