"""Calendar files for exits: one call's invitation (.ics) and each user's private feed.

Plain functions over rows the views have already read and scoped: nothing here queries the database, so
every field can be tested by parsing the bytes back. The invitation and the feed give a step the same UID,
so a calendar that holds both knows them for the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import icalendar
from django.utils import timezone
from django.utils.text import slugify

from goodterms import __version__
from goodterms.exits.signals import FeedItem

if TYPE_CHECKING:
    from goodterms.accounts.models import User
    from goodterms.clients.models import Contact
    from goodterms.exits.models import ExitStep

PRODID = f"-//goodterms//goodterms {__version__}//EN"
DEFAULT_MINUTES = 30
FEED_REFRESH = timedelta(hours=1)
# The VTIMEZONE only has to cover the events; a year either side keeps it short and still correct.
ZONE_MARGIN = timedelta(days=366)

# Control characters other than tab and newline are not allowed in iCalendar text (RFC 5545 3.3.11).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def step_uid(step: ExitStep, host: str) -> str:
    """Stable for the step's life: a re-download or a feed refresh updates the event, never adds one."""
    return f"goodterms-step-{step.pk}@{host}"


def attendees(step: ExitStep, contacts: Sequence[Contact]) -> list[Contact]:
    """Whom the call is with: the people the user chose, else the step's own person, else the client's
    primary contact; nobody when none of these is known (the exit page asks the user, nobody is guessed).

    `contacts` are the client's contacts (the chosen ones are looked up among them, so a removed contact or
    one of another client drops out).
    """
    if step.attendee_ids:
        by_pk = {c.pk: c for c in contacts}
        return [by_pk[pk] for pk in step.attendee_ids if pk in by_pk]
    if step.contact_id is not None and step.contact is not None:
        return [step.contact]
    primary = next((c for c in contacts if c.is_primary), None)
    return [primary] if primary is not None else []


def invitation_filename(step: ExitStep) -> str:
    """'call-acme-corp-2026-03-30.ics': ASCII only, so every browser saves it under this name."""
    slug = slugify(step.exit.client.name) or "client"
    return f"{step.channel}-{slug}-{step.due.isoformat()}.ics"


def step_invitation(
    step: ExitStep,
    *,
    organizer: User,
    tz: ZoneInfo,
    host: str,
    contacts: Sequence[Contact] = (),
    sequence: int = 0,
    now: datetime | None = None,
) -> bytes:
    """One call or meeting as an .ics file the user imports into their calendar and sends from there."""
    calendar = _calendar()
    # METHOD:PUBLISH, not REQUEST. REQUEST is the iTIP message an organizer sends to the attendees, so a file
    # that says REQUEST is read as an invitation *to* whoever opens it: Outlook opens it as a meeting request
    # to accept or decline, and mail clients show answer buttons. Here the one who opens the file is the
    # organizer. A PUBLISH file is what Outlook (open the .ics), Google Calendar (Settings > Import) and
    # Thunderbird (File > Open > Calendar File) add as an ordinary event of the user's own, which they then
    # open, check and send: the invitation the client receives is the one their calendar writes, as REQUEST.
    # RFC 5546 has no ATTENDEE in a PUBLISH, so a strict reader may drop it; the contact's name is in
    # DESCRIPTION as well.
    calendar.add("method", "PUBLISH")
    if step.at_time is None:
        raise ValueError("an invitation needs the time the user chose")
    people = attendees(step, contacts)
    # The client receives this event's title and description when the user sends it, so they say only what a
    # client may read: who talks with whom, and the talking points only when the user chose to share them.
    # The why stays private, on the exit page and in the user's own feed.
    event = _event(step, tz=tz, host=host, sequence=sequence, now=now, people=people)
    event.pop("summary")
    event.pop("description")
    summary, description = invitation_text(step, organizer=organizer, people=people)
    event.add("summary", summary)
    event.add("description", _text(description))
    event.add("organizer", _address(organizer.email, organizer.name))
    for person in people:
        if person.email:
            attendee = _address(person.email, person.name)
            attendee.params["ROLE"] = "REQ-PARTICIPANT"
            event.add("attendee", attendee)
    calendar.add_component(event)
    _add_zones(calendar, [step.due])
    body: bytes = calendar.to_ical()
    return body


def invitation_text(step: ExitStep, *, organizer: User, people: Sequence[Contact]) -> tuple[str, str]:
    """The invitation's title and description: what the client receives, so the meeting page shows it."""
    summary = _line(f"{_channel_word(step)}: {step.organization.name} and {step.exit.client.name}")
    names = _listed([_line(person.name) for person in people])
    org = _line(step.organization.name)
    with_whom = f" and {names}" if names else ""
    description = f"A {_channel_word(step).lower()} between {_line(organizer.name)} ({org}){with_whom}."
    points = _points(step)
    if step.share_talking_points and points:
        description += "\n\nWhat we would like to talk about:\n" + "\n".join(f"• {point}" for point in points)
    phones = [f"{_line(p.name)}: {_line(p.phone)}" for p in people if p.phone]
    if phones:
        description += "\n\nPhone:\n" + "\n".join(phones)
    return summary, description


