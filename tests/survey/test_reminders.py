"""At most one gentle reminder, after five business days, never after a decline, expiry or withdrawal."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from goodterms.accounts.orgscope import across_orgs, scoped
from goodterms.lib.vocabulary import MessageKind
from goodterms.messaging import outbox
from goodterms.messaging.models import Message
from goodterms.survey import jobs, services
from goodterms.survey.models import SurveyInvitation, SurveyReminder
from tests.survey.conftest import ask


def _sent_days_ago(invitation: SurveyInvitation, days: int) -> None:
    across_orgs(SurveyInvitation).filter(pk=invitation.pk).update(
        sent_at=timezone.now() - timedelta(days=days)
    )


def test_one_reminder_after_five_business_days_and_never_twice(acme_exit):
    dana, eli = ask(acme_exit, "Dana Diaz"), ask(acme_exit, "Eli Evans")
    _sent_days_ago(dana.invitation, 8)  # eight calendar days hold five business days, whatever the weekday
    _sent_days_ago(eli.invitation, 2)
    assert jobs.survey_reminders() == 1
    reminder = across_orgs(SurveyReminder).get()
    assert reminder.invitation_id == dana.invitation.pk
    message = reminder.message
    assert message is not None and message.kind == MessageKind.FEEDBACK_REQUEST
    assert message.to_email == "dana@acme.example" and message.state == Message.State.QUEUED
    mail.outbox.clear()
    assert outbox.send_one("test-worker")
    token = re.search(r"/survey/s/([A-Za-z0-9_-]{43})/", str(mail.outbox[0].body))
    assert token and token.group(1) not in Message.objects.get(pk=message.pk).body
    assert jobs.survey_reminders() == 0, "never twice"
    assert across_orgs(SurveyReminder).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        scoped(SurveyReminder, acme_exit.organization).create(invitation=dana.invitation)


@pytest.mark.parametrize("stop", ["declined", "finished", "expired", "revoked"])
def test_no_reminder_after_a_decline_an_answer_expiry_or_withdrawal(acme_exit, stop):
    asked = ask(acme_exit)
    _sent_days_ago(asked.invitation, 12)
    asked.invitation.refresh_from_db()
    if stop == "declined":
        assert services.invitation_decline(invitation=asked.invitation)
    elif stop == "finished":
        assert services.response_send(invitation=asked.invitation, answers={"worked": "ok"}, consent=False)
    elif stop == "expired":
        across_orgs(SurveyInvitation).filter(pk=asked.invitation.pk).update(expires_at=timezone.now())
    else:
        assert services.invitation_revoke(invitation=asked.invitation, reason="test")
    assert jobs.survey_reminders() == 0
    assert not across_orgs(SurveyReminder).exists()


def test_the_interval_is_configurable(acme_exit, settings):
    asked = ask(acme_exit)
    _sent_days_ago(asked.invitation, 8)
    settings.SURVEY_REMINDER_BUSINESS_DAYS = 20
    assert jobs.survey_reminders() == 0
    settings.SURVEY_REMINDER_BUSINESS_DAYS = 1
    assert jobs.survey_reminders() == 1
