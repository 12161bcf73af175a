"""Sign in, add a client, then the two people who work there, with the form controls a keyboard reaches."""

from __future__ import annotations

from playwright.sync_api import expect

from goodterms.clients.models import Client
from tests.browser.conftest import BROWSER, sign_in
from tests.conftest import PASSWORD

pytestmark = BROWSER


def test_create_a_client_with_two_contacts(page, alice):
    sign_in(page, alice.email, PASSWORD)
    page.get_by_role("link", name="Clients", exact=True).click()
    page.get_by_role("link", name="Add a client").click()
    page.get_by_label("Name").fill("Northwind Traders")
    page.get_by_label("Company").fill("Northwind Traders Ltd")
    page.get_by_label("Tags").fill("retainer, design")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Northwind Traders", level=1)).to_be_visible()

    page.get_by_role("link", name="Add a contact").click()
    page.get_by_label("Name").fill("Nancy Davolio")
    page.locator("#id_email").fill("nancy@northwind.example")
    page.get_by_label("Role or title").fill("Head of sales")
    page.get_by_label("Primary contact").check()
    page.get_by_label("What we did together").fill("Rebuilt the order pipeline in spring.")
    page.get_by_role("button", name="Save and add another").click()
    expect(page.get_by_role("heading", name="Add a contact at Northwind Traders")).to_be_visible()

    page.get_by_label("Name").fill("Andrew Fuller")
    page.locator("#id_email").fill("andrew@northwind.example")
    page.get_by_label("Preferred channel").select_option("phone")
    page.locator("#id_phone").fill("+1 206 555 0100")
    page.get_by_role("button", name="Save", exact=True).click()

    cards = page.locator(".card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("Nancy Davolio")  # the primary contact comes first
    expect(cards.first).to_contain_text("Primary")
    expect(cards.nth(1)).to_contain_text("Prefers: Phone")

    client = Client.objects.get(name="Northwind Traders")
    assert client.organization == alice.organization
    assert sorted(client.contacts.values_list("email", flat=True)) == [
        "andrew@northwind.example",
        "nancy@northwind.example",
    ]

    # The list finds it by a contact's name, and the keyboard reaches the result.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    page.get_by_label("Search").fill("Fuller")
    page.get_by_label("Search").press("Enter")
    expect(page.get_by_role("link", name="Northwind Traders")).to_be_visible()
    expect(page.get_by_text("1 client", exact=True)).to_be_visible()


def test_a_form_error_is_shown_next_to_its_field_and_nothing_is_saved(page, alice):
    sign_in(page, alice.email, PASSWORD)
    page.goto("/clients/new/")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".has-error")).to_contain_text("This field is required")
    assert not Client.objects.exists()
