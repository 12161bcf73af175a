"""A phone is a first-class screen: the goodbye board, the editor and the plan at 375 px, with no sideways
scrolling, a one-line header, and the tone coach in sight while the message is typed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import expect

from goodterms.clients.models import Contact
from goodterms.exits import services as exit_services
from goodterms.exits.models import Exit, ExitStep
from goodterms.messaging import services as messaging_services
from goodterms.messaging.models import Message
from tests.browser.conftest import BROWSER, sign_in
from tests.conftest import PASSWORD
from tests.exits.conftest import start_for

pytestmark = BROWSER

WIDTH, HEIGHT = 375, 740


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh tab the size of a small phone, with touch."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def ready_exit(acme, alice) -> Exit:
    """Acme's exit with the call done and nothing left on the checklist, a goodbye drafted for each person."""
    Contact.objects.create(
        organization=acme.organization,
        client=acme,
        name="نور الهدى عبد الرحمن",
        email="noor.alhuda.abdulrahman@international-subsidiary.acme.example",
    )
    exit_ = start_for(acme, alice, deliverables=(), invoices=())
    for step in exit_.steps.filter(phase__in=["prepare", "notice"]).order_by("due", "position"):
        exit_services.step_done(step=ExitStep.objects.get(pk=step.pk), user=alice, on=date.today())  # noqa: DTZ011
    messaging_services.goodbyes_draft(exit_=exit_, user=alice)
    return exit_


def _no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def _inside_the_screen(locator: Any) -> None:
    box = locator.bounding_box()
    assert box is not None, "not displayed"
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    assert box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT, box


def test_the_header_is_one_line_and_its_links_open_from_menu(phone, alice, ready_exit):
    sign_in(phone, alice.email, PASSWORD)
    header = phone.locator(".site-header").bounding_box()
    assert header is not None and header["height"] < HEIGHT / 10, header
    nav = phone.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    phone.get_by_role("button", name="Menu").click()
    expect(nav).to_be_visible()
    expect(phone.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "true")
    nav.get_by_role("link", name="Exits").click()
    phone.wait_for_url("**/exits/")
    _no_sideways_scroll(phone)


def test_the_board_is_a_card_per_person_with_its_state_and_actions(phone, alice, ready_exit):
    sign_in(phone, alice.email, PASSWORD)
    phone.goto(f"/messages/exit/{ready_exit.pk}/")
    _no_sideways_scroll(phone)
    cards = phone.locator("table.board tbody tr")
    expect(cards).to_have_count(3)
    for card in cards.all():
        card.scroll_into_view_if_needed()
        _inside_the_screen(card.locator(".board-state"))
        next_action = card.locator("td[data-label=Next] a, td[data-label=Next] button").first
        next_action.scroll_into_view_if_needed()
        _inside_the_screen(next_action)
    eli = cards.filter(has_text="Eli Evans")
    expect(eli.get_by_role("button", name="Mark called")).to_be_visible()


def test_the_coach_stays_in_sight_while_typing(phone, alice, ready_exit):
    dana = Message.objects.get(exit=ready_exit, to_name="Dana Diaz")
    sign_in(phone, alice.email, PASSWORD)
    phone.goto(f"/messages/{dana.pk}/")
    _no_sideways_scroll(phone)
    body = phone.get_by_label("Message")
    body.click()
    body.press("Control+End")
    phone.keyboard.type("\n\nThis whole mess is your fault.")
    expect(phone.locator("#coach-count")).not_to_have_text("0 findings")
    _inside_the_screen(phone.locator("#coach-status"))
    finding = phone.locator("#coach-findings li").first.bounding_box()
    assert finding is not None and 0 <= finding["y"] < HEIGHT - 40, "the first finding starts on the screen"
    body_box = body.bounding_box()
    coach_box = phone.locator(".coach").bounding_box()
    assert body_box is not None and coach_box is not None
    assert coach_box["y"] > body_box["y"], "the coach sits under the text, not over its start"
    _no_sideways_scroll(phone)


def test_the_plan_reads_and_ticks_off_on_a_phone(phone, alice, acme):
    exit_ = start_for(acme, alice)
    sign_in(phone, alice.email, PASSWORD)
    phone.goto(f"/exits/{exit_.pk}/")
    _no_sideways_scroll(phone)
    first = phone.locator("summary", has_text="Tick off").first
    first.scroll_into_view_if_needed()
    _inside_the_screen(first)
    first.click()
    expect(phone.get_by_label("Done on").first).to_be_visible()
    _no_sideways_scroll(phone)


def test_on_a_wide_screen_the_links_show_and_menu_does_not(page, alice, ready_exit):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, alice.email, PASSWORD)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()


def test_the_coach_says_why_in_the_users_words(phone, alice, ready_exit):
    """Each reason quotes the words as typed and says what a strategy does, never the model's own names."""
    dana = Message.objects.get(exit=ready_exit, to_name="Dana Diaz")
    sign_in(phone, alice.email, PASSWORD)
    phone.goto(f"/messages/{dana.pk}/")
    body = phone.get_by_label("Message")
    body.fill("Wrong. Fix it. Now. Why? Stop. No. Why? Wrong again.")
    body.press("End")
    phone.keyboard.type(" ")
    expect(phone.locator("#coach-findings")).to_contain_text("reads as impolite")
    expect(phone.locator("#coach-reasons")).to_contain_text("Pulls it down: “")
    expect(phone.locator("#coach-reasons")).to_contain_text("“Wrong” — Uses a negative or loaded word")
    expect(phone.locator("#coach-reasons")).not_to_contain_text("negative-lexicon")
