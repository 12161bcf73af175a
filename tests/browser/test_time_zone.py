"""In Chromium: the settings page proposes the zone the browser is in, and only a zone the field accepts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from goodterms.accounts.models import User
from tests.browser.conftest import BROWSER, sign_in
from tests.conftest import PASSWORD

pytestmark = BROWSER


@pytest.fixture
def tab_in(browser: Any, live_server: Any) -> Iterator[Any]:
    """A tab whose browser believes it is in the given time zone."""
    contexts: list[Any] = []

    def open_tab(zone: str) -> Any:
        context = browser.new_context(base_url=live_server.url, timezone_id=zone)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_tab
    for context in contexts:
        context.close()


def test_the_browsers_zone_is_proposed_and_saved_only_when_the_user_saves(tab_in, alice: User):
    page = tab_in("America/Argentina/Buenos_Aires")
    sign_in(page, alice.email, PASSWORD)
    page.goto("/settings/")
    field = page.get_by_role("combobox", name="Your time zone")
    expect(field).to_have_value("")
    hint = page.get_by_text("Your browser says")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("America/Argentina/Buenos Aires")  # underscores read as spaces
    page.get_by_role("button", name="Use it").click()
    expect(field).to_have_value("America/Argentina/Buenos_Aires")
    alice.refresh_from_db()
    assert alice.time_zone == "", "proposing writes nothing"
    page.get_by_role("button", name="Save your time zone").click()
    expect(page.get_by_role("combobox", name="Your time zone")).to_have_value(
        "America/Argentina/Buenos_Aires"
    )
    alice.refresh_from_db()
    assert alice.time_zone == "America/Argentina/Buenos_Aires"
    expect(page.get_by_text("Your browser says")).to_have_count(0)  # set: nothing more to propose


def test_a_zone_the_field_does_not_list_is_not_proposed(tab_in, alice: User):
    page = tab_in("Etc/GMT+9")  # a fixed offset, which reads backwards (UTC-9): the list has places only
    sign_in(page, alice.email, PASSWORD)
    page.goto("/settings/")
    page.wait_for_load_state("load")
    expect(page.get_by_text("Your browser says")).to_be_hidden()
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == "Etc/GMT+9"
