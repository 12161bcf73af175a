"""A former client: Alice's exit from Acme ended 40 days ago, with nothing left open."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from goodterms.accounts.models import User
from goodterms.clients.models import Client
from goodterms.exits.models import Exit
from tests.exits.conftest import start_for


def ended_exit(client: Client, user: User, *, days_ago: int = 40, **overrides: object) -> Exit:
    today = date.today()  # noqa: DTZ011 (plans are in days)
    facts: dict[str, object] = {
        "notice_date": today - timedelta(days=days_ago + 60),
        "end_date": today - timedelta(days=days_ago),
        "deliverables": (),
        "invoices": (),
    }
    facts.update(overrides)
    exit_ = start_for(client, user, **facts)
    Exit.objects.filter(pk=exit_.pk).update(owner=user)
    exit_.refresh_from_db()
    return exit_


@pytest.fixture
def former(acme: Client, alice: User) -> Exit:
    return ended_exit(acme, alice)
