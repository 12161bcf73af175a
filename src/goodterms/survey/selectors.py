"""The survey's reads: the questions in force, the row a link's token names, where each person stands, and
the results the user learns from. Preview answers are never stored, so nothing here can count them.

For aftercare (the app above this one), two documented readers:

- `recommend_score_for_contact(org, contact) -> int | None`: the person's latest 0-10 answer, or None;
- `testimonials_consented(org, contact=None) -> list[Testimonial]`: the quotes people gave permission to
  use, and not withdrawn; a withdrawn one is simply not there any more.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from goodterms.accounts.models import Organization
from goodterms.accounts.orgscope import across_orgs, scoped
from goodterms.clients.models import Contact
from goodterms.exits.models import Exit
from goodterms.lib.vocabulary import QuestionKind
from goodterms.survey import links, questions
from goodterms.survey.models import (
    QuestionSet,
    SurveyInvitation,
    SurveyLink,
    SurveyReminder,
    SurveyResponse,
)
from goodterms.tone.politeness.features import find_strategies

log = logging.getLogger("goodterms.survey")

PRAISE_STRATEGIES = frozenset({"gratitude", "deference", "positive-lexicon"})
COMPLAINT_STRATEGIES = frozenset({"negative-lexicon"})


def questions_for(*, org: Organization) -> list[dict[str, Any]]:
    row = scoped(QuestionSet, org).first()
    return list(row.questions) if row is not None else questions.default_questions()


def is_custom(*, org: Organization) -> bool:
    return scoped(QuestionSet, org).exists()


def invitation_by_token(token: str) -> SurveyInvitation | None:
    """The invitation a link's token names, whichever organization it is: the token is the scope here."""
    if not links.well_formed(token):
        return None
    link = (
        across_orgs(SurveyLink)
        .filter(token_hash=links.token_hash(token))
        .select_related("invitation__organization", "invitation__contact", "invitation__exit__client")
        .first()
    )
    return link.invitation if link is not None else None


def open_for_answers(invitation: SurveyInvitation) -> bool:
    """May the person still answer? Not when they sent or declined, nor once it expired or was withdrawn."""
    now = timezone.now()
    return (
        invitation.revoked_at is None
        and invitation.declined_at is None
        and (invitation.expires_at is None or invitation.expires_at > now)
        and not scoped(SurveyResponse, invitation.organization).filter(invitation=invitation).exists()
    )


def has_reminder(invitation: SurveyInvitation) -> bool:
    return scoped(SurveyReminder, invitation.organization).filter(invitation=invitation).exists()


def response_of(invitation: SurveyInvitation) -> SurveyResponse | None:
    return scoped(SurveyResponse, invitation.organization).filter(invitation=invitation).first()


@dataclass(frozen=True)
class PersonStatus:
    invitation: SurveyInvitation
    name: str
    status: str
    label: str
    reminded: bool


def exit_statuses(*, org: Organization, exit_: Exit) -> list[PersonStatus]:
    """Each person asked about this exit, and where they stand."""
    rows = (
        scoped(SurveyInvitation, org)
        .filter(exit=exit_)
        .select_related("contact", "response", "reminder")
        .order_by("contact__name", "pk")
    )
    now = timezone.now()
    result = []
    for row in rows:
        status = row.status(now)
        try:
            reminded = row.reminder is not None
        except SurveyReminder.DoesNotExist:
            reminded = False
        result.append(
            PersonStatus(
                invitation=row,
                name=row.contact.name,
                status=status.value,
                label=status.label,
                reminded=reminded,
            )
        )
    return result


def reminders_due(*, before: Any, limit: int = 100) -> list[SurveyInvitation]:
    """Invitations sent before `before` that still take answers and have had no reminder (the worker)."""
    now = timezone.now()
    return list(
        across_orgs(SurveyInvitation)
        .filter(
            sent_at__lte=before,
            expires_at__gt=now,
            revoked_at__isnull=True,
            declined_at__isnull=True,
            response__isnull=True,
            reminder__isnull=True,
        )
        .select_related("organization", "contact", "exit")
        .order_by("sent_at", "pk")[:limit]
    )


# --- results ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextAnswer:
    name: str
    text: str
    praise: bool
    complaint: bool


@dataclass
class QuestionResult:
    key: str
    kind: str
    text: str
    invited: int = 0
    answered: int = 0
    values: list[int] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    texts: list[TextAnswer] = field(default_factory=list)

    @property
    def average(self) -> float | None:
        return round(sum(self.values) / len(self.values), 1) if self.values else None

    @property
    def distribution(self) -> list[tuple[str, int]]:
        if self.kind == QuestionKind.RATING:
            options = [str(n) for n in questions.RATING_RANGE]
        elif self.kind == QuestionKind.SCORE:
            options = [str(n) for n in questions.SCORE_RANGE]
        else:
            options = self.choices
        return [(option, self.counts[option]) for option in options]

    @property
    def recommend(self) -> Recommend | None:
        return recommend_score(self.values) if self.kind == QuestionKind.SCORE else None


@dataclass(frozen=True)
class Recommend:
    promoters: int
    passives: int
    detractors: int
    score: int  # % promoters - % detractors, -100 to 100


def recommend_score(values: Sequence[int]) -> Recommend | None:
    """The usual way: promoters answer 9-10, detractors 0-6; the score is %promoters - %detractors."""
    if not values:
        return None
    promoters = sum(v >= 9 for v in values)
    detractors = sum(v <= 6 for v in values)
    score = round(100 * (promoters - detractors) / len(values))
    return Recommend(promoters, len(values) - promoters - detractors, detractors, score)


