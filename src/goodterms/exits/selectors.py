"""Reads for exits: the week's dashboard, the list, one exit's page, the engine's view of an exit, and the
calendar feeds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import models
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from goodterms import playbook
from goodterms.accounts.models import Organization, User, hash_token
from goodterms.accounts.orgscope import across_orgs, scoped
from goodterms.clients.models import Contact
from goodterms.exits import ical
from goodterms.exits import score as scoring
from goodterms.exits.models import CalendarFeed, Exit, ExitEvent, ExitStep, ReadinessItem
from goodterms.lib.vocabulary import CONVERSATIONS, Check, Feeling

EVENTS_SHOWN = 100


@dataclass(frozen=True)
class Suggestion:
    """The playbook the answers lead to, and why, in words the start form shows."""

    playbook_id: str
    title: str
    description: str
    why: str


def playbook_suggested(*, initiated_by: str, reason: str, money_affected: bool, feeling: str) -> Suggestion:
    choice = playbook.choose_playbook(initiated_by, reason, money_affected, feeling == Feeling.SOUR)
    book = playbook.default_playbooks()[choice.playbook_id]
    return Suggestion(choice.playbook_id, book.title, book.description, choice.why)


def playbook_suggested_for(*, exit_: Exit) -> Suggestion:
    return playbook_suggested(
        initiated_by=exit_.initiated_by,
        reason=exit_.reason,
        money_affected=exit_.money_affected,
        feeling=exit_.feeling,
    )


DASHBOARD_ROWS = 100
EXITS_PAGE_SIZE = 50


def due_steps(*, org: Organization, since: date | None, until: date) -> QuerySet[ExitStep]:
    """Steps not done and due between `since` (None: any time before) and `until`, in running exits, soonest
    first, with only the columns a list of steps shows."""
    steps = scoped(ExitStep, org).filter(exit__state=Exit.State.RUNNING, done_on__isnull=True, due__lte=until)
    if since is not None:
        steps = steps.filter(due__gte=since)
    return (
        steps.select_related("exit__client")
        .only("due", "title", "channel", "closed_gates", "exit__client__name")
        .order_by("due", "exit_id", "position")
    )


def _step_count(**lookups: object) -> Subquery:
    steps = (
        across_orgs(ExitStep)  # correlated to the scoped list of exits
        .filter(exit=OuterRef("pk"), kept=False, **lookups)
        .order_by()
        .values("exit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(steps), 0)  # type: ignore[return-value]


def running_count(*, org: Organization) -> int:
    return scoped(Exit, org).filter(state=Exit.State.RUNNING).count()


def week_end(today: date) -> date:
    """The dashboard's week: today and the next six days."""
    return today + timedelta(days=6)


class ListTab(models.TextChoices):
    """The exits list's tabs. Each exit is in exactly one: running until its last day, ended after it,
    or cancelled (whatever its dates)."""

    RUNNING = "running", "Running"
    ENDED = "ended", "Ended"
    CANCELLED = "cancelled", "Cancelled"


def _tab_filter(tab: str, today: date) -> Q:
    if tab == ListTab.CANCELLED:
        return Q(state=Exit.State.CANCELLED)
    if tab == ListTab.ENDED:
        return Q(state=Exit.State.RUNNING, end_date__lt=today)
    return Q(state=Exit.State.RUNNING, end_date__gte=today)


def _search_filter(org: Organization, q: str) -> Q:
    """A client's name, or the name of one of its contacts, containing `q`."""
    people = scoped(Contact, org).filter(name__icontains=q).values("client_id")
    return Q(client__name__icontains=q) | Q(client_id__in=people)


