"""Referral and testimonial asks respect people: once per 90 days, three times without a yes at most,
never after a sour ending or to a detractor; and what came of them is recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from goodterms.accounts.models import User
from goodterms.aftercare import selectors, services
from goodterms.aftercare.models import Ask, Outcome
from goodterms.clients.models import Client, Contact
from goodterms.exits.models import Exit
from goodterms.survey import questions as survey_questions
from goodterms.survey import services as survey_services
from goodterms.survey.models import SurveyResponse
from tests.aftercare.conftest import ended_exit


def _dana(exit_: Exit) -> Contact:
    return exit_.client.contacts.get(name="Dana Diaz")


def test_one_ask_of_each_kind_per_person_in_90_days(former: Exit, alice: User):
    today = timezone.localdate()
    dana = _dana(former)
    services.ask_record(
        exit_=former, contact=dana, kind=Ask.Kind.REFERRAL, user=alice, on=today - timedelta(days=89)
    )
    with pytest.raises(services.AftercareRefused, match="ask again from"):
        services.ask_record(exit_=former, contact=dana, kind=Ask.Kind.REFERRAL, user=alice, on=today)
    # The other kind has its own limit.
    services.ask_record(exit_=former, contact=dana, kind=Ask.Kind.TESTIMONIAL, user=alice, on=today)
    services.ask_record(
        exit_=former, contact=dana, kind=Ask.Kind.REFERRAL, user=alice, on=today + timedelta(days=1)
    )
    assert Ask.objects.filter(contact=dana).count() == 3


def test_three_asks_without_a_yes_and_no_more(former: Exit, alice: User):
    start = timezone.localdate() - timedelta(days=400)
    dana = _dana(former)
    for n in range(3):
        services.ask_record(
            exit_=former, contact=dana, kind=Ask.Kind.REFERRAL, user=alice, on=start + timedelta(days=100 * n)
        )
    with pytest.raises(services.AftercareRefused, match="3 times without a yes"):
        services.ask_record(
            exit_=former, contact=dana, kind=Ask.Kind.REFERRAL, user=alice, on=start + timedelta(days=300)
        )
    # A yes starts the count again.
    last = Ask.objects.filter(contact=dana).order_by("-asked_on").first()
    assert last is not None
    services.ask_answer(ask=last, answer=Ask.Answer.YES)
    services.ask_record(
        exit_=former, contact=dana, kind=Ask.Kind.REFERRAL, user=alice, on=start + timedelta(days=300)
    )


def test_a_detractor_gets_a_repair_check_in_not_an_ask(former: Exit):
    today = timezone.localdate()
    dana = _dana(former)
    for score in (0, 6):
        verdict = selectors.ask_verdict(
            exit_=former, contact=dana, kind=Ask.Kind.REFERRAL, today=today, recommend=score
        )
        assert not verdict.allowed and verdict.repair
        assert f"{score} out of 10" in verdict.reason and "repair check-in" in verdict.reason
    for maybe in (7, 10, None):
        verdict = selectors.ask_verdict(
            exit_=former, contact=dana, kind=Ask.Kind.TESTIMONIAL, today=today, recommend=maybe
        )
        assert verdict.allowed, maybe


def _survey_answer(exit_: Exit, contact: Contact, recommend: int, quote: str = "") -> None:
    """The person answered the exit survey: `recommend` out of 10, and a quote they may or may not allow."""
    invitation = survey_services.invitation_for(exit_=exit_, contact=contact)
    survey_services.link_make(invitation=invitation)
    key = survey_questions.score_key(invitation.questions)
    assert key is not None
    SurveyResponse.objects.create(
        organization=exit_.organization,
        invitation=invitation,
        answers={key: recommend},
        submitted_at=timezone.now(),
    )


def test_nothing_is_known_before_the_survey_is_answered(former: Exit, org_a):
    assert selectors.recommend_score(org=org_a, contact=_dana(former)) is None
    assert selectors.survey_figures(org=org_a) is None


def test_a_survey_answer_of_six_refuses_the_ask_and_counts_in_insights(former: Exit, alice: User, org_a):
    dana = _dana(former)
    _survey_answer(former, dana, recommend=6)
    assert selectors.recommend_score(org=org_a, contact=dana) == 6
    with pytest.raises(services.AftercareRefused, match="repair check-in"):
        services.ask_record(exit_=former, contact=dana, kind=Ask.Kind.REFERRAL, user=alice)
    assert not Ask.objects.exists()
    figures = selectors.survey_figures(org=org_a)
    assert figures is not None and figures.recommend == (6,)


def test_never_after_a_sour_ending(org_a, alice: User):
    client = Client.objects.create(organization=org_a, name="Sour Ltd")
    person = Contact.objects.create(
        organization=org_a, client=client, name="Sam Sour", email="sam@sour.example", is_primary=True
    )
    exit_ = ended_exit(client, alice, feeling="sour", reason="conflict")
    with pytest.raises(services.AftercareRefused, match="repair check-in") as refused:
        services.ask_record(exit_=exit_, contact=person, kind=Ask.Kind.TESTIMONIAL, user=alice)
    assert refused.value.repair
    assert not Ask.objects.exists()


def test_an_introduction_links_the_new_client(former: Exit, alice: User, org_a):
    dana = _dana(former)
    ask = services.ask_record(exit_=former, contact=dana, kind=Ask.Kind.REFERRAL, user=alice)
    outcome = services.outcome_record(
        exit_=former,
        kind=Outcome.Kind.INTRODUCED,
        user=alice,
        on=timezone.localdate(),
        contact=dana,
        new_client_name="Northwind",
    )
    assert outcome.new_client is not None and outcome.new_client.name == "Northwind"
    assert outcome.new_client.organization_id == org_a.pk
    ask.refresh_from_db()
    assert ask.answer == Ask.Answer.YES


def test_a_testimonial_keeps_its_words_and_its_consent(former: Exit, alice: User):
    with pytest.raises(services.AftercareRefused, match="consent_wording"):
        services.outcome_record(
            exit_=former,
            kind=Outcome.Kind.TESTIMONIAL,
            user=alice,
            on=timezone.localdate(),
            text="Great work",
        )
    assert not Outcome.objects.exists()
    outcome = services.outcome_record(
        exit_=former,
        kind=Outcome.Kind.TESTIMONIAL,
        user=alice,
        on=timezone.localdate(),
        contact=_dana(former),
        text="Alice made the hand-over painless.",
        consent_wording="You may quote this on your website with my name.",
    )
    assert outcome.consented_at is not None
    assert outcome.consent_wording == "You may quote this on your website with my name."


def test_came_back_starts_a_new_engagement_linked_to_the_earlier_exit(former: Exit, alice: User):
    outcome = services.outcome_record(
        exit_=former, kind=Outcome.Kind.CAME_BACK, user=alice, on=timezone.localdate()
    )
    assert outcome.exit == former and outcome.new_client == former.client
    former.client.refresh_from_db()
    assert former.client.status == Client.Status.ACTIVE
