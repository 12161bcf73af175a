"""In Chromium: the Content-Security-Policy blocks nothing goodterms needs, the invitation's copy button
works, and a password reset runs end to end through the emailed link, its form posted with no referrer."""

from __future__ import annotations

import re

from django.core import mail
from playwright.sync_api import expect

from goodterms.clients.models import Client, Contact
from tests.browser.conftest import BROWSER, sign_in
from tests.conftest import PASSWORD
from tests.exits.conftest import start_for

pytestmark = BROWSER


def test_no_page_breaks_the_content_security_policy(page, alice, org_a):
    client = Client.objects.create(organization=org_a, name="Northwind")
    Contact.objects.create(
        organization=org_a, client=client, name="Nancy Davolio", email="nancy@northwind.example"
    )
    exit_ = start_for(client, alice, deliverables=(), invoices=())
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    sign_in(page, alice.email, PASSWORD)
    for path in [
        "/exits/week/",
        "/clients/",
        f"/clients/{client.pk}/",
        f"/exits/{exit_.pk}/",
        "/members/",
        "/settings/",
        "/account/sessions/",
        "/security/",
        "/messages/templates/goodbye/",
    ]:
        page.goto(path)
        expect(page.locator("main")).to_be_visible()
    assert violations == []


def test_the_invitation_link_has_a_copy_button(page, alice, org_a):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, alice.email, PASSWORD)
    page.goto("/members/")
    page.get_by_label("Email of the person to invite").fill("fay@alpha.example")
    page.get_by_role("button", name="Invite by email").click()
    expect(page.get_by_role("button", name="Copy the link")).to_be_visible()
    copy = page.locator("[data-copy=invite-link]")
    copy.click()
    expect(copy).to_have_text("Copied")
    link = page.get_by_label("Invitation link").input_value()
    assert page.evaluate("navigator.clipboard.readText()") == link


def test_a_password_reset_through_the_emailed_link(page, alice):
    page.goto("/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Your email").fill("Alice@Alpha.example")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("status")).to_contain_text("If an account uses that address")
    found = re.search(r"https?://[^/\s]+(/password-reset/[^/\s]+/)", str(mail.outbox[-1].body))
    assert found
    opened = page.goto(found.group(1))
    assert opened is not None and opened.headers["referrer-policy"] == "no-referrer"
    new = "a brand new passphrase 42"
    page.get_by_label("Password:", exact=True).fill(new)
    page.get_by_label("Password again").fill(new)
    with page.expect_request(lambda request: request.method == "POST") as posted:
        page.get_by_role("button", name="Set the password").click()
    sent = posted.value.all_headers()
    # No referrer, so Chromium says `Origin: null`; Sec-Fetch-Site lets the form through (common/csrf.py).
    assert "referer" not in sent and sent["origin"] == "null" and sent["sec-fetch-site"] == "same-origin"
    page.wait_for_url("**/login/")
    sign_in(page, alice.email, new)
