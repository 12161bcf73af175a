"""A message stays the user's until it leaves: schedule it, reopen it, edit it, move it, take it back, send
it now, and the SMTP server gets the edited text once. And the live coach's fixes land on the right words
after emoji and other characters outside the basic plane."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from goodterms.clients.models import Client, Contact
from goodterms.exits import services as exit_services
from goodterms.exits.models import ExitStep
from goodterms.messaging import outbox
from goodterms.messaging.models import Message, Outbox
from tests.browser.conftest import BROWSER, sign_in
from tests.conftest import PASSWORD
from tests.exits.conftest import start_for

pytestmark = BROWSER


def _open_goodbye(page, alice, org_a):
    client = Client.objects.create(organization=org_a, name="Northwind")
    Contact.objects.create(
        organization=org_a,
        client=client,
        name="Nancy Davolio",
        email="nancy@northwind.example",
        together_notes="the order pipeline rebuild",
    )
    exit_ = start_for(client, alice, deliverables=(), invoices=())
    for pk in exit_.steps.filter(phase__in=["prepare", "notice"]).values_list("pk", flat=True):
        exit_services.step_done(step=ExitStep.objects.get(pk=pk), user=alice, on=date.today())  # noqa: DTZ011
    sign_in(page, alice.email, PASSWORD)
    page.goto(f"/messages/exit/{exit_.pk}/")
    page.get_by_role("button", name="Draft a goodbye for each person").click()
    page.get_by_role("link", name="Read and send").click()
    return exit_


def _at(days: int, hour: int) -> str:
    when = timezone.localtime() + timedelta(days=days)
    return when.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def test_a_scheduled_goodbye_is_edited_moved_taken_back_and_sent_once_as_edited(
    page, alice, org_a, smtp_settings
):
    exit_ = _open_goodbye(page, alice, org_a)
    page.get_by_label(re.compile("^Send at")).fill(_at(3, 9))
    page.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.get_by_role("heading", name="Schedule it?")).to_be_visible()
    page.get_by_role("button", name="Schedule it").click()
    board_row = page.locator("table.board tbody tr", has_text="Nancy Davolio")
    expect(board_row).to_contain_text("Scheduled")

    # Reopened: still editable, the same name of its state, and an edit keeps it scheduled.
    board_row.get_by_role("link", name=re.compile("Change")).click()
    expect(page.locator("h1 .status")).to_have_text("Scheduled")
    body = page.get_by_label("Message")
    expect(body).to_be_editable()
    body.fill(body.input_value().replace("Hi Nancy,", "Hi Nancy, a last word from me:"))
    page.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.get_by_text("Scheduled for").first).to_be_visible()
    message = Message.objects.get(exit=exit_, kind="goodbye")
    assert message.state == "queued" and message.send_at is not None
    assert "a last word from me" in message.body

    # Moved to another day, then taken back as a draft: nothing waits in the outbox any more.
    page.get_by_label(re.compile("^Send at")).fill(_at(5, 10))
    page.get_by_role("button", name="Reschedule").click()
    page.get_by_role("button", name="Schedule it").click()
    message.refresh_from_db()
    assert timezone.localtime(message.send_at).day == (timezone.localtime() + timedelta(days=5)).day
    page.goto(f"/messages/{message.pk}/")
    page.get_by_role("button", name="Take it back as a draft").click()
    expect(page.locator("h1 .status")).to_have_text("Draft")
    assert not Outbox.objects.filter(message=message).exists()

    # Now: asked first, then it goes, once, as edited.
    page.get_by_role("button", name="Send now").click()
    page.get_by_role("button", name="Send it now").click()
    page.goto(f"/messages/{message.pk}/")
    page.get_by_role("button", name="Send now").count()  # the page reloads fine after a double send
    while outbox.send_batch("browser-test"):
        pass
    [got] = smtp_settings.deliveries()
    assert "a last word from me" in got["body"] and got["rcpt_tos"] == ["nancy@northwind.example"]
    page.reload()
    expect(page.locator("h1 .status")).to_have_text("Sent")
    expect(page.get_by_text("Sent to nancy@northwind.example.").first).to_be_visible()


def test_a_fix_after_emoji_lands_on_the_flagged_words(page, alice, org_a):
    _open_goodbye(page, alice, org_a)
    body = page.get_by_label("Message")
    text = "Hi Nancy 😀🎉\U0001d49c,\n\nI wrote this in order to say thank you. 👋🏽\n\nAlice"
    body.fill(text)
    fix = page.get_by_role("button", name="Use “to”")
    expect(fix).to_be_visible()
    expect(page.locator("#coach-preview mark", has_text="in order to")).to_be_visible()
    count = page.locator("#coach-findings li.finding").count()
    expect(page.locator("#coach-count")).to_have_text(f"{count} finding" + ("" if count == 1 else "s"))
    fix.click()
    expect(body).to_have_value(text.replace("in order to", "to"))
