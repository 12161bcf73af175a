"""Reads for exits: the week's dashboard, the list, and one exit's page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet

from goodterms.accounts.models import Organization
from goodterms.accounts.orgscope import scoped
from goodterms.clients.models import Contact
from goodterms.exits import score as scoring
from goodterms.exits.models import Exit, ExitEvent, ExitStep, ReadinessItem

EVENTS_SHOWN = 100


def due_steps(*, org: Organization, until: date) -> QuerySet[ExitStep]:
    """Steps not done and due on or before `until` (overdue included), in running exits, soonest first."""
    return (
        scoped(ExitStep, org)
        .filter(exit__state=Exit.State.RUNNING, done_on__isnull=True, due__lte=until)
        .select_related("exit__client")
        .order_by("due", "exit_id", "position")
    )


def week_end(today: date) -> date:
    """The dashboard's week: today and the next six days."""
    return today + timedelta(days=6)


def exit_list(*, org: Organization, state: str = Exit.State.RUNNING) -> QuerySet[Exit]:
    return (
        scoped(Exit, org)
        .filter(state=state)
        .select_related("client", "owner")
        .annotate(
            steps_total=Count("steps", filter=Q(steps__kept=False)),
            steps_done=Count("steps", filter=Q(steps__done_on__isnull=False, steps__kept=False)),
        )
        .order_by("end_date", "pk")
    )


@dataclass(frozen=True)
class ExitPage:
    exit: Exit
    steps: list[ExitStep]
    items: list[ReadinessItem]
    events: list[ExitEvent]
    contacts: list[Contact]
    score: scoring.Score

    @property
    def open_items(self) -> list[ReadinessItem]:
        return [item for item in self.items if item.done_at is None]


def exit_page(*, exit_: Exit) -> ExitPage:
    org = exit_.organization
    steps = list(scoped(ExitStep, org).filter(exit=exit_).order_by("due", "position"))
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
    )


def running_exit_for(*, org: Organization, client_id: int) -> Exit | None:
    return scoped(Exit, org).filter(client_id=client_id, state=Exit.State.RUNNING).first()
