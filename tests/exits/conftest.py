"""An exit in progress for Acme (org A): Alice ends it for fit; a deliverable and an invoice are open."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from goodterms.accounts.models import User
from goodterms.clients.models import Client
from goodterms.exits import services
from goodterms.exits.models import Exit


def start_for(client: Client, user: User, **overrides: object) -> Exit:
    today = date.today()  # noqa: DTZ011 (plans are in days)
    facts: dict[str, object] = {
        "initiated_by": "me",
        "reason": "fit",
        "notice_date": today,
        "end_date": today + timedelta(days=45),
        "money_affected": False,
        "feeling": "smooth",
        "deliverables": ("Final design files",),
        "invoices": ("Invoice 2026-014",),
    }
    facts.update(overrides)
    return services.exit_start(client=client, user=user, start=services.ExitStart(**facts))  # type: ignore[arg-type]


@pytest.fixture
def acme_exit(acme: Client, alice: User) -> Exit:
    return start_for(acme, alice)