def tone_marks(text: str) -> tuple[bool, bool]:
    """(praise, complaint): the tone coach's warm and negative lexicons found in an answer."""
    names = {strategy.name for strategy in find_strategies(text)}
    return bool(names & PRAISE_STRATEGIES), bool(names & COMPLAINT_STRATEGIES)


@dataclass
class Results:
    invited: int
    finished: int
    declined: int
    questions: list[QuestionResult]


def results(*, org: Organization, exit_: Exit | None = None) -> Results:
    """Per question: how many of those invited answered it, the average and distribution of numbers, the
    recommend score, and the text answers marked for praise and complaints. A quote whose permission was
    withdrawn is left out (it may be on no page). Questions are matched across exits by their key."""
    invitations = scoped(SurveyInvitation, org).filter(sent_at__isnull=False).select_related("contact")
    if exit_ is not None:
        invitations = invitations.filter(exit=exit_)
    invited = list(invitations)
    responses = {
        r.invitation_id: r for r in scoped(SurveyResponse, org).filter(invitation__in=[i.pk for i in invited])
    }
    by_key: dict[str, QuestionResult] = {}
    for invitation in invited:
        response = responses.get(invitation.pk)
        for question in invitation.questions:
            result = by_key.get(question["key"])
            if result is None:
                result = by_key[question["key"]] = QuestionResult(
                    key=question["key"], kind=question["kind"], text=question["text"]
                )
            result.invited += 1
            if question.get("choices"):
                result.choices = list(dict.fromkeys([*result.choices, *question["choices"]]))
            if response is None or question["key"] not in response.answers:
                continue
            value = response.answers[question["key"]]
            if question["kind"] == QuestionKind.QUOTE and not response.may_quote:
                continue
            result.answered += 1
            if question["kind"] in (QuestionKind.RATING, QuestionKind.SCORE):
                result.values.append(int(value))
                result.counts[str(value)] += 1
            elif question["kind"] == QuestionKind.CHOICE:
                result.counts[str(value)] += 1
            else:
                praise, complaint = tone_marks(str(value))
                result.texts.append(TextAnswer(invitation.contact.name, str(value), praise, complaint))
    declined = sum(i.declined_at is not None for i in invited)
    return Results(
        invited=len(invited), finished=len(responses), declined=declined, questions=list(by_key.values())
    )


def csv_rows(*, org: Organization, exit_: Exit | None = None) -> list[list[str]]:
    """One row per answer sent: exit, person, question, answer (a withdrawn quote is not there)."""
    rows = [["client", "person", "sent", "question", "answer"]]
    responses = (
        scoped(SurveyResponse, org)
        .select_related("invitation__contact", "invitation__exit__client")
        .order_by("submitted_at", "pk")
    )
    if exit_ is not None:
        responses = responses.filter(invitation__exit=exit_)
    for response in responses:
        invitation = response.invitation
        for question in invitation.questions:
            if question["key"] not in response.answers:
                continue
            if question["kind"] == QuestionKind.QUOTE and not response.may_quote:
                continue
            rows.append(
                [
                    invitation.exit.client.name,
                    invitation.contact.name,
                    response.submitted_at.date().isoformat(),
                    question["text"],
                    str(response.answers[question["key"]]),
                ]
            )
    return rows


# --- for aftercare ----------------------------------------------------------------------------------------


def recommend_score_for_contact(org: Organization, contact: Contact) -> int | None:
    """The person's latest 0-10 "would you recommend us" answer, or None when they gave none."""
    responses = (
        scoped(SurveyResponse, org)
        .filter(invitation__contact=contact)
        .select_related("invitation")
        .order_by("-submitted_at", "-pk")
    )
    for response in responses:
        key = questions.score_key(response.invitation.questions)
        if key is not None and key in response.answers:
            return int(response.answers[key])
    return None


@dataclass(frozen=True)
class Testimonial:
    contact_id: int
    name: str
    company: str
    quote: str
    consented_at: Any
    consent_wording: str


def testimonials_consented(org: Organization, contact: Contact | None = None) -> list[Testimonial]:
    """The quotes people allowed you to use (the exact wording they agreed to, and when), newest first."""
    responses = (
        scoped(SurveyResponse, org)
        .filter(consent_at__isnull=False, consent_withdrawn_at__isnull=True)
        .select_related("invitation__contact", "invitation__exit__client")
        .order_by("-consent_at", "-pk")
    )
    if contact is not None:
        responses = responses.filter(invitation__contact=contact)
    found = []
    for response in responses:
        key = questions.quote_key(response.invitation.questions)
        quote = str(response.answers.get(key, "")) if key else ""
        if not quote:
            continue
        client = response.invitation.exit.client
        found.append(
            Testimonial(
                contact_id=response.invitation.contact_id,
                name=response.invitation.contact.name,
                company=client.company or client.name,
                quote=quote,
                consented_at=response.consent_at,
                consent_wording=response.consent_wording,
            )
        )
    return found


def contact_data(*, org: Organization, contact: Contact) -> dict[str, Any]:
    """Everything the survey keeps about one person, for "Their data" (clients' contact export)."""
    rows = scoped(SurveyInvitation, org).filter(contact=contact).select_related("response").order_by("pk")
    surveys = []
    for row in rows:
        response = row.response if row.has_response else None
        surveys.append(
            {
                "exit": row.exit_id,
                "status": row.status().value,
                "questions": row.questions,
                "saved_progress": row.progress,
                "answers": response.answers if response else None,
                "sent_at": response.submitted_at.isoformat() if response else None,
                "quote_permission": response.consent_wording if response and response.may_quote else None,
            }
        )
    return {"surveys": surveys}