def feed_calendar(
    steps: Iterable[ExitStep],
    *,
    user: User,
    tz: ZoneInfo,
    host: str,
    name: str = "",
    contacts: Mapping[int, Sequence[Contact]] | None = None,
    sequences: Mapping[int, int] | None = None,
    link: Callable[[ExitStep], str] | None = None,
    now: datetime | None = None,
    extra: Sequence[FeedItem] = (),
) -> bytes:
    """A user's upcoming steps as a subscribable calendar: calls and meetings timed, the rest all-day.

    No ORGANIZER and no ATTENDEE: a subscribed calendar must hold plain events, not invitations that a
    client offers to send or answer. `contacts` maps a client's id to its contacts (for the phone number in
    the description), `sequences` a step's id to its SEQUENCE, and `link` gives a step's page in goodterms.
    """
    calendar = _calendar()
    calendar.add("method", "PUBLISH")
    # icalendar does not escape NAME and X-WR-CALNAME (a newline fails an assertion): _line() makes them safe.
    title = _line(name or f"goodterms — {user.name or user.email}")
    calendar.add("name", title)  # RFC 7986
    calendar.add("x-wr-calname", title)  # what Google Calendar, Outlook and Apple read
    calendar.add("x-wr-timezone", tz.key)
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})  # RFC 7986
    # The older spelling Outlook reads. An X- property has no known type, so the duration is typed here
    # (a bare timedelta would come out as "1:00:00").
    calendar.add("x-published-ttl", icalendar.vDuration(FEED_REFRESH))
    dates = []
    for step in steps:
        # A call is with someone even when the plan names nobody; an email or a task names only its own.
        client_contacts = (contacts or {}).get(step.exit.client_id, ()) if step.is_meeting else ()
        people = attendees(step, client_contacts) if step.is_meeting else []
        if not step.is_meeting and step.contact_id is not None and step.contact is not None:
            people = [step.contact]
        event = _event(
            step,
            tz=tz,
            host=host,
            sequence=(sequences or {}).get(step.pk, 0),
            now=now,
            people=people,
            url=link(step) if link else "",
        )
        calendar.add_component(event)
        dates.append(step.due)
    for item in extra:  # other apps' all-day events (aftercare's touchpoints): reminders, not invitations
        event = icalendar.Event()
        event.add("uid", f"{item.uid_part}@{host}")
        event.add("dtstamp", now or timezone.now())
        event.add("summary", _line(item.summary))
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        event.add("description", item.description)
        if item.url:
            event.add("url", item.url)
        calendar.add_component(event)
    _add_zones(calendar, dates)
    body: bytes = calendar.to_ical()
    return body


def _calendar() -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    return calendar


def _event(
    step: ExitStep,
    *,
    tz: ZoneInfo,
    host: str,
    sequence: int,
    now: datetime | None,
    people: Sequence[Contact],
    url: str = "",
) -> icalendar.Event:
    """The part the invitation and the feed share: what, when, why, and with whom."""
    event = icalendar.Event()
    event.add("uid", step_uid(step, host))
    event.add("dtstamp", now or timezone.now())
    event.add("sequence", max(sequence, 0))
    event.add("summary", _summary(step))
    if step.is_meeting and step.at_time is not None:
        event.add("dtstart", datetime.combine(step.due, step.at_time, tzinfo=tz))
        event.add("duration", timedelta(minutes=step.minutes or DEFAULT_MINUTES))
        event.add("transp", "OPAQUE")
    else:
        # An all-day reminder that does not make the user look busy to people booking them.
        event.add("dtstart", step.due)
        event.add("dtend", step.due + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    event.add("description", _description(step, people))
    if url:
        event.add("url", url)
    return event


def _channel_word(step: ExitStep) -> str:
    return "Meeting" if step.channel == "meeting" else "Call"


def _summary(step: ExitStep) -> str:
    client = step.exit.client.name
    if step.channel == "call":
        text = f"Call with {client}: {step.title}"
    elif step.channel == "meeting":
        text = f"Meeting with {client}: {step.title}"
    else:
        text = f"{client}: {step.title}"
    if step.is_meeting and step.at_time is None:
        text += " (no time set)"
    return _line(text)


def _points(step: ExitStep) -> list[str]:
    return [_line(str(point)) for point in step.talking_points or [] if str(point).strip()]


def _listed(names: list[str]) -> str:
    """Dana; Dana and Eli; Dana, Eli and Fay."""
    names = [name for name in names if name]
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _description(step: ExitStep, people: Sequence[Contact]) -> str:
    """Why the step matters, the talking points as a list, and who to reach and how (the user's own feed)."""
    parts = []
    if step.why.strip():
        parts.append(_text(step.why.strip()))
    points = _points(step)
    if points:
        parts.append("Talking points:\n" + "\n".join(f"• {point}" for point in points))
    if people:
        for person in people:
            lines = [f"With: {_line(person.name)}"]
            if person.email:
                lines.append(f"Email: {_line(person.email)}")
            if person.phone:
                lines.append(f"Phone: {_line(person.phone)}")
            parts.append("\n".join(lines))
    elif _line(step.contact_name):
        parts.append(f"With: {_line(step.contact_name)}")
    return "\n\n".join(parts)


def _address(email: str, name: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{_line(email)}")
    if _line(name):
        address.params["CN"] = _line(name)  # quoted and RFC 6868-escaped by icalendar
    return address


def _line(value: str) -> str:
    """One line of text: CR, LF and other control characters become spaces, runs of space one space."""
    return " ".join(_CONTROL.sub(" ", value.replace("\r", " ").replace("\n", " ")).split())


def _text(value: str) -> str:
    """Text that may keep its line breaks (icalendar writes them as \\n); other control characters go."""
    return _CONTROL.sub(" ", value.replace("\r\n", "\n").replace("\r", "\n"))


def _add_zones(calendar: icalendar.Calendar, dates: Sequence[date]) -> None:
    """VTIMEZONE for every TZID used, so a client that does not know the zone's name still gets the times."""
    if dates:
        first, last = min(dates) - ZONE_MARGIN, max(dates) + ZONE_MARGIN
        calendar.add_missing_timezones(first_date=first, last_date=last)
