"""The survey's writes: question sets, invitations and their links, what a person saves and sends, the
reminder. Every write that a person's page causes is a conditional UPDATE or an INSERT a constraint guards,
so parallel requests store one answer, one decline, one reminder."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from goodterms import templating
from goodterms.accounts.models import Organization, User
from goodterms.accounts.orgscope import scoped
from goodterms.exits.models import Exit
from goodterms.lib.refused import Refused
from goodterms.lib.vocabulary import MessageKind
from goodterms.messaging import services as messaging_services
from goodterms.messaging.models import Message
from goodterms.survey import links, questions, selectors
from goodterms.survey.models import (
    QuestionSet,
    SurveyInvitation,
    SurveyLink,
    SurveyReminder,
    SurveyResponse,
)


class SurveyRefused(Refused):
    """The survey cannot do that; the message says why, for the user."""


# --- the organization's questions -------------------------------------------------------------------------


def question_set_save(*, org: Organization, user: User, text: str) -> QuestionSet:
    """Check the lines and store them as the organization's set; invitations already made keep theirs."""
    current = selectors.questions_for(org=org)
    parsed = questions.parse_lines(text, keep=current)
    row, _created = scoped(QuestionSet, org).update_or_create(
        defaults={"questions": parsed, "updated_at": timezone.now(), "updated_by": user}
    )
    return row


def question_set_reset(*, org: Organization) -> None:
    scoped(QuestionSet, org).delete()


# --- invitations and links --------------------------------------------------------------------------------


def invitation_for(*, exit_: Exit, contact: Any) -> SurveyInvitation:
    """The person's invitation for this exit, made once (a constraint) with the questions frozen in it."""
    org = exit_.organization
    existing = scoped(SurveyInvitation, org).filter(exit=exit_, contact=contact).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return scoped(SurveyInvitation, org).create(
                exit=exit_, contact=contact, questions=selectors.questions_for(org=org)
            )
    except IntegrityError:
        return scoped(SurveyInvitation, org).get(exit=exit_, contact=contact)


def link_make(*, invitation: SurveyInvitation) -> str:
    """A new link to the invitation: the token is returned (for the email) and only its hash is stored. The
    first link starts the invitation's time (SURVEY_DAYS)."""
    token = links.new_token()
    now = timezone.now()
    org = invitation.organization
    with transaction.atomic():
        scoped(SurveyLink, org).create(invitation=invitation, token_hash=links.token_hash(token))
        scoped(SurveyInvitation, org).filter(pk=invitation.pk, sent_at__isnull=True).update(
            sent_at=now, expires_at=now + timedelta(days=settings.SURVEY_DAYS)
        )
    return token


def link_url(token: str) -> str:
    from django.urls import reverse

    return settings.SITE_URL + reverse("survey:answer", kwargs={"token": token})


def _invitation_of_message(message: Message) -> SurveyInvitation | None:
    org = message.organization
    reminder = scoped(SurveyReminder, org).filter(message=message).select_related("invitation").first()
    if reminder is not None:
        return reminder.invitation
    if message.exit_id is None or message.contact_id is None or message.exit is None:
        return None
    return invitation_for(exit_=message.exit, contact=message.contact)


def link_fill(*, message: Message) -> str | None:
    """The body a leaving feedback request carries: the placeholder replaced by a fresh link of the person's
    own (messaging/signals.py). None for any other message, or a draft whose placeholder the user removed."""
    if message.kind != MessageKind.FEEDBACK_REQUEST or templating.SURVEY_LINK_PLACEHOLDER not in message.body:
        return None
    invitation = _invitation_of_message(message)
    if invitation is None or not selectors.open_for_answers(invitation):
        replacement = "(the survey link was withdrawn)"
    else:
        replacement = link_url(link_make(invitation=invitation))
    return message.body.replace(templating.SURVEY_LINK_PLACEHOLDER, replacement)


def invitation_revoke(*, invitation: SurveyInvitation, reason: str) -> bool:
    """Withdraw the person's links (the user's choice, or the exit was cancelled). Answers sent stay."""
    return bool(
        scoped(SurveyInvitation, invitation.organization)
        .filter(pk=invitation.pk, revoked_at__isnull=True)
        .update(revoked_at=timezone.now(), revoked_reason=reason[:200])
    )


def invitations_revoke_for_exit(*, org: Organization, exit_: Exit) -> int:
    return (
        scoped(SurveyInvitation, org)
        .filter(exit=exit_, revoked_at__isnull=True)
        .update(revoked_at=timezone.now(), revoked_reason="The exit was cancelled.")
    )


# --- what the person does ---------------------------------------------------------------------------------


def _open_rows(invitation: SurveyInvitation) -> Any:
    """The invitation, as a conditional UPDATE's target, while it still takes answers."""
    return scoped(SurveyInvitation, invitation.organization).filter(
        Q(expires_at__gt=timezone.now()),
        pk=invitation.pk,
        revoked_at__isnull=True,
        declined_at__isnull=True,
        response__isnull=True,
    )


