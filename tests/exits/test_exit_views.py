"""The exit pages: start, follow, tick off, the readiness gate, reschedule, cancel; 404 for another org."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from goodterms.clients.models import Client
from goodterms.exits.models import Exit, ExitEvent, ExitStep, ReadinessItem
from tests.exits.conftest import start_for

TODAY = date.today()  # noqa: DTZ011


def _start_post(**overrides: str) -> dict[str, str]:
    data = {
        "initiated_by": "me",
        "reason": "capacity",
        "notice_date": TODAY.isoformat(),
        "end_date": (TODAY + timedelta(days=40)).isoformat(),
        "feeling": "smooth",
        "playbook": "",
        "deliverables": "Final report\n\n  Source files  \n",
        "invoices": "Invoice 7",
    }
    data.update(overrides)
    return data


def _goodbyes(exit_: Exit) -> list[ExitStep]:
    return list(exit_.steps.filter(message_kind="goodbye").order_by("contact_name"))


def _first_call(exit_: Exit) -> ExitStep:
    step = exit_.steps.filter(channel__in=["call", "meeting"]).order_by("due", "position").first()
    assert step is not None
    return step


def test_start_makes_a_dated_plan_with_one_goodbye_per_contact(web_alice, acme):
    page = web_alice.get(reverse("exits:start", args=[acme.pk]))
    assert page.status_code == 200
    assert b"Plan the exit from Acme Corp" in page.content

    response = web_alice.post(reverse("exits:start", args=[acme.pk]), _start_post())
    exit_ = Exit.objects.get(client=acme)
    assert response.status_code == 302
    assert response["Location"] == reverse("exits:detail", args=[exit_.pk])
    assert exit_.playbook_id == "i-am-ending"
    assert [s.contact_name for s in _goodbyes(exit_)] == ["Dana Diaz", "Eli Evans"]
    assert sorted(ReadinessItem.objects.filter(exit=exit_).values_list("kind", "title")) == [
        ("deliverable", "Final report"),
        ("deliverable", "Source files"),
        ("invoice", "Invoice 7"),
    ]
    acme.refresh_from_db()
    assert acme.status == Client.Status.ENDING
    first = exit_.steps.exclude(channel="task").order_by("due", "position").first()
    assert first is not None and first.channel in ("call", "meeting")  # talk before anything written
    assert ExitEvent.objects.filter(exit=exit_, text__contains="Exit started").exists()

    detail = web_alice.get(response["Location"])
    assert detail.status_code == 200
    assert b"Say goodbye" in detail.content or b"goodbye" in detail.content.lower()
    assert first.why.encode() in detail.content.replace(b"&#x27;", b"'").replace(b"&quot;", b'"')


def test_end_before_notice_is_refused_and_nothing_is_written(web_alice, acme):
    response = web_alice.post(
        reverse("exits:start", args=[acme.pk]),
        _start_post(end_date=(TODAY - timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 200
    assert "The end date is before the notice date." in response.content.decode()
    assert not Exit.objects.exists()
    acme.refresh_from_db()
    assert acme.status == Client.Status.ACTIVE


def test_a_bad_checklist_line_is_named(web_alice, acme):
    response = web_alice.post(
        reverse("exits:start", args=[acme.pk]), _start_post(invoices="ok\n" + "x" * 301)
    )
    assert "Line 2 is longer than 300 characters." in response.content.decode()
    assert not Exit.objects.exists()


def test_a_second_start_opens_the_running_exit(web_alice, acme_exit):
    response = web_alice.post(reverse("exits:start", args=[acme_exit.client_id]), _start_post())
    assert response.status_code == 302
    assert response["Location"] == reverse("exits:detail", args=[acme_exit.pk])
    assert Exit.objects.count() == 1


def test_short_notice_is_said_plainly_with_the_earliest_fair_end(web_alice, acme, alice):
    exit_ = start_for(acme, alice, end_date=TODAY + timedelta(days=10))
    content = web_alice.get(reverse("exits:detail", args=[exit_.pk])).content.decode()
    assert "10 days" in content
    fair = TODAY + timedelta(days=30)
    assert fair.isoformat() in content or f"{fair.day} {fair:%B %Y}" in content


def test_ticking_off_the_call_records_the_note(web_alice, acme_exit):
    call = _first_call(acme_exit)
    response = web_alice.post(
        reverse("exits:step-done", args=[acme_exit.pk, call.pk]),
        {"done_on": TODAY.isoformat(), "note": "Went well; they understood."},
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.done_on == TODAY and call.note == "Went well; they understood."
    assert ExitEvent.objects.filter(exit=acme_exit, text__contains="they understood").exists()
    page = web_alice.get(reverse("exits:detail", args=[acme_exit.pk])).content.decode()
    assert "Went well; they understood." in page


def test_goodbyes_stay_locked_until_every_item_is_done(web_alice, acme_exit):
    for step in acme_exit.steps.filter(channel__in=["call", "meeting"], phase__in=["prepare", "notice"]):
        web_alice.post(
            reverse("exits:step-done", args=[acme_exit.pk, step.pk]), {"done_on": TODAY.isoformat()}
        )
    goodbye = _goodbyes(acme_exit)[0]
    assert "readiness" in goodbye.closed_gates
    refused = web_alice.post(
        reverse("exits:step-done", args=[acme_exit.pk, goodbye.pk]),
        {"done_on": TODAY.isoformat()},
        follow=True,
    )
    assert "is locked until" in refused.content.decode()
    goodbye.refresh_from_db()
    assert goodbye.done_on is None

    for item in acme_exit.readiness_items.all():
        web_alice.post(reverse("exits:item-done", args=[acme_exit.pk, item.pk]), {"done": "1"})
    goodbye.refresh_from_db()
    assert "readiness" not in goodbye.closed_gates


def test_override_needs_a_reason_that_stays_on_the_record(web_alice, acme_exit):
    url = reverse("exits:override", args=[acme_exit.pk])
    refused = web_alice.post(url, {"reason": "  "}, follow=True)
    assert "Say why" in refused.content.decode()
    assert all("readiness" in g.closed_gates for g in _goodbyes(acme_exit))

    web_alice.post(url, {"reason": "The invoice is with their finance team; they confirmed payment."})
    acme_exit.refresh_from_db()
    assert acme_exit.readiness_override.startswith("The invoice is with")
    assert all("readiness" not in g.closed_gates for g in _goodbyes(acme_exit))
    assert ExitEvent.objects.filter(exit=acme_exit, text__contains="finance team").exists()
    page = web_alice.get(reverse("exits:detail", args=[acme_exit.pk])).content.decode()
    assert "they confirmed payment" in page


def test_changing_dates_replans_and_keeps_done_steps(web_alice, acme_exit):
    call = _first_call(acme_exit)
    web_alice.post(reverse("exits:step-done", args=[acme_exit.pk, call.pk]), {"done_on": TODAY.isoformat()})
    new_end = TODAY + timedelta(days=90)
    response = web_alice.post(
        reverse("exits:edit", args=[acme_exit.pk]),
        {
            "initiated_by": "me",
            "reason": "fit",
            "notice_date": TODAY.isoformat(),
            "end_date": new_end.isoformat(),
            "feeling": "smooth",
        },
    )
    assert response.status_code == 302
    acme_exit.refresh_from_db()
    assert acme_exit.end_date == new_end
    call.refresh_from_db()
    assert call.done_on == TODAY
    assert max(s.due for s in acme_exit.steps.exclude(phase="aftercare")) <= new_end + timedelta(days=14)
    # The record writes the day as every sentence does, with the year: it is read long after.
    written = f"{new_end:%A} {new_end.day} {new_end:%B %Y}"
    assert ExitEvent.objects.filter(exit=acme_exit, text__contains=f"→ {written}").exists()


def test_rescheduling_a_step_moves_it_and_what_waits_for_it(web_alice, acme_exit):
    call = _first_call(acme_exit)
    later = call.due + timedelta(days=7)
    response = web_alice.post(
        reverse("exits:step-move", args=[acme_exit.pk, call.pk]),
        {"due": later.isoformat(), "at_time": "14:30"},
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.moved_to == later and call.due >= later and call.at_time is not None
    for waiting in acme_exit.steps.all():
        if call.key in waiting.gates:
            assert waiting.due >= call.due


def test_cancel_returns_the_client_to_active_and_freezes_the_exit(web_alice, acme_exit):
    web_alice.post(reverse("exits:cancel", args=[acme_exit.pk]), {"reason": "They asked us to stay."})
    acme_exit.refresh_from_db()
    assert acme_exit.state == Exit.State.CANCELLED
    assert Client.objects.get(pk=acme_exit.client_id).status == Client.Status.ACTIVE
    call = _first_call(acme_exit)
    web_alice.post(reverse("exits:step-done", args=[acme_exit.pk, call.pk]), {"done_on": TODAY.isoformat()})
    call.refresh_from_db()
    assert call.done_on is None
    # A new exit can start once the old one is cancelled.
    again = web_alice.post(reverse("exits:start", args=[acme_exit.client_id]), _start_post())
    assert again.status_code == 302 and Exit.objects.filter(state="running").count() == 1


def test_dashboard_lists_this_weeks_steps_and_overdue_ones(web_alice, acme, alice):
    exit_ = start_for(
        acme, alice, notice_date=TODAY - timedelta(days=10), end_date=TODAY + timedelta(days=30)
    )
    page = web_alice.get(reverse("exits:dashboard")).content.decode()
    assert "Overdue" in page
    overdue = exit_.steps.filter(due__lt=TODAY, done_on__isnull=True).first()
    assert overdue is not None and overdue.title in page.replace("&#x27;", "'")
    assert web_alice.get(reverse("home")).url == reverse("exits:dashboard")
    listing = web_alice.get(reverse("exits:list")).content.decode()
    assert "Acme Corp" in listing


def test_a_member_runs_exits_too(web_bob, acme):
    response = web_bob.post(reverse("exits:start", args=[acme.pk]), _start_post())
    assert response.status_code == 302
    owner = Exit.objects.get(client=acme).owner
    assert owner is not None and owner.email == "bob@alpha.example"


@pytest.mark.parametrize(
    "name", ["exits:detail", "exits:edit", "exits:cancel", "exits:override", "exits:item-add"]
)
def test_it_checks_ownership(web_charlie, acme_exit, name):
    url = reverse(name, args=[acme_exit.pk])
    assert web_charlie.get(url).status_code in (404, 405)
    assert web_charlie.post(url, {"reason": "x", "title": "x", "kind": "invoice"}).status_code == 404
    assert web_charlie.get(reverse("exits:start", args=[acme_exit.client_id])).status_code == 404


def test_a_step_is_reached_only_through_its_own_exit(web_alice, acme_exit, alice, org_a):
    other_client = Client.objects.create(organization=org_a, name="Other Ltd")
    other = start_for(other_client, alice)
    step = _first_call(other)
    url = reverse("exits:step-done", args=[acme_exit.pk, step.pk])
    assert web_alice.post(url, {"done_on": TODAY.isoformat()}).status_code == 404
    item = other.readiness_items.first()
    assert item is not None
    assert web_alice.post(reverse("exits:item-done", args=[acme_exit.pk, item.pk])).status_code == 404


def test_a_contact_added_later_gets_a_goodbye_and_done_goodbyes_are_kept(web_alice, acme_exit, alice):
    from goodterms.clients import services as client_services
    from goodterms.clients.models import Contact
    from goodterms.exits import services

    services.readiness_override(exit_=acme_exit, user=alice, reason="Paid in cash at the meeting.")
    for pk in (
        acme_exit.steps.filter(phase__in=["prepare", "notice"])
        .order_by("due", "position")
        .values_list("pk", flat=True)
    ):
        services.step_done(step=ExitStep.objects.get(pk=pk), user=alice, on=TODAY)
    dana_goodbye = next(g for g in _goodbyes(acme_exit) if g.contact_name == "Dana Diaz")
    services.step_done(step=dana_goodbye, user=alice, on=TODAY)
    # The contact pages' writes re-plan the running exit; the exit's page only reads.
    client_services.contact_create(client=acme_exit.client, contact=Contact(name="Fay Fox"))
    client_services.contact_delete(contact=Contact.objects.get(name="Dana Diaz"))
    names = {g.contact_name: g for g in _goodbyes(acme_exit)}
    # Done before she left: kept on record, and forgotten (her name is erased with her, tests/clients/
    # test_erasure.py).
    assert set(names) == {"a forgotten contact", "Eli Evans", "Fay Fox"}
    assert names["a forgotten contact"].done_on == TODAY and names["a forgotten contact"].kept
    assert names["Fay Fox"].done_on is None


def test_a_backlog_of_overdue_steps_never_hides_this_weeks(web_alice, acme, alice, org_a, settings):
    from goodterms.exits import selectors

    late = start_for(acme, alice, notice_date=TODAY - timedelta(days=40), end_date=TODAY + timedelta(days=3))
    overdue = late.steps.filter(due__lt=TODAY, done_on__isnull=True).count()
    this_week = late.steps.filter(due__gte=TODAY, due__lte=TODAY + timedelta(days=6)).count()
    assert overdue > 2 and this_week > 0
    selectors.DASHBOARD_ROWS, before = 2, selectors.DASHBOARD_ROWS
    try:
        page = web_alice.get(reverse("exits:dashboard")).content.decode()
    finally:
        selectors.DASHBOARD_ROWS = before
    assert f"Overdue ({overdue})" in page and f"Showing the first 2 of {overdue}" in page
    assert f"Due this week ({this_week})" in page
    assert "Nothing is due this week" not in page


def test_the_dashboard_and_the_list_run_a_fixed_number_of_queries(web_alice, acme, alice, org_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(name: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert web_alice.get(reverse(name)).status_code == 200
        return len(captured)

    start_for(acme, alice, notice_date=TODAY - timedelta(days=5))
    queries("exits:dashboard")  # the first request of a session also touches the session
    few = (queries("exits:dashboard"), queries("exits:list"))
    for number in range(5):
        other = Client.objects.create(organization=org_a, name=f"Client {number}")
        start_for(other, alice, notice_date=TODAY - timedelta(days=5))
    assert (queries("exits:dashboard"), queries("exits:list")) == few
