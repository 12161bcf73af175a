"""The exit survey in Chromium: a client answers on a 320 px phone in a fresh browser, sees the thanks,
reopens the link and sees it is done; the owner sees the answer. axe-core (from npm, node_modules) finds no
WCAG 2.2 AA violation on the survey's pages, and a page weighs at most 60 kB."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from goodterms.accounts.orgscope import across_orgs
from goodterms.survey.models import SurveyInvitation, SurveyResponse
from tests.browser.conftest import BROWSER, sign_in
from tests.conftest import PASSWORD
from tests.exits.conftest import start_for
from tests.survey.conftest import ask

pytestmark = BROWSER

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGE_LIMIT = 60 * 1024


def _axe_violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations
             .map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))""",
        WCAG_22_AA,
    )
    return [f"{v['id']}: {v['nodes']}" for v in found]


def _fits(page: Any) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_client_answers_on_a_phone_and_the_owner_sees_it(browser, live_server, alice, acme):
    if not AXE.exists():
        pytest.skip("axe-core is not installed: `make install` installs it from npm when npm is there")
    exit_ = start_for(acme, alice)
    asked = ask(exit_)
    # The client: a fresh browser, no account, a small phone. bypass_csp lets the test inject axe-core.
    client = browser.new_context(
        base_url=live_server.url, viewport={"width": 320, "height": 740}, bypass_csp=True
    )
    client.set_default_timeout(15_000)
    tab = client.new_page()
    with tab.expect_response(lambda response: response.url.endswith("/opened/")):
        tab.goto(asked.url)
    tab.wait_for_load_state("networkidle")
    # Everything the page loaded, uncompressed: the HTML, its stylesheet and its script.
    sizes: list[int] = tab.evaluate(
        """() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
                 .map(entry => entry.decodedBodySize)"""
    )
    weight = sum(sizes)
    print(f"survey page weight: {weight / 1024:.1f} kB ({len(sizes)} files, uncompressed)")
    assert weight <= PAGE_LIMIT, weight
    assert _fits(tab), "no sideways scrolling at 320 px"
    assert _axe_violations(tab) == []
    assert across_orgs(SurveyInvitation).get(pk=asked.invitation.pk).opened_at is not None

    # Keyboard first: the first question's box takes focus by Tab.
    tab.keyboard.press("Tab")
    assert tab.evaluate("() => document.activeElement.name") == "q-worked"
    tab.get_by_label("1. What worked well for you in our work together?").fill("The weekly notes.")
    tab.get_by_role("group", name="How would you rate our communication?").get_by_label("5").check()
    tab.get_by_role("group", name="recommend us").get_by_label("9", exact=True).check()
    tab.get_by_label("describe working with us").fill("Calm and clear.")
    tab.get_by_label("You may quote my answer").check()
    tab.get_by_role("button", name="Send").click()
    expect(tab.get_by_role("heading", name="Thank you")).to_be_visible()
    assert _axe_violations(tab) == []

    tab.goto(asked.url)  # reopened: it is done
    expect(tab.get_by_role("heading", name="This link cannot be used")).to_be_visible()
    expect(tab.get_by_text("If you answered it: thank you")).to_be_visible()
    assert _axe_violations(tab) == []
    assert _fits(tab)
    client.close()

    response = across_orgs(SurveyResponse).get()
    assert response.answers["worked"] == "The weekly notes." and response.answers["recommend"] == 9
    assert response.may_quote

    owner = browser.new_context(base_url=live_server.url)
    owner.set_default_timeout(15_000)
    page = owner.new_page()
    sign_in(page, alice.email, PASSWORD)
    page.goto(f"/exits/{exit_.pk}/")
    expect(page.locator("#survey")).to_contain_text("Finished")
    page.goto(f"/survey/exits/{exit_.pk}/")
    expect(page.get_by_text("The weekly notes.")).to_be_visible()
    expect(page.get_by_text("Recommend score: 100")).to_be_visible()
    owner.close()


def test_the_survey_page_with_an_error_passes_axe_and_works_without_javascript(
    browser, live_server, alice, acme
):
    if not AXE.exists():
        pytest.skip("axe-core is not installed: `make install` installs it from npm when npm is there")
    exit_ = start_for(acme, alice)
    asked = ask(exit_)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 320, "height": 740}, java_script_enabled=False
    )
    tab = context.new_page()
    tab.goto(asked.url)
    tab.get_by_role("button", name="Send").click()  # nothing answered
    expect(tab.get_by_role("alert")).to_contain_text("Answer at least one question")
    tab.get_by_label("2. What should we improve?").fill("Shorter meetings.")
    tab.get_by_role("button", name="Save and finish later").click()
    expect(tab.get_by_role("status").first).to_contain_text("Saved")
    tab.goto(asked.url)
    expect(tab.get_by_label("2. What should we improve?")).to_have_value("Shorter meetings.")
    context.close()
    checked = browser.new_context(
        base_url=live_server.url, viewport={"width": 320, "height": 740}, bypass_csp=True
    )
    tab = checked.new_page()
    tab.goto(ask(exit_, "Eli Evans").url)
    tab.get_by_role("button", name="Send").click()
    expect(tab.get_by_role("alert")).to_be_visible()
    assert _axe_violations(tab) == []
    checked.close()
