"""Reads for aftercare: the keep-in-touch schedule and who is losing touch, whether an ask is fair, what a
user's digest holds, and what the exit survey said."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Max, QuerySet
from django.utils import timezone

from goodterms.accounts.models import Organization, User, user_zone
from goodterms.accounts.orgscope import scoped
from goodterms.aftercare.models import (
    DEFAULT_IDEAL_DAYS,
    DEFAULT_MAX_DAYS,
    DEFAULT_MONTHS,
    Ask,
    Cadence,
    DigestChoice,
    Touch,
    Touchpoint,
)
from goodterms.clients.models import Client, Contact
from goodterms.exits import selectors as exit_selectors
from goodterms.exits.models import Exit, ExitStep
from goodterms.exits.signals import FeedItem
from goodterms.lib.vocabulary import QuestionKind, Situation
from goodterms.survey import selectors as survey_selectors

TOUCHPOINT_TIME = time(9, 0)  # a touchpoint comes due at 09:00 on its day, in the user's time zone
ASK_GAP_DAYS = 90  # at most one ask of each kind per person in this many days
ASK_TRIES = 3  # and at most this many without a yes
DETRACTOR_MAX = 6  # a recommend score of 6 or less: no asks, a repair check-in instead

# --- what the exit survey said ---------------------------------------------------------------------------
# The exit survey sits below aftercare: a person's recommend score decides whether to ask them for anything,
# their consenting quotes are testimonials, and its ratings feed the insights.


def recommend_score(*, org: Organization, contact: Contact) -> int | None:
    """The person's latest "would you recommend" score (0-10) from the exit survey, or None."""
    return survey_selectors.recommend_score_for_contact(org, contact)


def survey_testimonials(*, org: Organization, contact: Contact) -> list[tuple[str, str, datetime]]:
    """The person's survey quotes they agreed to have used: (text, consent wording, when), newest first."""
    return [
        (quote.quote, quote.consent_wording, quote.consented_at)
        for quote in survey_selectors.testimonials_consented(org, contact)
    ]


@dataclass(frozen=True)
class SurveyFigures:
    """The survey's figures for the insights page: each rating question's (label, answers, mean out of 5),
    and every recommend score given (previews excluded by the survey)."""

    ratings: tuple[tuple[str, int, float], ...]
    recommend: tuple[int, ...]


def survey_figures(*, org: Organization) -> SurveyFigures | None:
    """None when nobody has answered the survey yet (a member's preview is never stored, so never counted)."""
    results = survey_selectors.results(org=org)
    ratings = tuple(
        (q.text, q.answered, float(q.average))
        for q in results.questions
        if q.kind == QuestionKind.RATING and q.average is not None
    )
    recommend = tuple(v for q in results.questions if q.kind == QuestionKind.SCORE for v in q.values)
    if not ratings and not recommend:
        return None
    return SurveyFigures(ratings=ratings, recommend=recommend)


