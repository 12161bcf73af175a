"""A call or meeting made explicit: whom it is with (proposed, then chosen), when, how long, whether the
invitation carries the talking points; what the client will receive, shown before the download; and the
notice following the person the user chose to call. Another organization gets 404."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse

from goodterms.clients.models import Client, Contact
from goodterms.exits.models import ExitEvent, ExitStep
from goodterms.messaging import selectors as messaging_selectors
from tests.exits.conftest import start_for


def _call(exit_) -> ExitStep:
    step: ExitStep = exit_.steps.get(step_id="call-the-client")
    return step


def _url(step: ExitStep) -> str:
    return reverse("exits:step-meeting", args=[step.exit_id, step.pk])


def _post(step: ExitStep, people: list[Contact], **overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "attendees": [str(p.pk) for p in people],
        "day": (step.due + timedelta(days=1)).isoformat(),
        "at": "15:30",
        "minutes": "45",
    }
    data.update(overrides)
    return data


def test_the_page_proposes_the_primary_contact_and_says_so(web_alice, acme, alice):
    exit_ = start_for(acme, alice, reason="capacity")
    page = web_alice.get(_url(_call(exit_))).content.decode()
    assert "Proposed: Dana Diaz (the primary contact)" in page
    boxes = dict(re.findall(r'<input type="checkbox" name="attendees" value="(\d+)"[^>]*?( checked)?>', page))
    dana, eli = Contact.objects.get(name="Dana Diaz"), Contact.objects.get(name="Eli Evans")
    assert boxes == {str(dana.pk): " checked", str(eli.pk): ""}
    assert "Choose the people and the time above" in page  # no time yet: no download offered
    detail = web_alice.get(reverse("exits:detail", args=[exit_.pk])).content.decode()
    assert (
        'With: <strong>Dana Diaz</strong> <span class="muted">(proposed: the primary contact)</span>'
        in detail
    )


def test_choosing_people_and_a_time_makes_the_invitation(web_alice, acme, alice):
    exit_ = start_for(acme, alice, reason="capacity")
    call = _call(exit_)
    dana, eli = Contact.objects.get(name="Dana Diaz"), Contact.objects.get(name="Eli Evans")
    response = web_alice.post(_url(call), _post(call, [eli, dana], share_talking_points="on"))
    assert response.status_code == 302
    call.refresh_from_db()
    assert sorted(call.attendee_ids) == sorted([dana.pk, eli.pk])
    assert call.at_time is not None
    assert (call.at_time.hour, call.at_time.minute, call.minutes) == (15, 30, 45)
    assert call.share_talking_points
    assert call.due == call.moved_to
    line = ExitEvent.objects.filter(exit=exit_, text__contains="minutes").get().text
    assert "with " in line and "Dana Diaz" in line and "Eli Evans" in line
    assert "at 15:30, 45 minutes; the invitation carries the talking points." in line
    page = web_alice.get(_url(call)).content.decode()
    assert "Download the invitation (.ics)" in page
    assert "What the client receives" in page
    assert "What we would like to talk about:" in page
    assert "dana@acme.example" in page and "eli@acme.example" in page
    detail = web_alice.get(reverse("exits:detail", args=[exit_.pk])).content.decode()
    assert "(proposed" not in detail.split("call-the-client")[1].split("</li>")[0]


def test_the_talking_points_stay_out_of_the_preview_unless_shared(web_alice, acme, alice):
    exit_ = start_for(acme, alice, reason="capacity")
    call = _call(exit_)
    web_alice.post(_url(call), _post(call, [Contact.objects.get(name="Dana Diaz")]))
    page = web_alice.get(_url(call)).content.decode()
    preview = page.split("What the client receives")[1]
    assert "What we would like to talk about" not in preview
    assert call.talking_points and call.talking_points[0] not in preview


def test_the_notice_follows_the_person_chosen_for_the_call(web_alice, acme, alice):
    exit_ = start_for(acme, alice, reason="capacity")
    assert getattr(messaging_selectors.notice_recipient(exit_=exit_), "name", None) == "Dana Diaz"
    call = _call(exit_)
    web_alice.post(_url(call), _post(call, [Contact.objects.get(name="Eli Evans")]))
    assert getattr(messaging_selectors.notice_recipient(exit_=exit_), "name", None) == "Eli Evans"


def test_nobody_ticked_or_a_bad_time_is_refused_with_the_field_named(web_alice, acme, alice):
    exit_ = start_for(acme, alice, reason="capacity")
    call = _call(exit_)
    page = web_alice.post(_url(call), _post(call, [], at="25:99"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Tick at least one person." in text
    assert "Enter a valid time." in text
    call.refresh_from_db()
    assert call.attendee_ids == [] and call.at_time is None


def test_a_contact_of_another_client_or_organization_cannot_be_invited(web_alice, acme, alice, org_a, org_b):
    exit_ = start_for(acme, alice, reason="capacity")
    call = _call(exit_)
    other = Client.objects.create(organization=org_a, name="Beta Ltd")
    stranger = Contact.objects.create(
        organization=org_a, client=other, name="Sam Stranger", email="s@b.example"
    )
    foreign = Contact.objects.create(
        organization=org_b, client=Client.objects.create(organization=org_b, name="Bravo"), name="Fo Reign"
    )
    for person in (stranger, foreign):
        page = web_alice.post(_url(call), _post(call, [person]))
        assert page.status_code == 200  # not one of the form's choices
        call.refresh_from_db()
        assert call.attendee_ids == []


def test_a_task_has_no_meeting_page_and_another_org_gets_404(web_alice, web_charlie, acme, alice):
    exit_ = start_for(acme, alice, reason="capacity")
    task = exit_.steps.get(step_id="prepare-talking-points")
    assert web_alice.get(_url(task)).status_code == 404
    call = _call(exit_)
    assert web_charlie.get(_url(call)).status_code == 404
    assert (
        web_charlie.post(_url(call), _post(call, [Contact.objects.get(name="Dana Diaz")])).status_code == 404
    )
    call.refresh_from_db()
    assert call.attendee_ids == []


def test_a_forgotten_contact_leaves_the_attendees(web_alice, acme, alice):
    exit_ = start_for(acme, alice, reason="capacity")
    call = _call(exit_)
    dana, eli = Contact.objects.get(name="Dana Diaz"), Contact.objects.get(name="Eli Evans")
    web_alice.post(_url(call), _post(call, [dana, eli]))
    web_alice.post(reverse("clients:contact-delete", args=[acme.pk, eli.pk]))
    call.refresh_from_db()
    assert call.attendee_ids == [dana.pk]