def exit_list(
    *, org: Organization, tab: str = ListTab.RUNNING, q: str = "", today: date | None = None
) -> QuerySet[Exit]:
    today = today or timezone.localdate()
    exits = scoped(Exit, org).filter(_tab_filter(tab, today))
    if q:
        exits = exits.filter(_search_filter(org, q))
    # Running: the soonest last day first; ended and cancelled: the latest first.
    order = ("end_date", "pk") if tab == ListTab.RUNNING else ("-end_date", "-pk")
    return (
        exits.select_related("client", "owner", "organization")
        # Correlated counts, computed for the rows of one page only, instead of a join and GROUP BY over
        # every step of every exit.
        .annotate(steps_total=_step_count(), steps_done=_step_count(done_on__isnull=False))
        .order_by(*order)
    )


def exit_tab_counts(*, org: Organization, q: str = "", today: date | None = None) -> dict[str, int]:
    """How many exits each tab holds (for the same search), from one query."""
    today = today or timezone.localdate()
    exits = scoped(Exit, org)
    if q:
        exits = exits.filter(_search_filter(org, q))
    counts = exits.aggregate(**{tab: Count("pk", filter=_tab_filter(tab, today)) for tab in ListTab.values})
    return {tab: int(counts[tab] or 0) for tab in ListTab.values}


def exit_scores(*, exits: Sequence[Exit]) -> dict[int, scoring.Score]:
    """The graceful-exit score of each exit of a page, from three queries for the whole page."""
    if not exits:
        return {}
    org = exits[0].organization
    ids = [exit_.pk for exit_ in exits]
    steps: dict[int, list[ExitStep]] = {pk: [] for pk in ids}
    for step in scoped(ExitStep, org).filter(exit__in=ids).order_by("due", "position"):
        steps[step.exit_id].append(step)
    items: dict[int, list[ReadinessItem]] = {pk: [] for pk in ids}
    for item in scoped(ReadinessItem, org).filter(exit__in=ids):
        items[item.exit_id].append(item)
    clients = {exit_.client_id for exit_ in exits}
    people = dict(
        scoped(Contact, org)
        .filter(client__in=clients)
        .order_by()
        .values("client")
        .annotate(n=Count("pk"))
        .values_list("client", "n")
    )
    return {
        exit_.pk: scoring.score(exit_, steps[exit_.pk], items[exit_.pk], people.get(exit_.client_id, 0))
        for exit_ in exits
    }


def playbook_titles() -> dict[str, str]:
    """Each playbook's title by its id, for pages that list exits."""
    return {book_id: book.title for book_id, book in playbook.default_playbooks().items()}


@dataclass(frozen=True)
class ExitPage:
    exit: Exit
    steps: list[ExitStep]
    items: list[ReadinessItem]
    events: list[ExitEvent]
    contacts: list[Contact]
    score: scoring.Score
    plan: playbook.Plan | None  # the engine's answer for the stored facts: its warnings and the notice owed

    @property
    def open_items(self) -> list[ReadinessItem]:
        return [item for item in self.items if item.done_at is None]


def exit_page(*, exit_: Exit) -> ExitPage:
    org = exit_.organization
    steps = list(
        scoped(ExitStep, org).filter(exit=exit_).select_related("done_by").order_by("due", "position")
    )
    items = list(scoped(ReadinessItem, org).filter(exit=exit_))
    events = list(scoped(ExitEvent, org).filter(exit=exit_).select_related("user")[:EVENTS_SHOWN])
    contacts = list(scoped(Contact, org).filter(client=exit_.client).order_by("name", "pk"))
    return ExitPage(
        exit=exit_,
        steps=steps,
        items=items,
        events=events,
        contacts=contacts,
        score=scoring.score(exit_, steps, items, len(contacts)),
        plan=exit_plan(exit_=exit_, steps=steps, items=items) if exit_.is_running else None,
    )


def running_exit_for(*, org: Organization, client_id: int) -> Exit | None:
    return scoped(Exit, org).filter(client_id=client_id, state=Exit.State.RUNNING).first()


# --- the engine's view of an exit --------------------------------------------------------------------


def readiness_passed(*, exit_: Exit, items: Iterable[ReadinessItem] | None = None) -> bool:
    """The job is really over: every deliverable delivered and invoice paid, or an override with a reason."""
    if exit_.readiness_override:
        return True
    items = scoped(ReadinessItem, exit_.organization).filter(exit=exit_) if items is None else items
    return all(item.done_at is not None for item in items)


