"""The public survey page: only a person's answer is ever recorded, and a bad link tells nothing."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from goodterms.accounts.orgscope import across_orgs
from goodterms.survey import links, services
from goodterms.survey.models import SurveyInvitation, SurveyLink, SurveyResponse
from tests.architecture.test_isolation_crawl import _writes
from tests.survey.conftest import Asked, ask, nonce_of, open_page


def _invitation(asked: Asked) -> SurveyInvitation:
    return across_orgs(SurveyInvitation).get(pk=asked.invitation.pk)


def _responses() -> int:
    return across_orgs(SurveyResponse).count()


def test_it_checks_ownership(web_alice, web_charlie, asked):
    """Org B's owner gets 404 for org A's survey results, CSV, links and withdrawals."""
    exit_pk = asked.invitation.exit_id
    for url in (f"/survey/exits/{exit_pk}/", f"/survey/exits/{exit_pk}/results.csv"):
        assert web_charlie.get(url).status_code == 404
        assert web_alice.get(url).status_code == 200
    withdraw = f"/survey/invitations/{asked.invitation.pk}/withdraw/"
    assert web_charlie.post(withdraw).status_code == 404
    link = f"/survey/exits/{exit_pk}/people/{asked.invitation.contact_id}/link/"
    assert web_charlie.post(link).status_code == 404
    assert _invitation(asked).revoked_at is None


def test_the_page_shows_the_questions_with_nothing_chosen_and_its_headers(visitor, asked):
    page = visitor.get(asked.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page["Cache-Control"]
    assert "What worked well for you" in html and "recommend us" in html
    assert " checked" not in html, "no option or box is chosen beforehand"
    assert "Acme" not in html and "Alpha Studio" not in html, "the page names no client or organization"
    assert "Preview" not in html


def test_the_bot_case_head_get_script_and_default_submit_store_nothing(visitor, asked):
    """A scanner: HEAD, GET, the page's script (the "opened" call), then the form posted as it is."""
    assert visitor.head(asked.url).status_code == 200
    nonce = open_page(visitor, asked)
    assert visitor.post(f"{asked.url}opened/", {"nonce": nonce}).status_code == 204
    defaults = {"nonce": nonce, "action": "send"}
    for question in asked.invitation.questions:
        defaults[f"q-{question['key']}"] = ""  # empty textareas; unchosen radios are not posted at all
    refused = visitor.post(asked.url, defaults)
    assert refused.status_code == 400 and "Answer at least one question" in refused.content.decode()
    assert visitor.post(asked.url, {"nonce": nonce, "action": "decline"}).status_code == 400
    assert visitor.post(asked.url, {"nonce": nonce, "action": "save"}).status_code == 200
    invitation = _invitation(asked)
    assert _responses() == 0
    assert invitation.declined_at is None and invitation.started_at is None and invitation.progress == {}
    assert invitation.opened_at is not None, "the script's call marks it opened: that is all it can do"
    # The person then answers, through the same link: the scanner used nothing up.
    sent = visitor.post(asked.url, {"nonce": nonce, "action": "send", "q-worked": "Clear weekly notes."})
    assert sent.status_code == 200 and "Thank you" in sent.content.decode()
    assert _responses() == 1


def test_scanner_gets_write_nothing_and_do_not_use_the_link(visitor, asked):
    for method in (visitor.get, visitor.head, visitor.get):
        with CaptureQueriesContext(connection) as captured:
            assert method(asked.url).status_code == 200
        assert not _writes(captured), _writes(captured)
    invitation = _invitation(asked)
    assert invitation.opened_at is None, "a GET records nothing, not even opened"
    nonce = open_page(visitor, asked)
    assert visitor.post(asked.url, {"nonce": nonce, "action": "send", "q-recommend": "9"}).status_code == 200
    assert across_orgs(SurveyResponse).get().answers == {"recommend": 9}


def test_a_post_without_the_pages_nonce_is_refused(visitor, asked):
    for nonce in ("", "forged", links.issue_nonce(links.new_token())):
        response = visitor.post(asked.url, {"nonce": nonce, "action": "send", "q-worked": "Fine"})
        assert response.status_code == 403
    assert _responses() == 0