# --- the schedule ----------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day (31 January + 1 month is 28 or 29 February)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def due_moment(day: date, zone: ZoneInfo) -> datetime:
    """09:00 on `day` in `zone`, as a UTC moment (09:00 exists on every day, daylight saving or not)."""
    return datetime.combine(day, TOUCHPOINT_TIME, tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class Pace:
    months: tuple[int, ...]
    ideal_days: int
    max_days: int
    own: bool  # the client's own, not the organization's default


def pace_for(*, org: Organization, client: Client | None = None) -> Pace:
    """The client's own cadence, else the organization's, else the shipped one (1, 3, 6, 12 months)."""
    rows = {c.client_id: c for c in scoped(Cadence, org).filter(client__in=[client] if client else [])}
    default = scoped(Cadence, org).filter(client__isnull=True).first()
    row = rows.get(client.pk) if client else None
    row = row or default
    if row is None:
        return Pace(tuple(DEFAULT_MONTHS), DEFAULT_IDEAL_DAYS, DEFAULT_MAX_DAYS, own=False)
    return Pace(
        tuple(row.months or DEFAULT_MONTHS), row.ideal_days, row.max_days, own=row.client_id is not None
    )


def person_for(exit_: Exit) -> User | None:
    """Whose time zone, calendar and digest an exit's aftercare goes by: its owner, else who started it."""
    return exit_.owner or exit_.created_by


def zone_for(exit_: Exit) -> ZoneInfo:
    person = person_for(exit_)
    return user_zone(person) if person is not None else ZoneInfo(timezone.get_default_timezone_name())


def touchpoints(*, exit_: Exit) -> QuerySet[Touchpoint]:
    return scoped(Touchpoint, exit_.organization).filter(exit=exit_).select_related("contact", "message")


@dataclass(frozen=True)
class Planned:
    """A touchpoint after the next one: not written yet (each is written when its predecessor is due)."""

    number: int
    months: int
    day: date


def planned_after(*, exit_: Exit, pace: Pace, rows: Sequence[Touchpoint]) -> list[Planned]:
    """The touchpoints still to come after the last written one, as they stand today."""
    if not rows:
        start = 0
        base_day, base_months = exit_.end_date, 0
    else:
        last = max(rows, key=lambda t: t.number)
        start = last.number
        base_day = last.due_at.astimezone(zone_for(exit_)).date()
        base_months = last.months
    later = [m for m in pace.months if m > base_months][: max(0, len(pace.months) - start)]
    return [
        Planned(number=start + i + 1, months=m, day=add_months(base_day, m - base_months))
        for i, m in enumerate(later)
    ]


def touches(*, exit_: Exit) -> QuerySet[Touch]:
    return scoped(Touch, exit_.organization).filter(exit=exit_).select_related("contact", "user")


# --- keeping in touch ------------------------------------------------------------------------------------

IN_TOUCH, DUE, LOSING = "in-touch", "due", "losing-touch"
KEEPING_LABELS = {IN_TOUCH: "In touch", DUE: "Time to get in touch", LOSING: "Losing touch"}


@dataclass(frozen=True)
class Keeping:
    exit: Exit
    last: date  # the last contact after the end, or the end itself
    days: int
    state: str  # IN_TOUCH, DUE or LOSING
    ideal_days: int
    max_days: int

    @property
    def label(self) -> str:
        return KEEPING_LABELS[self.state]


def keeping_state(days: int, ideal_days: int, max_days: int) -> str:
    """Past the maximum interval: losing touch; past the ideal one: due; else in touch."""
    if days > max_days:
        return LOSING
    if days > ideal_days:
        return DUE
    return IN_TOUCH


def former_clients(*, org: Organization, today: date) -> list[Keeping]:
    """Every former client (a running exit whose last day has passed), longest without contact first."""
    exits = (
        scoped(Exit, org)
        .filter(state=Exit.State.RUNNING, end_date__lt=today)
        .select_related("client")
        .annotate(last_touch=Max("touches__at"))
        .order_by("end_date", "pk")
    )
    cadences = {c.client_id: c for c in scoped(Cadence, org)}
    default = cadences.get(None)
    rows = []
    for exit_ in exits:
        own = cadences.get(exit_.client_id) or default
        ideal = own.ideal_days if own else DEFAULT_IDEAL_DAYS
        most = own.max_days if own else DEFAULT_MAX_DAYS
        last: date = exit_.end_date
        if exit_.last_touch is not None:
            last = max(last, timezone.localdate(exit_.last_touch))
        days = (today - last).days
        rows.append(Keeping(exit_, last, days, keeping_state(days, ideal, most), ideal, most))
    rows.sort(key=lambda k: -k.days)
    return rows


# --- asks ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AskVerdict:
    allowed: bool
    reason: str  # why not, for the user; "" when allowed
    repair: bool = False  # suggest a repair check-in instead


def ask_verdict(
    *, exit_: Exit, contact: Contact, kind: str, today: date, recommend: int | None
) -> AskVerdict:
    """May the user ask this person for a referral (or a testimonial) now? Never after a sour ending or
    a recommend score of 6 or less; at most once per 90 days; at most three times without a yes."""
    label = Ask.Kind(kind).label.lower()
    if exit_.sour or exit_.playbook_id == Situation.SOUR:
        return AskVerdict(
            False,
            f"No {label}: this ending was sour. Mend things first with a repair check-in: ask how they "
            "are doing, and listen.",
            repair=True,
        )
    if recommend is not None and recommend <= DETRACTOR_MAX:
        return AskVerdict(
            False,
            f"No {label}: {contact.name} answered {recommend} out of 10 to “would you recommend”. A repair "
            "check-in comes first: ask what would have made it better.",
            repair=True,
        )
    asks = list(
        scoped(Ask, exit_.organization).filter(contact=contact, kind=kind).order_by("-asked_on", "-pk")
    )
    if asks and (today - asks[0].asked_on).days < ASK_GAP_DAYS:
        again = asks[0].asked_on + timedelta(days=ASK_GAP_DAYS)
        return AskVerdict(
            False,
            f"You asked {contact.name} on {asks[0].asked_on:%-d %B %Y}; ask again from {again:%-d %B %Y}.",
        )
    since_yes = 0
    for ask in asks:
        if ask.answer == Ask.Answer.YES:
            break
        since_yes += 1
    if since_yes >= ASK_TRIES:
        return AskVerdict(
            False,
            f"You asked {contact.name} {since_yes} times without a yes: goodterms stops suggesting it. "
            "Keep in touch; they know where to find you.",
        )
    return AskVerdict(True, "")


def asks(*, exit_: Exit) -> QuerySet[Ask]:
    return scoped(Ask, exit_.organization).filter(exit=exit_).select_related("contact")


# --- the digest ------------------------------------------------------------------------------------------


def digest_choice(*, user: User) -> DigestChoice:
    """The user's digest settings (on at 08:00 until they choose), not saved here."""
    assert user.organization is not None
    found = scoped(DigestChoice, user.organization).filter(user=user).first()
    return found or DigestChoice(organization=user.organization, user=user)


DIGEST_SECTION_LIMIT = 50  # lines per section of the email; the rest are counted, never dropped silently


@dataclass(frozen=True)
class DigestItems:
    steps: list[ExitStep]
    touchpoints: list[Touchpoint]
    asks: list[Ask]
    # How many there are in all, when a section holds only the first DIGEST_SECTION_LIMIT.
    totals: tuple[int, int, int] | None = None

    @property
    def count(self) -> int:
        if self.totals is not None:
            return sum(self.totals)
        return len(self.steps) + len(self.touchpoints) + len(self.asks)


def _first_of(rows: QuerySet[Any]) -> tuple[list[Any], int]:
    """The first DIGEST_SECTION_LIMIT rows, and how many in all (counted only when there are more)."""
    first = list(rows[: DIGEST_SECTION_LIMIT + 1])
    if len(first) <= DIGEST_SECTION_LIMIT:
        return first, len(first)
    return first[:DIGEST_SECTION_LIMIT], rows.count()


def digest_items(*, user: User, now: datetime) -> DigestItems:
    """What is due for the user on their local day: steps of running exits they look after, touchpoints
    due (never a cancelled or done one, nor one of a cancelled exit), and asks waiting for an answer."""
    org = user.organization
    assert org is not None
    today = now.astimezone(user_zone(user)).date()
    steps, step_total = _first_of(
        exit_selectors.due_steps(org=org, since=None, until=today).filter(exit__owner=user)
    )
    due_points, point_total = _first_of(
        scoped(Touchpoint, org)
        .filter(
            exit__state=Exit.State.RUNNING,
            exit__owner=user,
            state__in=[Touchpoint.State.SCHEDULED, Touchpoint.State.DRAFTED, Touchpoint.State.FAILED],
            due_at__lte=now,
        )
        .select_related("exit__client", "contact")
    )
    waiting, ask_total = _first_of(
        scoped(Ask, org)
        .filter(exit__state=Exit.State.RUNNING, exit__owner=user, answer=Ask.Answer.WAITING)
        .select_related("exit__client", "contact")
    )
    return DigestItems(steps, due_points, waiting, totals=(step_total, point_total, ask_total))


# --- the pages -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExitAftercare:
    exit: Exit
    pace: Pace
    touchpoints: list[Touchpoint]
    planned: list[Planned]
    touches: list[Touch]
    asks: list[Ask]
    outcomes: list[Any]
    contacts: list[Contact]
    verdicts: list[tuple[Contact, str, AskVerdict]]  # (person, ask kind, may the user ask now)
    keeping: Keeping | None
    testimonials: list[tuple[Contact, str, str, datetime]]  # from the survey, when it is installed


def exit_aftercare(*, exit_: Exit, today: date) -> ExitAftercare:
    from goodterms.aftercare.models import Outcome

    org = exit_.organization
    pace = pace_for(org=org, client=exit_.client)
    points = list(touchpoints(exit_=exit_))
    contacts = list(scoped(Contact, org).filter(client=exit_.client).order_by("-is_primary", "name", "pk"))
    verdicts = []
    testimonials = []
    for contact in contacts:
        recommend = recommend_score(org=org, contact=contact)
        for kind in Ask.Kind.values:
            verdicts.append(
                (
                    contact,
                    kind,
                    ask_verdict(exit_=exit_, contact=contact, kind=kind, today=today, recommend=recommend),
                )
            )
        testimonials += [(contact, *quote) for quote in survey_testimonials(org=org, contact=contact)]
    keeping = None
    if exit_.is_running and exit_.end_date < today:
        keeping = next((k for k in former_clients(org=org, today=today) if k.exit.pk == exit_.pk), None)
    return ExitAftercare(
        exit=exit_,
        pace=pace,
        touchpoints=points,
        planned=planned_after(exit_=exit_, pace=pace, rows=points),
        touches=list(touches(exit_=exit_)),
        asks=list(asks(exit_=exit_)),
        outcomes=list(scoped(Outcome, org).filter(exit=exit_).select_related("contact", "new_client")),
        contacts=contacts,
        verdicts=verdicts,
        keeping=keeping,
        testimonials=testimonials,
    )


def due_touchpoints(*, org: Organization, now: datetime) -> QuerySet[Touchpoint]:
    """Touchpoints that are due and not done, in running exits: check-ins waiting to be sent first."""
    return (
        scoped(Touchpoint, org)
        .filter(
            exit__state=Exit.State.RUNNING,
            state__in=[Touchpoint.State.SCHEDULED, Touchpoint.State.DRAFTED, Touchpoint.State.FAILED],
            due_at__lte=now,
        )
        .select_related("exit__client", "contact", "message")
        .order_by("due_at", "pk")
    )


def upcoming_touchpoints(*, org: Organization, now: datetime, until: datetime) -> QuerySet[Touchpoint]:
    return (
        scoped(Touchpoint, org)
        .filter(
            exit__state=Exit.State.RUNNING,
            state=Touchpoint.State.SCHEDULED,
            due_at__gt=now,
            due_at__lte=until,
        )
        .select_related("exit__client", "contact")
        .order_by("due_at", "pk")
    )


def feed_items(*, org: Organization, user: User, since: date) -> list[FeedItem]:
    """The user's touchpoints not done, as all-day events of their calendar feed (exits/ical.py)."""
    zone = user_zone(user)
    start = datetime.combine(since, time(0, 0), tzinfo=zone)
    items = []
    for point in feed_touchpoints(org=org, user=user, since=start):
        who = point.contact.name if point.contact else point.exit.client.name
        items.append(
            FeedItem(
                uid_part=f"goodterms-touchpoint-{point.pk}",
                day=point.due_at.astimezone(zone).date(),
                summary=f"Check in with {who} ({point.exit.client.name})",
                description=(
                    f"Touchpoint {point.number}, {point.months} months after the end. goodterms writes the "
                    "check-in draft when it is due; you read it and send it."
                ),
            )
        )
    return items


def feed_touchpoints(*, org: Organization, user: User, since: datetime) -> list[Touchpoint]:
    """The user's touchpoints not done, for their calendar feed."""
    return list(
        scoped(Touchpoint, org)
        .filter(
            exit__state=Exit.State.RUNNING,
            exit__owner=user,
            state__in=[Touchpoint.State.SCHEDULED, Touchpoint.State.DRAFTED, Touchpoint.State.FAILED],
            due_at__gte=since,
        )
        .select_related("exit__client", "contact")
        .order_by("due_at", "pk")[:500]
    )
