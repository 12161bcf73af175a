"""Every page a member uses: labelled controls, landmarks, one h1, keyboard first, fits a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from goodterms.clients.models import Client, Contact
from goodterms.messaging.services import goodbyes_draft
from tests.browser.conftest import BROWSER, sign_in
from tests.conftest import PASSWORD
from tests.exits.conftest import start_for

pytestmark = BROWSER

UNLABELLED_CONTROLS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && el.type !== 'submit' && el.type !== 'button')
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML)"""


def _pages(acme, exit_) -> list[str]:
    contact = acme.contacts.first()
    return [
        "/clients/",
        "/clients/?q=acme",
        "/clients/new/",
        f"/clients/{acme.pk}/",
        f"/clients/{acme.pk}/edit/",
        f"/clients/{acme.pk}/contacts/new/",
        f"/clients/{acme.pk}/contacts/{contact.pk}/edit/",
        "/clients/import/",
        "/members/",
        "/settings/",
        "/exits/week/",
        "/exits/",
        f"/exits/start/{acme.pk}/",
        "/exits/calendar/",
        f"/exits/{exit_.pk}/",
        f"/exits/{exit_.pk}/edit/",
        f"/exits/{exit_.pk}/steps/{exit_.steps.first().pk}/move/",
    ]


@pytest.mark.parametrize("width", [1280, 375])  # a laptop and a small phone
def test_pages_are_labelled_landmarked_and_fit_the_screen(page, alice, acme, width):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, alice.email, PASSWORD)
    other = Client.objects.create(organization=alice.organization, name="Initech")
    Contact.objects.create(
        organization=alice.organization,
        client=other,
        name="Peter Gibbons",
        email="peter@initech.example",
        together_notes="the TPS report clean-up",
    )
    exit_ = start_for(other, alice)
    message = goodbyes_draft(exit_=exit_, user=alice).created[0]
    for path in [
        *_pages(acme, exit_),
        f"/messages/exit/{exit_.pk}/",
        f"/messages/{message.pk}/",
        "/messages/templates/",
        "/messages/templates/goodbye/",
    ]:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert page.evaluate(UNLABELLED_CONTROLS) == [], f"{path}: controls without a label"
        assert page.locator("main").count() == 1, f"{path}: one main landmark"
        assert page.locator("h1").count() == 1, f"{path}: one h1"
        assert page.evaluate("document.documentElement.lang") == "en"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px wide"


def test_the_keyboard_reaches_the_content_first_and_focus_is_visible(page, alice, acme):
    sign_in(page, alice.email, PASSWORD)
    page.goto("/clients/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # Tab onwards lands on the first control inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
