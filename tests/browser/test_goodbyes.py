"""Goodbyes for two people: fix a crowd greeting with the coach's one-click suggestion, then send both."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from goodterms.clients.models import Client, Contact
from goodterms.exits import services as exit_services
from goodterms.exits.models import ExitStep
from goodterms.messaging.jobs import send_messages
from goodterms.messaging.models import Message
from tests.browser.conftest import BROWSER, sign_in
from tests.conftest import PASSWORD
from tests.exits.conftest import start_for

pytestmark = BROWSER


def test_goodbyes_for_two_people_coached_and_sent(page, alice, org_a):
    client = Client.objects.create(organization=org_a, name="Northwind")
    for name, email, together in [
        ("Nancy Davolio", "nancy@northwind.example", "the order pipeline rebuild"),
        ("Andrew Fuller", "andrew@northwind.example", "the spring sales dashboards"),
    ]:
        Contact.objects.create(
            organization=org_a, client=client, name=name, email=email, together_notes=together
        )
    exit_ = start_for(client, alice, deliverables=(), invoices=())
    for pk in (
        exit_.steps.filter(phase__in=["prepare", "notice"])
        .order_by("due", "position")
        .values_list("pk", flat=True)
    ):
        exit_services.step_done(step=ExitStep.objects.get(pk=pk), user=alice, on=date.today())  # noqa: DTZ011

    sign_in(page, alice.email, PASSWORD)
    page.goto(f"/exits/{exit_.pk}/")
    page.get_by_role("link", name="Goodbyes and messages").click()
    page.get_by_role("button", name="Draft a goodbye for each person").click()
    rows = page.locator("table.board tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Nancy Davolio")).to_contain_text("Draft")
    expect(rows.filter(has_text="Andrew Fuller")).to_contain_text("Draft")

    rows.filter(has_text="Nancy Davolio").get_by_role("link", name="Read and send").click()
    body = page.get_by_label("Message")
    body.fill("Hi all,\n\n" + body.input_value().split("\n", 1)[1])
    mark = page.locator("#coach-preview mark", has_text="Hi all")
    expect(mark).to_be_visible()  # the coach highlighted the crowd greeting as it was typed
    page.get_by_role("button", name="Use “Hi Nancy”").click()
    expect(body).to_have_value(re.compile(r"^Hi Nancy,"))
    expect(page.locator("#coach-preview mark", has_text="Hi all")).to_have_count(0)
    send_at = page.get_by_label(re.compile("^Send at"))
    expect(send_at).not_to_have_value("")  # the step's day is proposed for "Schedule"
    page.get_by_role("button", name="Send now").click()
    expect(page.get_by_role("heading", name="Send it now?")).to_be_visible()  # asked first
    expect(page.get_by_text("nancy@northwind.example")).to_be_visible()
    page.get_by_role("button", name="Send it now").click()
    expect(page.get_by_role("heading", name="Goodbyes at Northwind")).to_be_visible()

    page.locator("table.board tbody tr", has_text="Andrew Fuller").get_by_role(
        "link", name="Read and send"
    ).click()
    expect(page.get_by_role("heading", name=re.compile("Goodbye to Andrew Fuller"))).to_be_visible()
    page.get_by_role("button", name="Send now").click()
    page.get_by_role("button", name="Send it now").click()
    expect(page.get_by_role("heading", name="Goodbyes at Northwind")).to_be_visible()

    while send_messages():  # the worker's job, run here in the test's process
        pass
    page.reload()
    expect(rows.filter(has_text="Nancy Davolio")).to_contain_text("Sent")
    expect(rows.filter(has_text="Andrew Fuller")).to_contain_text("Sent")
    sent = Message.objects.filter(exit=exit_, kind="goodbye")
    assert sorted(m.state for m in sent) == ["sent", "sent"]
    assert Message.objects.get(to_name="Nancy Davolio").body.startswith("Hi Nancy,")
