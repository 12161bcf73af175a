"""The survey's background job: the one gentle reminder to people who have not finished."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from goodterms import playbook
from goodterms.common.jobloop import Job
from goodterms.survey import selectors, services
from goodterms.survey.models import SurveyInvitation


def _due(invitation: SurveyInvitation) -> bool:
    """SURVEY_REMINDER_BUSINESS_DAYS business days (the organization's holidays skipped) since it was sent."""
    assert invitation.sent_at is not None
    sent = timezone.localdate(invitation.sent_at)
    days = settings.SURVEY_REMINDER_BUSINESS_DAYS
    due = playbook.add_days(sent, days, "business", invitation.organization.country or None)
    return due <= timezone.localdate()


def survey_reminders() -> int:
    """One reminder to each invitation that is due one. Each invitation is its own unit: a failure is logged
    with its id and recorded (no reminder, never twice), and the others go on."""
    sent = 0
    # N business days are at least N calendar days: the query narrows, _due decides.
    before = timezone.now() - timedelta(days=settings.SURVEY_REMINDER_BUSINESS_DAYS)
    for invitation in selectors.reminders_due(before=before):
        if not _due(invitation):
            continue
        try:
            sent += services.reminder_send(invitation=invitation)
        except DatabaseError:
            raise
        except Exception:
            selectors.log.exception("survey: the reminder of invitation %s failed", invitation.pk)
            services.reminder_give_up(invitation=invitation)
    return sent


JOBS: tuple[Job, ...] = (Job("survey reminders", survey_reminders, every=600.0),)
