"""Reads for exits: the week's dashboard, the list, and one exit's page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from goodterms.accounts.models import Organization
from goodterms.accounts.orgscope import scoped
from goodterms.clients.models import Contact
from goodterms.exits import score as scoring
from goodterms.exits.models import Exit, ExitEvent, ExitStep, ReadinessItem

EVENTS_SHOWN = 100


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
        ExitStep.objects.filter(exit=OuterRef("pk"), kept=False, **lookups)
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


def exit_list(*, org: Organization, state: str = Exit.State.RUNNING) -> QuerySet[Exit]:
    return (
        scoped(Exit, org)
        .filter(state=state)
        .select_related("client", "owner")
        # Correlated counts, computed for the rows of one page only, instead of a join and GROUP BY over
        # every step of every exit.
        .annotate(steps_total=_step_count(), steps_done=_step_count(done_on__isnull=False))
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
    )


def running_exit_for(*, org: Organization, client_id: int) -> Exit | None:
    return scoped(Exit, org).filter(client_id=client_id, state=Exit.State.RUNNING).first()
