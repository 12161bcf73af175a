"""Calendar invitations (.ics) for calls, and each user's private feed: every output is parsed back."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goodterms.accounts.models import Organization, User, hash_token, user_zone
from goodterms.clients.models import Client, Contact
from goodterms.exits import selectors as exit_selectors
from goodterms.exits.models import CalendarFeed, Exit, ExitEvent, ExitStep

TODAY = date.today()  # noqa: DTZ011 (steps are dated in days; every test keeps a day's margin either side)
LONDON = ZoneInfo("Europe/London")


def make_exit(client: Client, owner: User, **fields: object) -> Exit:
    values: dict[str, object] = {
        "organization": client.organization,
        "client": client,
        "owner": owner,
        "created_by": owner,
        "playbook_id": "i-am-ending",
        "notice_date": TODAY,
        "end_date": TODAY + timedelta(days=45),
    }
    values.update(fields)
    return Exit.objects.create(**values)


def make_step(exit_: Exit, key: str, **fields: object) -> ExitStep:
    values: dict[str, object] = {
        "organization": exit_.organization,
        "exit": exit_,
        "key": key,
        "step_id": key,
        "title": f"Step {key}",
        "why": "Saying it in person first keeps the relationship warm.",
        "channel": "call",
        "phase": "tell",
        "due": TODAY + timedelta(days=5),
        "at_time": time(11, 0),
        "talking_points": ["Thank them for the work together", "Say when the last day is"],
    }
    values.update(fields)
    return ExitStep.objects.create(**values)


def other_client(org: Organization, name: str) -> Client:
    client = Client.objects.create(organization=org, name=name)
    Contact.objects.create(organization=org, client=client, name=f"{name} Person", email="p@other.example")
    return client


def parse(response: object) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(response.content)  # type: ignore[attr-defined]


def only_event(cal: icalendar.Calendar) -> icalendar.Event:
    events = cal.events
    assert len(events) == 1
    return events[0]


def invite_url(step: ExitStep) -> str:
    return reverse("exits:step-invite", args=[step.exit_id, step.pk])


def create_feed(http: HttpClient) -> str:
    """POST action=create on the settings page; returns the token from the address shown once."""
    response = http.post(reverse("exits:calendar"), {"action": "create"})
    assert response.status_code == 200
    url = response.context["feed_url"]
    assert url in response.content.decode()
    match = re.fullmatch(r"http://testserver/exits/calendar/([A-Za-z0-9_-]+)\.ics", url)
    assert match, url
    return match.group(1)


def feed_url(token: str) -> str:
    return reverse("exits:feed", args=[token])


@pytest.fixture
def london_alice(alice: User) -> User:
    alice.time_zone = "Europe/London"
    alice.save(update_fields=["time_zone"])
    return alice


@pytest.fixture
def acme_exit(acme: Client, alice: User) -> Exit:
    return make_exit(acme, alice)


# --- the invitation -------------------------------------------------------------------------------------


def test_invitation_is_a_timed_call_with_the_primary_contact(web_alice, london_alice, acme_exit):
    step = make_step(acme_exit, "call", title="Tell Dana first", at_time=time(14, 30))

    response = web_alice.get(invite_url(step))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="call-acme-corp-{step.due.isoformat()}.ics"'
    )
    assert "no-store" in response["Cache-Control"]
    cal = parse(response)
    assert cal["METHOD"] == "PUBLISH"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    event = only_event(cal)
    # The client receives the title and description when the user sends it: nothing private in them.
    assert event["SUMMARY"] == "Call: Alpha Studio and Acme Corp"
    start = event.decoded("DTSTART")
    assert start == datetime.combine(step.due, time(14, 30), tzinfo=LONDON)
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event.decoded("DURATION") == timedelta(minutes=30)
    assert str(event["ORGANIZER"]) == "mailto:alice@alpha.example"
    assert event["ORGANIZER"].params["CN"] == "Alice Archer"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:dana@acme.example"
    assert attendee.params["CN"] == "Dana Diaz"
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    description = str(event["DESCRIPTION"])
    assert description == "A call between Alice Archer (Alpha Studio) and Dana Diaz."
    assert "Tell Dana first" not in response.content.decode()
    assert "Thank them" not in response.content.decode()  # the talking points stay private
    assert event["UID"] == f"goodterms-step-{step.pk}@testserver"
    assert event.decoded("DTSTAMP").tzinfo is not None


def test_invitation_is_in_the_servers_zone_for_a_user_without_one(web_alice, alice, acme_exit, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    assert alice.time_zone == ""
    step = make_step(acme_exit, "meeting", channel="meeting", title="Hand over", at_time=time(9, 45))

    cal = parse(web_alice.get(invite_url(step)))

    event = only_event(cal)
    expected = datetime.combine(step.due, time(9, 45), tzinfo=ZoneInfo("Europe/Berlin"))
    assert event.decoded("DTSTART") == expected
    assert event["SUMMARY"] == "Meeting: Alpha Studio and Acme Corp"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_without_a_time_the_invitation_asks_for_one_first(web_alice, alice, acme_exit):
    step = make_step(acme_exit, "call", at_time=None)
    response = web_alice.get(invite_url(step))
    assert response.status_code == 302
    assert response["Location"] == reverse("exits:step-meeting", args=[acme_exit.pk, step.pk])
    page = web_alice.get(response["Location"]).content.decode()
    assert "Choose the time and the people first" in page


def test_invitation_goes_to_the_steps_own_contact_with_their_phone(web_alice, alice, acme, acme_exit):
    eli = Contact.objects.get(client=acme, name="Eli Evans")
    step = make_step(acme_exit, "call", contact=eli, contact_name=eli.name)

    event = only_event(parse(web_alice.get(invite_url(step))))

    assert str(event["ATTENDEE"]) == "mailto:eli@acme.example"
    assert "Phone:\nEli Evans: +44 20 7946 0000" in str(event["DESCRIPTION"])


def test_a_contact_without_email_is_named_in_the_description_not_invited(web_alice, org_a, alice, acme_exit):
    acme = acme_exit.client
    fay = Contact.objects.create(organization=org_a, client=acme, name="Fay Fox", phone="+44 161 496 0000")
    step = make_step(acme_exit, "call", contact=fay)

    body = web_alice.get(invite_url(step)).content
    event = only_event(icalendar.Calendar.from_ical(body))

    assert b"ATTENDEE" not in body
    assert "and Fay Fox." in str(event["DESCRIPTION"])
    assert "Fay Fox: +44 161 496 0000" in str(event["DESCRIPTION"])


def test_without_a_primary_or_a_choice_nobody_is_guessed(web_alice, org_a, alice):
    client = Client.objects.create(organization=org_a, name="Nimbus")
    Contact.objects.create(organization=org_a, client=client, name="Abe NoEmail")
    Contact.objects.create(organization=org_a, client=client, name="Bea Mail", email="bea@nimbus.example")
    step = make_step(make_exit(client, alice), "call")

    body = web_alice.get(invite_url(step)).content

    assert b"ATTENDEE" not in body
    event = only_event(icalendar.Calendar.from_ical(body))
    assert str(event["DESCRIPTION"]) == "A call between Alice Archer (Alpha Studio)."


def test_the_invitation_carries_every_chosen_attendee_the_time_and_the_talking_points(
    web_alice, london_alice, org_a, acme, acme_exit
):
    dana = Contact.objects.get(client=acme, name="Dana Diaz")
    eli = Contact.objects.get(client=acme, name="Eli Evans")
    fay = Contact.objects.create(organization=org_a, client=acme, name="Fay Fox", phone="+44 161 496 0000")
    step = make_step(
        acme_exit,
        "call",
        attendee_ids=[eli.pk, dana.pk, fay.pk],
        at_time=time(16, 15),
        minutes=45,
        share_talking_points=True,
    )

    event = only_event(parse(web_alice.get(invite_url(step))))

    attendees = cast("list[icalendar.vCalAddress]", event["ATTENDEE"])
    assert [str(a) for a in attendees] == ["mailto:eli@acme.example", "mailto:dana@acme.example"]
    assert [a.params["CN"] for a in attendees] == ["Eli Evans", "Dana Diaz"]
    assert event.decoded("DTSTART") == datetime.combine(step.due, time(16, 15), tzinfo=LONDON)
    assert event.decoded("DURATION") == timedelta(minutes=45)
    description = str(event["DESCRIPTION"])
    assert description.startswith(
        "A call between Alice Archer (Alpha Studio) and Eli Evans, Dana Diaz and Fay Fox."
    )
    assert (
        "What we would like to talk about:\n• Thank them for the work together\n• Say when the last day is"
        in (description)
    )
    assert "Fay Fox: +44 161 496 0000" in description
    assert step.why not in description  # the why stays the user's


def test_a_removed_or_foreign_attendee_drops_out_of_the_invitation(web_alice, org_a, org_b, acme, acme_exit):
    dana = Contact.objects.get(client=acme, name="Dana Diaz")
    stranger = other_client(org_b, "Bravo Client").contacts.get()
    step = make_step(acme_exit, "call", attendee_ids=[stranger.pk, dana.pk, 999999])
    event = only_event(parse(web_alice.get(invite_url(step))))
    assert str(event["ATTENDEE"]) == "mailto:dana@acme.example"
    assert "p@other.example" not in web_alice.get(invite_url(step)).content.decode()


def test_uid_is_stable_and_sequence_grows_when_the_step_moves(web_alice, alice, acme_exit):
    step = make_step(acme_exit, "call")
    first = only_event(parse(web_alice.get(invite_url(step))))
    again = only_event(parse(web_alice.get(invite_url(step))))
    assert first["UID"] == again["UID"]
    assert first.sequence == again.sequence

    # What services.step_move leaves behind: a new date, and a line on the exit's record.
    ExitStep.objects.filter(pk=step.pk).update(due=step.due + timedelta(days=2))
    ExitEvent.objects.create(
        organization=acme_exit.organization, exit=acme_exit, text="Rescheduled the call."
    )
    moved = only_event(parse(web_alice.get(invite_url(step))))

    assert moved["UID"] == first["UID"]
    assert moved.sequence > first.sequence
    assert moved.decoded("DTSTART").date() == step.due + timedelta(days=2)


def test_line_breaks_in_names_and_titles_cannot_break_the_file(web_alice, org_a, alice):
    client = Client.objects.create(organization=org_a, name="Café\r\nBEGIN:VEVENT")
    contact = Contact.objects.create(
        organization=org_a,
        client=client,
        name="Dana\r\nATTENDEE:mailto:evil@example.com",
        email="dana@cafe.example",
        phone="+1 555\r\nX-EVIL:1",
        is_primary=True,
    )
    alice.name = 'Alice "A"\nArcher'
    alice.save(update_fields=["name"])
    exit_ = make_exit(client, alice)
    step = make_step(
        exit_,
        "call",
        title="Wrap up\r\nEND:VEVENT\r\nBEGIN:VEVENT",
        why="Line one\r\nLine two\x1b",  # ESC: a control character (PostgreSQL refuses NUL)
        talking_points=["One\nTwo"],
    )

    response = web_alice.get(invite_url(step))
    body = response.content

    assert re.fullmatch(
        r'attachment; filename="call-cafe-beginvevent-[0-9-]+\.ics"', response["Content-Disposition"]
    )
    assert body.count(b"\r\n") == body.count(b"\n")  # every line ends CRLF: no bare newline got through
    assert b"\x1b" not in body
    lines = body.decode().split("\r\n")
    assert lines.count("BEGIN:VEVENT") == 1
    assert not any(line.startswith(("X-EVIL", "ATTENDEE:mailto:evil")) for line in lines)
    event = only_event(icalendar.Calendar.from_ical(body))
    assert event["SUMMARY"] == "Call: Alpha Studio and Café BEGIN:VEVENT"
    assert event["ATTENDEE"].params["CN"] == contact.name.replace("\r\n", " ")
    assert str(event["ATTENDEE"]) == "mailto:dana@cafe.example"
    assert event["ORGANIZER"].params["CN"] == 'Alice "A" Archer'
    assert str(event["DESCRIPTION"]).startswith('A call between Alice "A" Archer (Alpha Studio) and ')


def test_it_checks_ownership(web_alice, web_charlie, org_b, charlie, alice, acme_exit):
    step = make_step(acme_exit, "call")
    assert web_alice.get(invite_url(step)).status_code == 200
    # Charlie (org B) gets a 404 for org A's exit and step, and for org A's step under his own exit.
    assert web_charlie.get(invite_url(step)).status_code == 404
    charlies_exit = make_exit(other_client(org_b, "Bravo Client"), charlie)
    charlies_step = make_step(charlies_exit, "call")
    assert web_charlie.get(reverse("exits:step-invite", args=[charlies_exit.pk, step.pk])).status_code == 404
    assert web_alice.get(invite_url(charlies_step)).status_code == 404
    assert (
        web_alice.get(reverse("exits:step-invite", args=[acme_exit.pk, charlies_step.pk])).status_code == 404
    )


def test_a_step_under_another_exit_of_the_same_org_is_404(web_alice, org_a, alice, acme_exit):
    second = make_exit(other_client(org_a, "Beta Ltd"), alice)
    step = make_step(second, "call")
    assert web_alice.get(reverse("exits:step-invite", args=[acme_exit.pk, step.pk])).status_code == 404
    assert web_alice.get(invite_url(step)).status_code == 200


def test_only_calls_and_meetings_have_an_invitation(web_alice, alice, acme_exit):
    email = make_step(acme_exit, "email", channel="email")
    task = make_step(acme_exit, "task", channel="task")
    assert web_alice.get(invite_url(email)).status_code == 404
    assert web_alice.get(invite_url(task)).status_code == 404


def test_the_invitation_needs_a_sign_in(visitor, alice, acme_exit):
    step = make_step(acme_exit, "call")
    response = visitor.get(invite_url(step))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_time_zone_falls_back_to_the_servers(alice, settings):
    settings.TIME_ZONE = "Europe/Paris"
    alice.time_zone = "Mars/Olympus_Mons"
    assert user_zone(alice) == ZoneInfo("Europe/Paris")
    alice.time_zone = "Asia/Tokyo"
    assert user_zone(alice) == ZoneInfo("Asia/Tokyo")


# --- the feed settings page -----------------------------------------------------------------------------


def test_the_settings_page_shows_the_state(web_alice, alice):
    page = web_alice.get(reverse("exits:calendar"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1") == 1
    assert "You have no calendar feed." in html

    token = create_feed(web_alice)

    page = web_alice.get(reverse("exits:calendar")).content.decode()
    assert token not in page  # shown once, on the response to "create" only
    assert "Created" in page


def test_creating_shows_the_address_once_with_webcal_and_instructions(web_alice, alice):
    response = web_alice.post(reverse("exits:calendar"), {"action": "create"})
    html = response.content.decode()
    url = response.context["feed_url"]
    assert response.context["webcal_url"] == "webcal://" + url.removeprefix("http://")
    assert response.context["webcal_url"] in html
    for words in ("From URL", "Subscribe from web", "On the network"):
        assert words in html
    assert html.count("<h1") == 1
    assert '<label for="feed-url">' in html
    assert "no-store" in response["Cache-Control"]


def test_the_token_is_stored_only_as_its_hash(web_alice, alice):
    token = create_feed(web_alice)
    feed = CalendarFeed.objects.get(user=alice)
    assert feed.token_hash == hash_token(token)
    assert feed.organization_id == alice.organization_id
    for row in CalendarFeed.objects.values_list():
        assert not any(token in str(value) for value in row)
    for session in Session.objects.all():
        assert token not in str(session.get_decoded())
        assert token not in session.session_data


def test_create_again_replaces_and_revoke_deletes(web_alice, alice):
    old = create_feed(web_alice)
    assert HttpClient().get(feed_url(old)).status_code == 200

    new = create_feed(web_alice)
    assert new != old
    assert CalendarFeed.objects.filter(user=alice).count() == 1
    assert HttpClient().get(feed_url(old)).status_code == 404
    assert HttpClient().get(feed_url(new)).status_code == 200

    response = web_alice.post(reverse("exits:calendar"), {"action": "revoke"})
    assert response.status_code == 302
    assert not CalendarFeed.objects.filter(user=alice).exists()
    assert HttpClient().get(feed_url(new)).status_code == 404
    assert "You have no calendar feed." in web_alice.get(reverse("exits:calendar")).content.decode()


def test_one_user_cannot_revoke_anothers_feed(web_alice, web_bob, web_charlie, alice):
    token = create_feed(web_alice)
    web_bob.post(reverse("exits:calendar"), {"action": "revoke"})
    web_charlie.post(reverse("exits:calendar"), {"action": "revoke"})
    assert HttpClient().get(feed_url(token)).status_code == 200


def test_an_unknown_action_is_refused(web_alice, alice):
    assert web_alice.post(reverse("exits:calendar"), {"action": "explode"}).status_code == 400


def test_the_settings_page_needs_a_sign_in(visitor, alice):
    response = visitor.get(reverse("exits:calendar"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_post_without_a_csrf_token_is_refused(alice):
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(alice)
    assert http.post(reverse("exits:calendar"), {"action": "create"}).status_code == 403
    assert not CalendarFeed.objects.exists()


# --- the feed -------------------------------------------------------------------------------------------


def test_the_feed_lists_the_owners_upcoming_steps(web_alice, london_alice, acme_exit):
    call = make_step(acme_exit, "call", title="Tell Dana", at_time=time(9, 15), due=TODAY + timedelta(days=3))
    task = make_step(acme_exit, "task", channel="task", title="Send the files", due=TODAY + timedelta(days=1))
    token = create_feed(web_alice)

    response = HttpClient().get(feed_url(token))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    cal = parse(response)
    assert cal["X-WR-CALNAME"] == "goodterms — Alice Archer"
    assert cal.refresh_interval == timedelta(hours=1)
    assert cal["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert cal["X-PUBLISHED-TTL"] == "PT1H"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    first, second = cal.events
    assert first["SUMMARY"] == "Acme Corp: Send the files"  # soonest first
    assert first["DTSTART"].params["VALUE"] == "DATE"
    assert first.decoded("DTSTART") == task.due
    assert first.decoded("DTEND") == task.due + timedelta(days=1)
    assert "With:" not in str(first["DESCRIPTION"])  # a task names no contact the plan did not give it
    assert second["SUMMARY"] == "Call with Acme Corp: Tell Dana"
    assert second.decoded("DTSTART") == datetime.combine(call.due, time(9, 15), tzinfo=LONDON)
    assert second.decoded("DURATION") == timedelta(minutes=30)
    assert "• Say when the last day is" in str(second["DESCRIPTION"])
    assert str(second["URL"]) == f"http://testserver/exits/{acme_exit.pk}/"
    body = response.content
    assert b"ATTENDEE" not in body
    assert b"ORGANIZER" not in body
    # The same UID as the call's invitation, so the two are known for the same event.
    invitation = only_event(parse(web_alice.get(invite_url(call))))
    assert second["UID"] == invitation["UID"]


def test_the_feed_leaves_out_what_is_not_the_users_to_do(web_alice, org_a, org_b, alice, bob, charlie, acme):
    mine = make_exit(acme, alice)
    make_step(mine, "upcoming", title="Mine, upcoming")
    make_step(mine, "recent", title="Mine, overdue", due=TODAY - timedelta(days=28))
    make_step(mine, "old", title="Mine, long overdue", due=TODAY - timedelta(days=32))
    make_step(mine, "done", title="Mine, done", done_on=TODAY)
    bobs = make_exit(other_client(org_a, "Beta Ltd"), bob)
    make_step(bobs, "bob", title="Bob's")
    cancelled = make_exit(other_client(org_a, "Gamma Ltd"), alice, state=Exit.State.CANCELLED)
    make_step(cancelled, "cancelled", title="Cancelled exit's")
    # Org B's exit, even one that (by a bad row) named Alice as owner, never shows.
    charlies = make_exit(other_client(org_b, "Bravo Client"), charlie)
    make_step(charlies, "charlie", title="Charlie's")
    strays = make_exit(other_client(org_b, "Stray Client"), alice)
    make_step(strays, "stray", title="Org B's")
    token = create_feed(web_alice)

    cal = parse(HttpClient().get(feed_url(token)))

    titles = [str(event["SUMMARY"]).split(": ", 1)[1] for event in cal.events]
    assert titles == ["Mine, overdue", "Mine, upcoming"]
    assert b"Bravo" not in HttpClient().get(feed_url(token)).content


def test_the_feed_stops_at_its_limit(web_alice, alice, acme_exit, monkeypatch):
    monkeypatch.setattr(exit_selectors, "FEED_LIMIT", 3)
    for days in range(5, 0, -1):
        make_step(acme_exit, f"s{days}", due=TODAY + timedelta(days=days))
    token = create_feed(web_alice)

    cal = parse(HttpClient().get(feed_url(token)))

    assert [event.decoded("DTSTART").date() for event in cal.events] == [
        TODAY + timedelta(days=days) for days in (1, 2, 3)
    ]


def test_the_feed_reads_in_the_same_few_queries_however_many_steps(web_alice, org_a, alice, acme_exit):
    token = create_feed(web_alice)
    make_step(acme_exit, "one")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert HttpClient().get(feed_url(token)).status_code == 200
        return len(captured)

    few = queries()
    for number in range(4):
        exit_ = make_exit(other_client(org_a, f"Client {number}"), alice)
        for key in ("call", "task"):
            make_step(exit_, key, channel=key)
    assert queries() == few


def test_an_empty_feed_is_still_a_calendar(web_alice, alice):
    token = create_feed(web_alice)
    response = HttpClient().get(feed_url(token))
    assert response.status_code == 200
    assert parse(response).events == []


def test_unknown_tokens_are_404_without_detail(alice):
    response = HttpClient().get(feed_url("not-a-real-token"))
    assert response.status_code == 404
    assert b"not-a-real-token" not in response.content
    assert b"CalendarFeed" not in response.content


def test_reading_the_feed_writes_nothing(web_alice, alice):
    token = create_feed(web_alice)
    with CaptureQueriesContext(connection) as captured:
        assert HttpClient().get(feed_url(token)).status_code == 200
        assert HttpClient().head(feed_url(token)).status_code == 200
    writes = [q["sql"] for q in captured if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []


def test_the_feed_needs_no_sign_in_and_takes_no_post(web_alice, alice):
    token = create_feed(web_alice)
    anonymous = HttpClient(enforce_csrf_checks=True)
    assert anonymous.get(feed_url(token)).status_code == 200
    assert anonymous.post(feed_url(token)).status_code == 403  # the CSRF check answers first
    assert HttpClient().post(feed_url(token)).status_code == 405  # and without it, GET and HEAD only
    assert HttpClient().head(feed_url(token)).status_code == 200


def test_a_deactivated_users_feed_stops(web_alice, alice):
    token = create_feed(web_alice)
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert HttpClient().get(feed_url(token)).status_code == 404


def test_an_unchanged_feed_answers_not_modified_and_a_change_shows(web_alice, alice, acme_exit):
    step = make_step(acme_exit, "call", title="Tell Dana")
    url = feed_url(create_feed(web_alice))
    first = HttpClient().get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag
    again = HttpClient().get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert HttpClient().get(url).content == first.content  # the kept body, byte for byte

    ExitStep.objects.filter(pk=step.pk).update(title="Tell Dana and Eli")
    changed = HttpClient().get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert b"Tell Dana and Eli" in changed.content
