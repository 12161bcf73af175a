"""The aftercare pages: the overview, an exit's aftercare, logging, asks, outcomes, cadence and digest."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from goodterms.aftercare import jobs
from goodterms.aftercare.models import Ask, Cadence, DigestChoice, Outcome, Touch, Touchpoint
from goodterms.exits.models import Exit


def test_the_overview_lists_due_check_ins_and_who_is_losing_touch(web_alice, former: Exit):
    jobs.touchpoints_start()
    jobs.touchpoints_come_due()
    page = web_alice.get(reverse("aftercare:home")).content.decode()
    assert "Acme Corp" in page and "read and send the draft" in page
    detail = web_alice.get(reverse("aftercare:exit", args=[former.pk])).content.decode()
    assert "Check-in drafted" in detail and "Planned (6 months after the end)" in detail


def test_logging_a_call_from_the_page(web_alice, former: Exit):
    jobs.touchpoints_start()
    dana = former.client.contacts.get(name="Dana Diaz")
    response = web_alice.post(
        reverse("aftercare:log", args=[former.pk]),
        {
            "contact": dana.pk,
            "channel": "call",
            "on": timezone.localdate().isoformat(),
            "note": "Coffee soon",
        },
    )
    assert response.status_code == 302
    assert Touch.objects.get(exit=former).note == "Coffee soon"
    assert Touchpoint.objects.get(exit=former, number=1).state == Touchpoint.State.DONE


def test_an_ask_refused_says_why_and_writes_nothing(web_alice, former: Exit):
    dana = former.client.contacts.get(name="Dana Diaz")
    today = timezone.localdate().isoformat()
    url = reverse("aftercare:ask", args=[former.pk])
    web_alice.post(url, {"contact": dana.pk, "kind": "referral", "on": today})
    page = web_alice.post(
        url, {"contact": dana.pk, "kind": "referral", "on": today}, follow=True
    ).content.decode()
    assert "ask again from" in page
    assert Ask.objects.count() == 1
    ask = Ask.objects.get()
    web_alice.post(reverse("aftercare:answer", args=[former.pk, ask.pk]), {"answer": "no"})
    ask.refresh_from_db()
    assert ask.answer == Ask.Answer.NO


def test_recording_that_they_came_back(web_alice, former: Exit):
    response = web_alice.post(
        reverse("aftercare:outcome", args=[former.pk]),
        {"kind": "came-back", "on": timezone.localdate().isoformat()},
        follow=True,
    )
    assert "Recorded: came back." in response.content.decode()
    assert Outcome.objects.get(exit=former).kind == Outcome.Kind.CAME_BACK


def test_a_bad_cadence_is_refused_with_the_item_named(web_alice, former: Exit):
    url = reverse("aftercare:cadence", args=[former.pk])
    page = web_alice.post(
        url, {"months": "1, 6, 3", "ideal_days": 30, "max_days": 90}, follow=True
    ).content.decode()
    assert "Item 3 (3) must come after 6" in page
    assert not Cadence.objects.exists()
    web_alice.post(url, {"months": "2, 5", "ideal_days": 30, "max_days": 90})
    assert Cadence.objects.get(client=former.client).months == [2, 5]


def test_the_digest_settings(web_alice, alice):
    assert web_alice.get(reverse("aftercare:settings")).status_code == 200
    web_alice.post(reverse("aftercare:settings"), {"digest": "1", "at": "07:15"})
    choice = DigestChoice.objects.get(user=alice)
    assert not choice.enabled and choice.at.strftime("%H:%M") == "07:15"


def test_it_checks_ownership(web_charlie, former: Exit):
    jobs.touchpoints_start()
    point = Touchpoint.objects.get(exit=former)
    today = timezone.localdate().isoformat()
    assert web_charlie.get(reverse("aftercare:exit", args=[former.pk])).status_code == 404
    posts = {
        reverse("aftercare:log", args=[former.pk]): {"channel": "call", "on": today},
        reverse("aftercare:ask", args=[former.pk]): {"kind": "referral", "on": today},
        reverse("aftercare:outcome", args=[former.pk]): {"kind": "came-back", "on": today},
        reverse("aftercare:cadence", args=[former.pk]): {"months": "1", "ideal_days": 1, "max_days": 2},
        reverse("aftercare:skip", args=[former.pk, point.pk]): {},
        reverse("aftercare:retry", args=[former.pk, point.pk]): {},
    }
    for url, data in posts.items():
        assert web_charlie.post(url, data).status_code == 404, url
    point.refresh_from_db()
    assert point.state == Touchpoint.State.SCHEDULED
    assert not Touch.objects.exists() and not Outcome.objects.exists() and not Cadence.objects.exists()
    assert former.client.name not in web_charlie.get(reverse("aftercare:home")).content.decode()


def test_the_calendar_feed_includes_touchpoints(visitor, former: Exit, alice, org_a):
    from goodterms.exits import services as exit_services

    jobs.touchpoints_start()
    token = exit_services.calendar_feed_create(org=org_a, user=alice)
    body = visitor.get(reverse("exits:feed", args=[token])).content.decode()
    assert "Check in with Dana Diaz (Acme Corp)" in body
    assert "goodterms-touchpoint-" in body