def invitation_opened(*, invitation: SurveyInvitation) -> None:
    """The page's own script says it was shown (never a GET, never a pixel): the first time is kept."""
    _open_rows(invitation).filter(opened_at__isnull=True).update(opened_at=timezone.now())


def progress_save(*, invitation: SurveyInvitation, answers: dict[str, Any], consent: bool) -> bool:
    """Keep what the person has answered so far, for them to come back to. Nothing given, nothing written."""
    if not answers and not consent:
        return False
    now = timezone.now()
    rows = _open_rows(invitation)
    rows.filter(opened_at__isnull=True).update(opened_at=now)
    rows.filter(started_at__isnull=True).update(started_at=now)
    return bool(rows.update(progress={"answers": answers, "consent": consent}))


def response_send(*, invitation: SurveyInvitation, answers: dict[str, Any], consent: bool) -> bool:
    """Store the person's answers: the link is used up. At least one answer; one response per invitation
    (the constraint decides between parallel sends). False when nothing was stored."""
    if not answers:
        return False
    now = timezone.now()
    quote = questions.quote_key(invitation.questions)
    consented = consent and quote is not None and bool(answers.get(quote))
    org = invitation.organization
    try:
        with transaction.atomic():
            if not _open_rows(invitation).exists():
                return False
            scoped(SurveyResponse, org).create(
                invitation=invitation,
                answers=answers,
                submitted_at=now,
                consent_wording=questions.CONSENT_WORDING if consented else "",
                consent_at=now if consented else None,
            )
            rows = scoped(SurveyInvitation, org).filter(pk=invitation.pk)
            rows.filter(opened_at__isnull=True).update(opened_at=now)
            rows.filter(started_at__isnull=True).update(started_at=now)
            rows.update(progress={})
    except IntegrityError:
        return False  # another Send of the same link was first
    return True


def invitation_decline(*, invitation: SurveyInvitation) -> bool:
    """ "Rather not say": recorded, and no reminder follows."""
    return bool(_open_rows(invitation).update(declined_at=timezone.now(), progress={}))


def consent_withdraw(*, invitation: SurveyInvitation) -> bool:
    """The person takes back their permission to quote them: the quote leaves every page and export."""
    return bool(
        scoped(SurveyResponse, invitation.organization)
        .filter(invitation=invitation, consent_at__isnull=False, consent_withdrawn_at__isnull=True)
        .update(consent_withdrawn_at=timezone.now())
    )


# --- the reminder -----------------------------------------------------------------------------------------

REMINDER_SUBJECT = "A gentle reminder: a few questions about our work"
REMINDER_BODY = (
    "Hi {first_name},\n\n"
    "A short note in case my earlier email got buried: if you have two minutes, I'd still value your honest "
    "view of our work together. This is the only reminder I'll send.\n\n"
    f"{templating.SURVEY_LINK_PLACEHOLDER}\n\n"
    "Thank you,\n{sender_first_name}\n"
)


def reminder_send(*, invitation: SurveyInvitation) -> bool:
    """The one reminder, through the gate and the outbox like every message: the SurveyReminder row (unique
    per invitation) is written with the message, so a second run, or a second worker, sends nothing."""
    org = invitation.organization
    if not selectors.open_for_answers(invitation) or selectors.has_reminder(invitation):
        return False
    first = (
        scoped(Message, org)
        .filter(exit=invitation.exit, contact=invitation.contact, kind=MessageKind.FEEDBACK_REQUEST)
        .exclude(state=Message.State.CANCELLED)
        .first()
    )
    contact = invitation.contact
    sender_name = first.from_name if first else ""
    body = REMINDER_BODY.format(
        first_name=(contact.name.split() or [contact.name])[0],
        sender_first_name=(sender_name.split() or [org.name])[0],
    )
    try:
        with transaction.atomic():
            reminder = scoped(SurveyReminder, org).create(invitation=invitation)
            message = messaging_services.message_send_automatic(
                org=org,
                contact=contact,
                kind=MessageKind.FEEDBACK_REQUEST,
                subject=REMINDER_SUBJECT,
                body=body,
                from_name=sender_name,
                from_email=first.from_email if first else "",
                note="The exit survey's one reminder, written and sent by goodterms.",
            )
            scoped(SurveyReminder, org).filter(pk=reminder.pk).update(message=message)
    except IntegrityError:
        return False  # another run wrote the reminder first
    except messaging_services.MessageRefused as refused:
        selectors.log.warning("survey: invitation %s: no reminder: %s", invitation.pk, refused.message)
        reminder_give_up(invitation=invitation)
        return False
    return True


def reminder_give_up(*, invitation: SurveyInvitation) -> None:
    """Recorded once, not tried again: a reminder is a nicety, and twice is never."""
    try:
        with transaction.atomic():
            scoped(SurveyReminder, invitation.organization).get_or_create(invitation=invitation)
    except IntegrityError:
        pass
