"""The client's status follows its exit: ending, ended after the end date, alumni once aftercare starts."""

from __future__ import annotations

from datetime import date, timedelta

from goodterms.clients.models import Client
from goodterms.exits import jobs, services
from tests.exits.conftest import start_for

TODAY = date.today()  # noqa: DTZ011


def _status(client: Client) -> str:
    client.refresh_from_db()
    return client.status


def test_status_moves_from_ending_to_ended_to_alumni(acme, alice):
    exit_ = start_for(acme, alice, notice_date=TODAY - timedelta(days=60), end_date=TODAY - timedelta(days=1))
    assert _status(acme) == Client.Status.ENDED  # the service followed at once: the end date is past
    Client.objects.filter(pk=acme.pk).update(status=Client.Status.ENDING)
    first_aftercare = min(s.due for s in exit_.steps.filter(phase="aftercare"))
    services.client_statuses_follow(today=TODAY)
    assert _status(acme) == Client.Status.ENDED
    services.client_statuses_follow(today=first_aftercare)
    assert _status(acme) == Client.Status.ALUMNI
    services.client_statuses_follow(today=first_aftercare + timedelta(days=1))
    assert _status(acme) == Client.Status.ALUMNI  # nothing moves backwards


def test_a_running_exit_before_its_end_keeps_the_client_ending(acme, alice):
    start_for(acme, alice)
    assert jobs.client_statuses_follow() is False
    assert _status(acme) == Client.Status.ENDING


def test_a_cancelled_exit_leaves_the_client_alone(acme, alice):
    exit_ = start_for(acme, alice, notice_date=TODAY - timedelta(days=60), end_date=TODAY - timedelta(days=1))
    services.exit_cancel(exit_=exit_, user=alice)
    services.client_statuses_follow(today=TODAY + timedelta(days=365))
    assert _status(acme) == Client.Status.ACTIVE


def test_the_worker_runs_it(settings):
    from goodterms.cli.worker import job_table

    assert jobs.client_statuses_follow in [job.run for job in job_table()]
