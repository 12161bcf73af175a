"""Import a spreadsheet: the preview shows the bad rows, imports nothing; the fixed file goes in whole."""

from __future__ import annotations

from playwright.sync_api import expect

from goodterms.clients.models import Client, Contact
from tests.browser.conftest import BROWSER, sign_in
from tests.conftest import PASSWORD

pytestmark = BROWSER

WITH_AN_ERROR = (
    "Client;Contact;Email;Role;Primary\n"
    "Initech;Peter Gibbons;peter@initech.example;Engineer;yes\n"
    "Initech;Milton Waddams;milton at initech;Collator;no\n"
    'Hooli;"Gavin\nBelson";gavin@hooli.example;CEO;yes\n'
)
CORRECTED = (
    "Client;Contact;Email;Role;Primary\n"
    "Initech;Peter Gibbons;peter@initech.example;Engineer;yes\n"
    "Initech;Milton Waddams;milton@initech.example;Collator;no\n"
    "Hooli;Gavin Belson;gavin@hooli.example;CEO;yes\n"
)


def _upload(page, name: str, text: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import").click()
    page.get_by_label("File").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": ("\ufeff" + text).encode()}]
    )
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Match the columns of {name}")
    page.get_by_role("button", name="Check the rows").click()


def test_preview_with_an_error_row_then_a_clean_import(page, alice):
    sign_in(page, alice.email, PASSWORD)
    _upload(page, "people.csv", WITH_AN_ERROR)

    problems = page.locator("section[aria-labelledby=problems-heading]")
    expect(problems).to_contain_text("2 problems on 2 rows")
    expect(problems).to_contain_text("Line 3")
    expect(problems).to_contain_text("Not a valid email address")
    expect(problems).to_contain_text("Line 4")
    expect(problems).to_contain_text("line feed")
    expect(page.get_by_role("button", name="Import", exact=True)).to_be_disabled()
    assert not Client.objects.exists() and not Contact.objects.exists()

    _upload(page, "people-fixed.csv", CORRECTED)
    page.get_by_role("button", name="Import 3 contacts and 2 new clients").click()
    page.wait_for_url("**/clients/")
    expect(page.get_by_role("status")).to_contain_text("Imported 3")
    expect(page.get_by_role("link", name="Initech")).to_be_visible()
    expect(page.get_by_role("link", name="Hooli")).to_be_visible()
    assert sorted(Contact.objects.values_list("email", flat=True)) == [
        "gavin@hooli.example",
        "milton@initech.example",
        "peter@initech.example",
    ]
    assert set(Client.objects.values_list("organization", flat=True)) == {alice.organization_id}
