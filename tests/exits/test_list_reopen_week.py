"""The exits list (client and playbook names, score, search, tabs that do not overlap), cancelling after a
confirmation, reopening a cancelled exit, and ticking steps off from This week."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.urls import reverse

from goodterms.accounts.models import User
from goodterms.clients.models import Client, Contact
from goodterms.exits import selectors, services
from goodterms.exits.models import Exit, ExitEvent
from tests.exits.conftest import start_for

TODAY = date.today()  # noqa: DTZ011 (plans are in days)


def _client(org_a, name: str, contact: str = "") -> Client:
    client = Client.objects.create(organization=org_a, name=name)
    if contact:
        Contact.objects.create(organization=org_a, client=client, name=contact, email=f"{name[:3]}@x.example")
    return client


@pytest.fixture
def three_exits(org_a, acme, alice: User) -> dict[str, Exit]:
    running = start_for(acme, alice)
    ended = start_for(
        _client(org_a, "Beta Works", "Gina Green"),
        alice,
        notice_date=TODAY - timedelta(days=60),
        end_date=TODAY - timedelta(days=5),
    )
    cancelled = start_for(_client(org_a, "Cobalt Labs", "Hank Hill"), alice)
    services.exit_cancel(exit_=cancelled, user=alice)
    return {"running": running, "ended": ended, "cancelled": cancelled}


def _names(page: str) -> set[str]:
    return {name for name in ("Acme Corp", "Beta Works", "Cobalt Labs") if name in page}


def test_each_exit_is_in_exactly_one_tab_with_counts(web_alice, three_exits):
    seen: dict[str, set[str]] = {}
    for tab in ("running", "ended", "cancelled"):
        page = web_alice.get(reverse("exits:list"), {"state": tab}).content.decode()
        seen[tab] = _names(page.split("</nav>", 2)[-1])  # the rows, after the tabs
        assert "Running (1)" in page and "Ended (1)" in page and "Cancelled (1)" in page
    assert seen == {"running": {"Acme Corp"}, "ended": {"Beta Works"}, "cancelled": {"Cobalt Labs"}}


def test_the_list_shows_playbook_titles_and_the_score(web_alice, three_exits):
    exit_ = three_exits["running"]
    page = web_alice.get(reverse("exits:list")).content.decode()
    book = selectors.playbook_titles()[exit_.playbook_id]
    assert book in page.replace("&#x27;", "'").replace("&quot;", '"')
    assert f"<td>{exit_.playbook_id}</td>" not in page
    detail = selectors.exit_page(exit_=exit_)
    assert f"{detail.score.percent}%" in page
    assert f"({detail.score.met} of {detail.score.applicable})" in page
    assert '<th scope="col">Score</th>' in page


def test_search_finds_a_client_by_its_name_or_a_contacts(web_alice, three_exits):
    by_contact = web_alice.get(reverse("exits:list"), {"state": "ended", "q": "gina"}).content.decode()
    assert "Beta Works" in by_contact
    by_name = web_alice.get(reverse("exits:list"), {"state": "running", "q": "acme"}).content.decode()
    assert "Acme Corp" in by_name and "Running (1)" in by_name and "Ended (0)" in by_name
    # The tabs keep the search.
    assert "?state=ended&amp;q=acme" in by_name
    none = web_alice.get(reverse("exits:list"), {"q": "nobody-called-this"}).content.decode()
    assert "No running exit matches this search." in none
    assert 'href="?state=running">Show every running exit</a>' in none


def test_pagination_keeps_the_tab_and_the_search(web_alice, org_a, alice, monkeypatch):
    monkeypatch.setattr(selectors, "EXITS_PAGE_SIZE", 2)
    for n in range(3):
        start_for(_client(org_a, f"Delta {n}"), alice)
    page = web_alice.get(reverse("exits:list"), {"q": "delta"}).content.decode()
    assert "Page 1 of 2 (3 exits)" in page
    assert "?state=running&amp;q=delta&amp;page=2" in page
    second = web_alice.get(reverse("exits:list"), {"q": "delta", "page": 2}).content.decode()
    assert "Page 2 of 2" in second


def test_empty_list_links_to_the_clients(web_alice, org_a):
    page = web_alice.get(reverse("exits:list")).content.decode()
    assert f'No exits yet. To plan an ending, <a href="{reverse("clients:list")}">open a client</a>' in page


def test_cancel_asks_first_and_a_get_writes_nothing(web_alice, acme_exit):
    page = web_alice.get(reverse("exits:cancel", args=[acme_exit.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Cancel the exit from Acme Corp?" in text and "becomes an active client again" in text
    acme_exit.refresh_from_db()
    assert acme_exit.is_running
    done = web_alice.post(reverse("exits:cancel", args=[acme_exit.pk]), {"reason": "They stay."}, follow=True)
    acme_exit.refresh_from_db()
    assert acme_exit.state == Exit.State.CANCELLED
    assert "Reopen the exit" in done.content.decode()


def test_reopen_runs_the_exit_again_and_keeps_done_steps(web_alice, acme_exit, alice):
    first = acme_exit.steps.order_by("due", "position").first()
    assert first is not None
    services.step_done(step=first, user=alice, on=TODAY)
    services.exit_cancel(exit_=acme_exit, user=alice)
    response = web_alice.post(reverse("exits:reopen", args=[acme_exit.pk]), follow=True)
    assert "runs again, planned from today" in response.content.decode()
    acme_exit.refresh_from_db()
    assert acme_exit.is_running and acme_exit.cancelled_at is None
    first.refresh_from_db()
    assert first.done_on == TODAY
    assert Client.objects.get(pk=acme_exit.client_id).status == Client.Status.ENDING
    assert ExitEvent.objects.filter(exit=acme_exit, text__startswith="Exit reopened").exists()


def test_reopen_is_refused_while_the_client_has_another_running_exit(web_alice, acme_exit, alice):
    services.exit_cancel(exit_=acme_exit, user=alice)
    newer = start_for(acme_exit.client, alice)
    response = web_alice.post(reverse("exits:reopen", args=[acme_exit.pk]), follow=True)
    text = response.content.decode()
    assert "Acme Corp already has a running exit" in text and "Cancel that one first" in text
    acme_exit.refresh_from_db()
    assert acme_exit.state == Exit.State.CANCELLED
    assert list(Exit.objects.filter(state="running")) == [newer]


def test_reopen_of_a_running_exit_is_refused(web_alice, acme_exit):
    response = web_alice.post(reverse("exits:reopen", args=[acme_exit.pk]), follow=True)
    assert "This exit is already running." in response.content.decode()
    assert web_alice.get(reverse("exits:reopen", args=[acme_exit.pk])).status_code == 405


def test_a_step_is_ticked_off_from_this_week_and_back_there(web_alice, acme, alice):
    exit_ = start_for(acme, alice, notice_date=TODAY, end_date=TODAY + timedelta(days=30))
    step = (
        exit_.steps.filter(due__gte=TODAY, due__lte=TODAY + timedelta(days=6), closed_gates=[])
        .order_by("due", "position")
        .first()
    )
    assert step is not None
    week = web_alice.get(reverse("exits:dashboard")).content.decode()
    action = reverse("exits:step-done", args=[exit_.pk, step.pk])
    assert f'action="{action}"' in week
    response = web_alice.post(action, {"done_on": TODAY.isoformat(), "back": "week"})
    assert response.status_code == 302 and response["Location"] == reverse("exits:dashboard")
    step.refresh_from_db()
    assert step.done_on == TODAY
    after = web_alice.get(reverse("exits:dashboard")).content.decode()
    assert f'action="{action}"' not in after


def test_a_locked_step_has_no_tick_on_this_week(web_alice, acme, alice):
    exit_ = start_for(acme, alice, notice_date=TODAY - timedelta(days=20), end_date=TODAY + timedelta(days=3))
    locked = exit_.steps.exclude(closed_gates=[]).filter(due__lte=TODAY + timedelta(days=6)).first()
    assert locked is not None
    week = web_alice.get(reverse("exits:dashboard")).content.decode()
    assert reverse("exits:step-done", args=[exit_.pk, locked.pk]) not in week


@pytest.mark.parametrize("name", ["exits:cancel", "exits:reopen"])
def test_it_checks_ownership(web_charlie, acme_exit, name):
    url = reverse(name, args=[acme_exit.pk])
    assert web_charlie.get(url).status_code in (404, 405)
    assert web_charlie.post(url).status_code == 404
    acme_exit.refresh_from_db()
    assert acme_exit.is_running
    page = web_charlie.get(reverse("exits:list"), {"q": "acme"}).content.decode()
    assert "Acme Corp" not in page


def test_a_paid_invoice_reads_as_done_without_strikethrough(web_alice, acme_exit, alice):
    item = acme_exit.readiness_items.get(kind="invoice")
    services.item_set_done(item=item, user=alice, done=True)
    page = web_alice.get(reverse("exits:detail", args=[acme_exit.pk])).content.decode()
    mark = '<span class="done-mark" aria-hidden="true">✓</span>'
    assert f"{mark} Invoice: <strong>Invoice 2026-014</strong> — paid" in page
    assert "Unpaid invoice: <strong>Invoice 2026-014" not in page
    assert "Open deliverable: <strong>Final design files</strong>" in page
    css = (Path(__file__).resolve().parents[2] / "src/goodterms/static/css/goodterms.css").read_text()
    assert "line-through" not in css