def exit_facts(
    *, exit_: Exit, steps: Iterable[ExitStep], items: Iterable[ReadinessItem] | None = None
) -> playbook.ExitFacts:
    """The engine's view of an exit: dates, who and why, contacts, what is done or moved, and the checks."""
    org = exit_.organization
    contacts = scoped(Contact, org).filter(client=exit_.client_id).order_by("name", "pk")
    steps = list(steps)
    return playbook.ExitFacts(
        notice_date=exit_.notice_date,
        end_date=exit_.end_date,
        initiated_by=exit_.initiated_by,
        reason=exit_.reason,
        money_affected=exit_.money_affected,
        sour=exit_.sour,
        contacts=tuple(
            playbook.Contact(key=str(c.pk), name=c.name, prefers=c.preferred_channel) for c in contacts
        ),
        country=org.country or None,
        policy=org.notice_policy(),
        contract_notice_days=exit_.client.contract_notice_days,
        done={s.key: s.done_on for s in steps if s.done_on is not None},
        moved={s.key: s.moved_to for s in steps if s.moved_to is not None},
        channels={s.key: s.done_as or s.channel_chosen for s in steps if s.done_as or s.channel_chosen},
        passed_checks=frozenset({Check.READINESS.value})
        if readiness_passed(exit_=exit_, items=items)
        else frozenset(),
        planned_on=timezone.localdate(exit_.created_at),
    )


def exit_plan(
    *, exit_: Exit, steps: Iterable[ExitStep], items: Iterable[ReadinessItem] | None = None
) -> playbook.Plan:
    """The plan the engine makes from the stored facts, today: read only (its warnings, the notice owed).
    The stored steps are the plan as the last write made it; the engine is pure, so this writes nothing."""
    facts = exit_facts(exit_=exit_, steps=steps, items=items)
    return playbook.plan(facts, playbook.default_playbooks()[exit_.playbook_id], timezone.localdate())


def gate_phrase(*, step: ExitStep) -> str:
    """'the call is done and the checklist is complete': what a locked step waits for, in words."""
    titles = dict(scoped(ExitStep, step.organization).filter(exit=step.exit_id).values_list("key", "title"))
    parts = []
    for gate in step.closed_gates:
        if gate == Check.READINESS:
            parts.append("every deliverable is delivered and every invoice paid")
        else:
            parts.append(f"“{titles.get(gate, gate)}” is done")
    return " and ".join(parts) or "its gates open"


def waits_for(*, step: ExitStep, titles: dict[str, str]) -> list[str]:
    """What a locked step waits for, one short name each: a step's title or "the checklist"."""
    return [
        Check.READINESS.label if gate == Check.READINESS else titles.get(gate, gate)
        for gate in step.closed_gates
    ]


# --- calendar ------------------------------------------------------------------------------------------

FEED_LIMIT = 1000
FEED_PAST = timedelta(days=30)  # overdue steps stay visible for a month, then drop off the calendar
# Every value an event is made from; the last is the client's id, for the contacts of calls.
FINGERPRINT_FIELDS = (
    "pk",
    "exit_id",
    "due",
    "at_time",
    "title",
    "why",
    "channel",
    "talking_points",
    "contact_id",
    "contact_name",
    "attendee_ids",
    "minutes",
    "exit__client__name",
    "exit__client_id",
)


def calendar_feed(*, org: Organization, user: User) -> CalendarFeed | None:
    return scoped(CalendarFeed, org).filter(user=user).first()


