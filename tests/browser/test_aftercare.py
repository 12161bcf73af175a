"""After the end: the first touchpoint comes due, the user sends the check-in, logs that the client came
back, and the insights page's return rate moves."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from goodterms.aftercare import jobs
from goodterms.aftercare.models import Touchpoint
from goodterms.messaging.jobs import send_messages
from goodterms.messaging.models import Message
from tests.aftercare.conftest import ended_exit
from tests.browser.conftest import BROWSER, sign_in
from tests.conftest import PASSWORD

pytestmark = BROWSER


def _return_rate(page) -> str:
    page.goto("/aftercare/insights/")
    row = page.locator("table[data-insight=rates] tr", has_text="Return rate")
    return str(row.locator("td").first.inner_text())


def test_a_check_in_after_the_end_and_the_client_back(page, alice, acme):
    exit_ = ended_exit(acme, alice)
    sign_in(page, alice.email, PASSWORD)
    assert _return_rate(page) == "0"

    # The worker's jobs, run here: the exit's first touchpoint is written and, being due, drafts its check-in.
    jobs.touchpoints_start()
    jobs.touchpoints_come_due()
    page.get_by_role("link", name="Aftercare").first.click()
    due = page.locator("li.touchpoint", has_text="Acme Corp")
    expect(due).to_contain_text("check-in 1 with Dana Diaz")
    due.get_by_role("link", name="read and send the draft").click()
    expect(page.get_by_role("heading", name=re.compile("Check-in to Dana Diaz"))).to_be_visible()
    body = page.get_by_label("Message")
    # The draft asks for a personal touch before it can go: the user writes it.
    body.fill(
        re.sub(r" \[\[make it personal:[^\]]*\]\]", " when I walked past your old office", body.input_value())
    )
    page.get_by_role("button", name="Send now").click()
    page.get_by_role("button", name="Send it now").click()
    while send_messages():
        pass
    check_in = Message.objects.get(exit=exit_, kind="check-in")
    assert check_in.state == Message.State.SENT
    assert Touchpoint.objects.get(exit=exit_, number=1).state == Touchpoint.State.DONE

    page.goto(f"/aftercare/exits/{exit_.pk}/")
    expect(page.locator("tr.touchpoint-done")).to_contain_text("Check-in sent")
    outcome = page.locator("#outcomes")
    outcome.get_by_label("What happened").select_option("came-back")
    outcome.get_by_role("button", name="Record it").click()
    expect(page.get_by_text("Recorded: came back.")).to_be_visible()
    assert _return_rate(page) == "1"
    expect(page.locator("table[data-insight=rates] tr", has_text="Return rate")).to_contain_text(
        "too few to call a trend"
    )
