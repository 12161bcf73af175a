"""First start: the one-time setup page creates the owner, then is gone; the owner signs out and back in."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from goodterms.accounts.models import Organization, User
from tests.browser.conftest import BROWSER, sign_in

pytestmark = BROWSER

PASSWORD = "a long and quiet evening"


def test_setup_then_sign_in(page):
    page.goto("/")
    assert page.url.endswith("/setup/"), f"a fresh install should open the setup page, not {page.url}"
    expect(page.get_by_role("heading", name="Welcome to goodterms")).to_be_visible()

    page.get_by_label("Organization name").fill("Quiet Harbor Design")
    page.get_by_label("Your name").fill("Robin Reyes")
    page.get_by_label("Your email").fill("robin@harbor.example")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    page.wait_for_url("**/clients/")
    expect(page.get_by_text("Welcome, Robin Reyes.")).to_be_visible()
    owner = User.objects.get(email="robin@harbor.example")
    assert owner.is_owner and owner.organization.name == "Quiet Harbor Design"
    assert Organization.objects.count() == 1

    # The setup page is gone for good.
    response = page.goto("/setup/")
    assert response is not None and response.status == 404

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login/**")
    sign_in(page, "robin@harbor.example", PASSWORD)
    expect(page.get_by_role("heading", name="This week", level=1)).to_be_visible()


def test_a_wrong_password_is_refused_and_says_so(page, alice):
    page.goto("/login/")
    page.get_by_label("Email").fill(alice.email)
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("enter a correct")
    assert page.url.endswith("/login/")