def calendar_feed_by_token(*, token: str) -> CalendarFeed | None:
    """The feed a public address names, if its token is known and its user may still read it. Hashing first
    means an unknown token costs the same index lookup; the feed's row names the organization."""
    feed = (
        across_orgs(CalendarFeed)
        .select_related("user", "organization")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if feed is None or not feed.user.is_active or feed.user.organization_id != feed.organization_id:
        return None
    return feed


def invitation_contacts(*, step: ExitStep) -> list[Contact]:
    """The client's people, primary first: whom a call's invitation may be with."""
    return list(
        scoped(Contact, step.organization).filter(client=step.exit.client_id).order_by("-is_primary", "name")
    )


@dataclass(frozen=True)
class Attendees:
    """Whom a call or meeting is with, and whether the user chose them or the plan proposes them."""

    people: list[Contact]
    chosen: bool

    @property
    def why(self) -> str:
        if self.chosen:
            return "you chose"
        if not self.people:
            return "nobody chosen yet"
        return "proposed: the primary contact" if self.people[0].is_primary else "proposed: the step's person"


def step_attendees(*, step: ExitStep, contacts: Sequence[Contact] | None = None) -> Attendees:
    people = ical.attendees(step, invitation_contacts(step=step) if contacts is None else contacts)
    return Attendees(people, chosen=bool(step.attendee_ids))


def meeting_attendees(*, exit_: Exit, steps: Iterable[ExitStep]) -> dict[int, Attendees]:
    """The attendees of each call and meeting on an exit's page, from one read of the client's people."""
    contacts = list(
        scoped(Contact, exit_.organization).filter(client=exit_.client_id).order_by("-is_primary", "name")
    )
    return {step.pk: step_attendees(step=step, contacts=contacts) for step in steps if step.is_meeting}


def record_length(*, exit_: Exit) -> int:
    """How many lines the exit's record has. Every change adds one, so it serves as an event's SEQUENCE."""
    return scoped(ExitEvent, exit_.organization).filter(exit=exit_).count()


@dataclass(frozen=True)
class FeedSnapshot:
    """What a user's feed is made from: the steps, and the plain values the feed's fingerprint is made of."""

    steps: QuerySet[ExitStep]
    rows: Sequence[tuple[object, ...]]
    record_lengths: dict[int, int]
    contacts: QuerySet[Contact]
    contact_rows: Sequence[tuple[object, ...]]


def feed_snapshot(*, feed: CalendarFeed, today: date) -> FeedSnapshot:
    """The user's steps not done in running exits they look after, from a month ago on, with the record
    lengths of their exits and the contacts of the clients with calls: four small queries, as tuples."""
    org, user = feed.organization, feed.user
    upcoming = (
        scoped(ExitStep, org)
        .filter(
            exit__state=Exit.State.RUNNING, exit__owner=user, done_on__isnull=True, due__gte=today - FEED_PAST
        )
        .order_by("due", "exit_id", "position", "pk")[:FEED_LIMIT]
    )
    rows = list(upcoming.values_list(*FINGERPRINT_FIELDS))
    exit_ids = {row[1] for row in rows}
    record_lengths = dict(
        scoped(ExitEvent, org)
        .filter(exit__in=exit_ids)
        .order_by()  # without the model's ordering, which would join the GROUP BY
        .values("exit")
        .annotate(lines=Count("pk"))
        .values_list("exit", "lines")
    )
    with_calls = {row[-1] for row in rows if row[6] in CONVERSATIONS}  # only calls pick a contact
    contacts = scoped(Contact, org).filter(client__in=with_calls).order_by("-is_primary", "name", "pk")
    contact_rows = list(contacts.values_list("client_id", "pk", "name", "email", "phone", "is_primary"))
    return FeedSnapshot(
        steps=upcoming, rows=rows, record_lengths=record_lengths, contacts=contacts, contact_rows=contact_rows
    )


def contact_steps_data(*, org: Organization, contact: Contact) -> dict[str, Any]:
    """The plan's steps that name this contact, for the export of their data."""
    steps = scoped(ExitStep, org).filter(contact=contact).order_by("due", "pk")
    return {
        "steps": [
            {
                "title": s.title,
                "due": s.due.isoformat(),
                "done_on": s.done_on.isoformat() if s.done_on else None,
            }
            for s in steps
        ]
    }