def _bad_tokens(acme_exit, alice) -> dict[str, str]:
    expired = ask(acme_exit, "Dana Diaz")
    across_orgs(SurveyInvitation).filter(pk=expired.invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    revoked = ask(acme_exit, "Eli Evans")
    services.invitation_revoke(invitation=revoked.invitation, reason="test")
    from tests.exits.conftest import start_for

    other_client = acme_exit.client.__class__.objects.create(
        organization=acme_exit.organization, name="Used Co"
    )
    other_client.contacts.create(
        organization=acme_exit.organization, name="Uma Used", email="uma@used.example"
    )
    used = ask(start_for(other_client, alice), "Uma Used")
    assert services.response_send(invitation=used.invitation, answers={"worked": "All"}, consent=False)
    return {
        "unknown": links.new_token(),
        "malformed": "not-a-token",
        "expired": expired.token,
        "revoked": revoked.token,
        "used": used.token,
    }


def test_every_kind_of_bad_token_gets_the_identical_page(visitor, acme_exit, alice):
    pages = {}
    for kind, token in _bad_tokens(acme_exit, alice).items():
        response = visitor.get(f"/survey/s/{token}/")
        html = response.content.decode()
        pages[kind] = (response.status_code, re.sub(r'name="nonce" value="[^"]+"', "", html))
        assert "Acme" not in html and "Alpha Studio" not in html and "Uma" not in html
    assert len(set(pages.values())) == 1, f"the pages differ: {sorted(pages)}"
    assert pages["unknown"][0] == 404


def test_rate_limits_answer_429_and_write_nothing(visitor, asked, settings):
    settings.SURVEY_REQUESTS_PER_LINK = 3
    nonce = open_page(visitor, asked)
    assert visitor.get(asked.url).status_code == 200
    assert visitor.post(asked.url, {"nonce": nonce, "action": "save", "q-worked": "a"}).status_code == 200
    over = visitor.post(asked.url, {"nonce": nonce, "action": "send", "q-worked": "b"})
    assert over.status_code == 429
    assert _responses() == 0 and _invitation(asked).progress["answers"] == {"worked": "a"}
    # Per address: another link from the same address is limited too.
    settings.SURVEY_REQUESTS_PER_LINK, settings.SURVEY_REQUESTS_PER_ADDRESS = 100, 5
    for _ in range(2):
        visitor.get(f"/survey/s/{links.new_token()}/")
    assert visitor.get(f"/survey/s/{links.new_token()}/").status_code == 429


def test_progress_is_saved_and_resumed_then_only_send_uses_the_link(asked):
    first = HttpClient()
    nonce = open_page(first, asked)
    saved = first.post(
        asked.url, {"nonce": nonce, "action": "save", "q-worked": "The kick-off", "q-communication": "4"}
    )
    assert "Saved" in saved.content.decode()
    invitation = _invitation(asked)
    assert invitation.started_at is not None and invitation.opened_at is not None
    assert _responses() == 0
    later = HttpClient()  # another day, another browser: the same link
    html = later.get(asked.url).content.decode()
    assert "The kick-off" in html and 'value="4" checked' in html
    autosave = later.post(
        asked.url,
        {"nonce": nonce_of(html), "action": "save", "q-worked": "The kick-off call"},
        headers={"X-Survey-Autosave": "1"},
    )
    assert autosave.status_code == 204
    assert _invitation(asked).progress["answers"] == {"worked": "The kick-off call"}
    later.post(asked.url, {"nonce": nonce_of(html), "action": "send", "q-worked": "The kick-off call"})
    assert across_orgs(SurveyResponse).get().answers == {"worked": "The kick-off call"}
    assert visitor_sees_gone(asked)


def visitor_sees_gone(asked: Asked) -> bool:
    again = HttpClient().get(asked.url)
    return again.status_code == 404 and "cannot be used" in again.content.decode()


def test_a_members_preview_is_not_recorded(web_bob, asked):
    html = web_bob.get(asked.url).content.decode()
    assert "Preview: not recorded" in html
    nonce = nonce_of(html)
    for action in ("save", "send"):
        response = web_bob.post(asked.url, {"nonce": nonce, "action": action, "q-recommend": "10"})
        assert "Preview: not recorded" in response.content.decode()
    web_bob.post(asked.url, {"nonce": nonce, "action": "decline", "decline": "yes"})
    web_bob.post(f"{asked.url}opened/", {"nonce": nonce})
    invitation = _invitation(asked)
    assert _responses() == 0
    assert invitation.opened_at is None and invitation.declined_at is None and invitation.progress == {}


def test_rather_not_say_records_a_decline_once_the_box_is_ticked(visitor, asked):
    nonce = open_page(visitor, asked)
    declined = visitor.post(asked.url, {"nonce": nonce, "action": "decline", "decline": "yes"})
    assert declined.status_code == 200 and "no reminder" in declined.content.decode()
    assert _invitation(asked).declined_at is not None
    assert visitor_sees_gone(asked)


def test_answers_are_the_links_own_and_posted_ids_are_ignored(visitor, acme_exit):
    dana, eli = ask(acme_exit, "Dana Diaz"), ask(acme_exit, "Eli Evans")
    nonce = open_page(visitor, dana)
    visitor.post(
        dana.url,
        {
            "nonce": nonce,
            "action": "send",
            "q-worked": "Dana's words",
            "invitation": str(eli.invitation.pk),
            "contact": str(eli.invitation.contact_id),
        },
    )
    response = across_orgs(SurveyResponse).get()
    assert response.invitation_id == dana.invitation.pk
    assert _invitation(eli).status().value == "invited"


def test_an_over_long_answer_is_refused_with_the_limit_and_kept(visitor, asked):
    nonce = open_page(visitor, asked)
    text = "words" * 500
    response = visitor.post(asked.url, {"nonce": nonce, "action": "send", "q-improve": text})
    html = response.content.decode()
    assert response.status_code == 400
    assert "question 2 is 2,500 characters; the limit is 2,000" in html
    assert text.strip() in html, "the person's text is kept, never cut"
    bad_score = visitor.post(asked.url, {"nonce": nonce, "action": "send", "q-recommend": "11"})
    assert "choose a number from 0 to 10" in bad_score.content.decode()
    assert _responses() == 0


def test_the_token_is_stored_only_as_its_hash_and_never_logged(visitor, asked, caplog):
    caplog.set_level(logging.DEBUG)
    assert across_orgs(SurveyLink).get().token_hash == links.token_hash(asked.token)
    assert len(asked.token) >= 43  # 256 bits from secrets: at least 128 asked
    visitor.get(asked.url)
    visitor.get(f"/survey/s/{links.new_token()}/")
    assert asked.token not in caplog.text


def test_consent_is_stored_word_for_word_and_withdrawn_through_the_same_link(web_alice, visitor, asked):
    nonce = open_page(visitor, asked)
    visitor.post(
        asked.url,
        {"nonce": nonce, "action": "send", "q-quote": "Calm, clear and kind.", "consent": "yes"},
    )
    response = across_orgs(SurveyResponse).get()
    assert response.may_quote and response.consent_at is not None
    assert response.consent_wording.startswith("You may quote my answer")
    assert "Calm, clear and kind." in web_alice.get("/survey/results/").content.decode()
    gone = visitor.get(asked.url)
    assert gone.status_code == 404
    nonce = nonce_of(gone.content.decode())
    unticked = visitor.post(asked.url, {"nonce": nonce, "action": "withdraw"})
    assert unticked.status_code == 404
    response.refresh_from_db()
    assert response.may_quote, "a bot posting the form as it is withdraws nothing"
    withdrawn = visitor.post(asked.url, {"nonce": nonce, "action": "withdraw", "withdraw": "yes"})
    assert "it is withdrawn" in withdrawn.content.decode()
    assert not across_orgs(SurveyResponse).get().may_quote
    for url in ("/survey/results/", f"/survey/exits/{asked.invitation.exit_id}/"):
        assert "Calm, clear and kind." not in web_alice.get(url).content.decode()
    csv = b"".join(web_alice.get("/survey/results.csv").streaming_content).decode()
    assert "Calm, clear and kind." not in csv


@pytest.mark.parametrize("other", ["unknown", "used-without-consent"])
def test_withdrawing_on_a_link_without_consent_says_the_same(visitor, asked, other):
    token = links.new_token() if other == "unknown" else asked.token
    if other != "unknown":
        services.response_send(invitation=asked.invitation, answers={"worked": "ok"}, consent=False)
    url = f"/survey/s/{token}/"
    nonce = nonce_of(visitor.get(url).content.decode())
    response = visitor.post(url, {"nonce": nonce, "action": "withdraw", "withdraw": "yes"})
    assert response.status_code == 404 and "it is withdrawn" in response.content.decode()
