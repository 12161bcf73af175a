"""A date in the past or far ahead is kept only once confirmed: the exit's dates, a step moved, a meeting,
and "Client since". The first save names the field and writes nothing; the second, ticked, keeps it."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse

from goodterms.clients.models import Client
from goodterms.exits.models import Exit
from tests.exits.conftest import start_for

TODAY = date.today()  # noqa: DTZ011
CONFIRM = "Yes, these dates are right"


def _start(**overrides: str) -> dict[str, str]:
    data = {
        "initiated_by": "me",
        "reason": "capacity",
        "notice_date": TODAY.isoformat(),
        "end_date": (TODAY + timedelta(days=40)).isoformat(),
        "feeling": "smooth",
        "playbook": "",
    }
    data.update(overrides)
    return data


def test_a_notice_date_in_the_past_asks_first(web_alice, acme):
    past = TODAY - timedelta(days=20)
    url = reverse("exits:start", args=[acme.pk])
    page = web_alice.post(url, _start(notice_date=past.isoformat()))
    assert page.status_code == 200
    text = page.content.decode()
    assert "The notice date is in the past" in text
    assert 'type="checkbox" name="dates_confirmed"' in text
    assert not Exit.objects.filter(client=acme).exists()
    response = web_alice.post(url, _start(notice_date=past.isoformat(), dates_confirmed="on"))
    assert response.status_code == 302
    assert Exit.objects.get(client=acme).notice_date == past


def test_a_last_day_years_ahead_asks_first(web_alice, acme):
    far = TODAY + timedelta(days=3 * 365)
    page = web_alice.post(reverse("exits:start", args=[acme.pk]), _start(end_date=far.isoformat()))
    assert "The last day is more than two years ahead" in page.content.decode()
    assert not Exit.objects.filter(client=acme).exists()


def test_an_unchanged_past_date_on_the_change_form_is_not_asked_again(web_alice, acme, alice):
    exit_ = start_for(acme, alice, notice_date=TODAY - timedelta(days=10))
    data = _start(
        notice_date=exit_.notice_date.isoformat(), end_date=(TODAY + timedelta(days=50)).isoformat()
    )
    response = web_alice.post(reverse("exits:edit", args=[exit_.pk]), data)
    assert response.status_code == 302
    exit_.refresh_from_db()
    assert exit_.end_date == TODAY + timedelta(days=50)


def test_moving_a_step_into_the_past_asks_first(web_alice, acme, alice):
    exit_ = start_for(acme, alice)
    step = exit_.steps.filter(done_on__isnull=True).exclude(channel__in=["call", "meeting"]).first()
    assert step is not None
    url = reverse("exits:step-move", args=[exit_.pk, step.pk])
    past = TODAY - timedelta(days=3)
    page = web_alice.post(url, {"due": past.isoformat()})
    assert page.status_code == 200
    assert "The new date is in the past" in page.content.decode()
    step.refresh_from_db()
    assert step.moved_to is None
    web_alice.post(url, {"due": past.isoformat(), "dates_confirmed": "on"})
    step.refresh_from_db()
    assert step.moved_to == past


def test_client_since_in_the_future_asks_first(web_alice, org_a):
    data = {"name": "Future Co", "status": "active", "start_date": "2031-05-01", "tags": "", "notes": ""}
    page = web_alice.post(reverse("clients:create"), data)
    assert page.status_code == 200
    assert "“Client since” is in the future (Thursday 1 May 2031)." in page.content.decode()
    assert not Client.objects.filter(name="Future Co").exists()
    web_alice.post(reverse("clients:create"), {**data, "dates_confirmed": "on"})
    assert Client.objects.get(name="Future Co").start_date == date(2031, 5, 1)
