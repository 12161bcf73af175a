"""Plan an exit for a client with two people: talk first, and the goodbyes wait for the unpaid invoice."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect

from goodterms.exits.models import Exit
from tests.browser.conftest import BROWSER, sign_in
from tests.conftest import PASSWORD

pytestmark = BROWSER


def test_start_an_exit_tick_off_the_call_and_unlock_goodbyes_by_paying(page, alice, acme):
    today = date.today()  # noqa: DTZ011
    sign_in(page, alice.email, PASSWORD)
    page.goto(f"/clients/{acme.pk}/")
    page.get_by_role("link", name="Plan an exit").click()
    expect(page.get_by_role("heading", name="Plan the exit from Acme Corp", level=1)).to_be_visible()
    page.get_by_label("I am ending it").check()
    page.get_by_label("Why?").select_option("fit")
    page.get_by_label("Notice date").fill(today.isoformat())
    page.get_by_label("End date").fill((today + timedelta(days=45)).isoformat())
    page.get_by_label("Smooth").check()
    page.get_by_label("Unpaid invoices").fill("Invoice 2026-014")
    page.get_by_role("button", name="Make the plan").click()

    expect(page.get_by_role("heading", name="Ending with Acme Corp", level=1)).to_be_visible()
    steps = page.locator(".timeline-step")
    goodbye_dana = steps.filter(has=page.get_by_role("heading", name="Say goodbye to Dana Diaz"))
    goodbye_eli = steps.filter(has=page.get_by_role("heading", name="Say goodbye to Eli Evans"))
    for step in (goodbye_dana, goodbye_eli):
        expect(step).to_have_count(1)
        expect(step.locator(".badge")).to_have_text("Locked")
        expect(step).to_contain_text("the checklist")

    exit_ = Exit.objects.get(client=acme)
    call = exit_.steps.filter(channel__in=["call", "meeting"]).order_by("due", "position").first()
    assert call is not None
    call_row = page.locator(f"#step-{call.pk}")
    call_row.get_by_text("Tick off").click()
    call_row.get_by_label("Note (optional)").fill("Warm call; Dana thanked us for the year.")
    call_row.get_by_role("button", name="Mark done").click()
    call_row = page.locator(f"#step-{call.pk}")
    expect(call_row.locator(".badge")).to_have_text("Done")
    expect(call_row).to_contain_text("Warm call; Dana thanked us for the year.")
    # Talking is done, but the job is not over: the invoice is unpaid, so the goodbyes stay locked.
    expect(goodbye_dana.locator(".badge")).to_have_text("Locked")
    expect(goodbye_eli.locator(".badge")).to_have_text("Locked")

    invoice = page.locator(".checklist-item").filter(has_text="Invoice 2026-014")
    invoice.get_by_role("button", name="Mark paid").click()
    expect(page.locator(".checklist-item")).to_contain_text("paid")
    expect(goodbye_dana.locator(".badge")).not_to_have_text("Locked")
    expect(goodbye_eli.locator(".badge")).not_to_have_text("Locked")
    expect(goodbye_dana.get_by_text("Tick off")).to_be_visible()
    expect(page.get_by_role("heading", name="Graceful-exit score", level=2)).to_contain_text("of 6")


def test_the_start_form_says_which_playbook_the_answers_lead_to_as_they_change(page, alice, acme):
    sign_in(page, alice.email, PASSWORD)
    page.goto(f"/exits/start/{acme.pk}/")
    help_text = page.locator("#id_playbook_helptext")
    page.get_by_label("I am ending it").check()
    page.get_by_label("Why?").select_option("fit")
    expect(help_text).to_contain_text("I am ending the work")
    page.get_by_label("The client ended it").check()
    expect(help_text).not_to_contain_text("I am ending the work")
    expect(page.locator('select[name="playbook"] option[value=""]')).not_to_contain_text(
        "I am ending the work"
    )
    # The page still chooses on the server from the answers: what it said is what is planned.
    shown = help_text.inner_text()
    page.get_by_label("Notice date").fill(date.today().isoformat())  # noqa: DTZ011
    page.get_by_label("End date").fill((date.today() + timedelta(days=40)).isoformat())  # noqa: DTZ011
    page.get_by_label("Smooth").check()
    page.get_by_role("button", name="Make the plan").click()
    expect(page.get_by_role("heading", name="Ending with Acme Corp", level=1)).to_be_visible()
    assert "The client ended it" in shown
    assert Exit.objects.get(client=acme).playbook_id == "client-ended"
