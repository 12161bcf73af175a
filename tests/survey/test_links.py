"""The link goes out in the person's feedback request, through the outbox, and is stored only as its hash."""

from __future__ import annotations

import re

from django.core import mail

from goodterms import templating
from goodterms.accounts.orgscope import across_orgs
from goodterms.exits import services as exit_services
from goodterms.lib.vocabulary import MessageKind
from goodterms.messaging import outbox
from goodterms.messaging import services as messaging_services
from goodterms.messaging.models import Message
from goodterms.survey import links, services
from goodterms.survey.models import SurveyInvitation, SurveyLink
from tests.survey.conftest import ask

LINK = re.compile(r"http://[^\s]+/survey/s/([A-Za-z0-9_-]{43})/")


def _send_feedback_request(exit_, alice, name="Dana Diaz") -> tuple[Message, str]:
    contact = exit_.client.contacts.get(name=name)
    draft = messaging_services.message_draft(
        exit_=exit_, contact=contact, kind=MessageKind.FEEDBACK_REQUEST, user=alice
    )
    assert templating.SURVEY_LINK_PLACEHOLDER in draft.body, "the draft shows where the link goes"
    messaging_services.message_send(message=draft, user=alice)
    mail.outbox.clear()
    assert outbox.send_one("test-worker")
    (email,) = mail.outbox
    found = LINK.search(str(email.body))
    assert found, email.body
    return draft, found.group(1)


def test_the_feedback_request_carries_a_fresh_link_stored_only_as_its_hash(acme_exit, alice, visitor):
    message, token = _send_feedback_request(acme_exit, alice)
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert token not in message.body and templating.SURVEY_LINK_PLACEHOLDER in message.body
    link = across_orgs(SurveyLink).get()
    assert link.token_hash == links.token_hash(token)
    invitation = link.invitation
    assert invitation.contact.name == "Dana Diaz" and invitation.sent_at is not None
    assert invitation.expires_at is not None and invitation.status().value == "invited"
    for model in (Message, SurveyInvitation, SurveyLink):
        for row in across_orgs(model).values():
            assert token not in repr(row), f"{model.__name__} holds the token"
    page = visitor.get(f"/survey/s/{token}/")
    assert page.status_code == 200 and "A few questions, Dana" in page.content.decode()


def test_a_draft_without_the_placeholder_goes_without_a_link(acme_exit, alice):
    contact = acme_exit.client.contacts.get(name="Dana Diaz")
    draft = messaging_services.message_draft(
        exit_=acme_exit, contact=contact, kind=MessageKind.FEEDBACK_REQUEST, user=alice
    )
    body = draft.body.replace(templating.SURVEY_LINK_PLACEHOLDER, "Just reply to this email.")
    messaging_services.message_save(message=draft, user=alice, subject=draft.subject, body=body)
    messaging_services.message_send(message=draft, user=alice)
    mail.outbox.clear()
    assert outbox.send_one("test-worker")
    assert not LINK.search(str(mail.outbox[0].body))
    assert not across_orgs(SurveyLink).exists()


def test_the_questions_are_frozen_with_the_invitation(acme_exit, alice, web_alice):
    dana = ask(acme_exit, "Dana Diaz")
    saved = web_alice.post("/survey/questions/", {"lines": "text: Anything else?\nscore: Recommend us?"})
    assert saved.status_code == 302
    eli = ask(acme_exit, "Eli Evans")
    assert len(dana.invitation.questions) == 6 and len(eli.invitation.questions) == 2
    refreshed = across_orgs(SurveyInvitation).get(pk=dana.invitation.pk)
    assert refreshed.questions == dana.invitation.questions


def test_cancelling_the_exit_revokes_its_links(acme_exit, alice, visitor):
    asked = ask(acme_exit)
    assert visitor.get(asked.url).status_code == 200
    exit_services.exit_cancel(exit_=acme_exit, user=alice, reason="They stay")
    invitation = across_orgs(SurveyInvitation).get(pk=asked.invitation.pk)
    assert invitation.revoked_at is not None and invitation.status().value == "revoked"
    assert visitor.get(asked.url).status_code == 404


def test_the_user_withdraws_one_link_and_may_make_one_to_send_themselves(acme_exit, web_alice, visitor):
    asked = ask(acme_exit)
    made = web_alice.post(f"/survey/exits/{acme_exit.pk}/people/{asked.invitation.contact_id}/link/")
    token = LINK.search(made.content.decode())
    assert made.status_code == 200 and token
    assert visitor.get(f"/survey/s/{token.group(1)}/").status_code == 200
    assert visitor.get(asked.url).status_code == 200, "the earlier link keeps working"
    web_alice.post(f"/survey/invitations/{asked.invitation.pk}/withdraw/")
    assert visitor.get(asked.url).status_code == 404
    assert visitor.get(f"/survey/s/{token.group(1)}/").status_code == 404
    assert not services.link_fill(
        message=Message(organization=acme_exit.organization, kind=MessageKind.GOODBYE, body="x")
    )


def test_it_checks_ownership(web_charlie, acme_exit, visitor):
    """Org B cannot make or withdraw org A's links."""
    asked = ask(acme_exit)
    contact = asked.invitation.contact_id
    assert web_charlie.post(f"/survey/exits/{acme_exit.pk}/people/{contact}/link/").status_code == 404
    assert web_charlie.post(f"/survey/invitations/{asked.invitation.pk}/withdraw/").status_code == 404
    assert across_orgs(SurveyLink).count() == 1
    assert visitor.get(asked.url).status_code == 200


def test_a_persons_survey_is_in_their_data_and_goes_when_they_are_forgotten(acme_exit, web_alice):
    asked = ask(acme_exit)
    services.response_send(invitation=asked.invitation, answers={"worked": "Their words"}, consent=False)
    contact = asked.invitation.contact
    data = web_alice.get(f"/clients/{contact.client_id}/contacts/{contact.pk}/export.json")
    assert data.status_code == 200 and "Their words" in data.content.decode()
    from goodterms.clients import services as client_services

    client_services.contact_delete(contact=contact)
    assert not across_orgs(SurveyInvitation).exists()
