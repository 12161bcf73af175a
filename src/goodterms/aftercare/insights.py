"""What an organization's endings add up to: the figures of the insights page and of its CSV, from one
function, so the page and the file cannot disagree.

Every figure is a `Table` (a title, its column headers and its rows of plain values); the page draws a chart
from some of them and puts the table under it, and the CSV writes them all. A rate is a count out of its
cases with a 95% Wilson score interval; below `MIN_CASES` cases it is shown as counts only, "too few to call
a trend".
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple, cast

from django.core.cache import cache
from django.db.models import Count, Max, Sum

from goodterms import playbook
from goodterms.accounts.models import Organization
from goodterms.accounts.orgscope import scoped
from goodterms.aftercare import selectors
from goodterms.aftercare.models import Outcome
from goodterms.clients.models import Client, Contact
from goodterms.exits import score as scoring
from goodterms.exits.models import Exit, ExitEvent, ExitStep, ReadinessItem
from goodterms.lib.formulas import neutralise
from goodterms.lib.vocabulary import CONVERSATIONS, Reason, Situation

MIN_CASES = 10
Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution
TOO_FEW = "too few to call a trend"
NOTICE_BINS = ((None, -30), (-29, -15), (-14, -1), (0, 6), (7, 13), (14, 29), (30, None))
SCORE_BINS = ((0, 19), (20, 39), (40, 59), (60, 79), (80, 100))

Cell = str | int | float


def wilson(hits: int, cases: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion, hits out of cases (0 cases: the whole of [0, 1])."""
    if cases <= 0:
        return 0.0, 1.0
    if not 0 <= hits <= cases:
        raise ValueError(f"{hits} hits out of {cases} cases")
    p = hits / cases
    z2 = z * z
    centre = (p + z2 / (2 * cases)) / (1 + z2 / cases)
    half = (z / (1 + z2 / cases)) * math.sqrt(p * (1 - p) / cases + z2 / (4 * cases * cases))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Rate:
    label: str
    hits: int
    cases: int

    @property
    def enough(self) -> bool:
        return self.cases >= MIN_CASES

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.hits, self.cases)

    def cells(self) -> tuple[Cell, ...]:
        """(label, count, cases, share, interval): the share and interval only from ten cases on."""
        if not self.enough:
            return (self.label, self.hits, self.cases, TOO_FEW, TOO_FEW)
        low, high = self.interval
        return (
            self.label,
            self.hits,
            self.cases,
            f"{100 * self.hits / self.cases:.0f}%",
            f"{100 * low:.0f}%-{100 * high:.0f}%",
        )


RATE_HEADERS = ("Rate", "Count", "Cases", "Share", "95% interval")


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""


@dataclass
class Insights:
    exits: int
    ended: int
    tables: dict[str, Table] = field(default_factory=dict)
    survey: bool = False  # any survey answers

    def add(self, table: Table) -> None:
        self.tables[table.key] = table


def _quarter(day: date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def _situation_label(playbook_id: str) -> str:
    books = playbook.default_playbooks()
    return books[playbook_id].title if playbook_id in books else playbook_id


def _bin_label(low: int | None, high: int | None, unit: str) -> str:
    if low is None:
        return f"{high} {unit} or fewer"
    if high is None:
        return f"{low} {unit} or more"
    return f"{low} to {high} {unit}"


CACHE_SECONDS = 600


def _fingerprint(org: Organization, today: date) -> str:
    """What the figures are made from, in a few aggregate queries: the exits (their record grows with every
    change of dates, answers and steps), the steps done, the outcomes, the contacts and the notice rules."""
    parts = [
        today,
        org.minimum_notice_days,
        org.money_notice_days,
        scoped(Exit, org).order_by().aggregate(n=Count("pk"), last=Max("pk"), cancelled=Max("cancelled_at")),
        scoped(ExitEvent, org).order_by().aggregate(n=Count("pk"), last=Max("pk")),
        scoped(ExitStep, org)
        .filter(done_on__isnull=False)
        .order_by()
        .aggregate(n=Count("pk"), last=Max("done_at")),
        scoped(Outcome, org).order_by().aggregate(n=Count("pk"), last=Max("pk")),
        scoped(Contact, org).order_by().aggregate(n=Count("pk"), last=Max("pk")),
        scoped(Client, org).order_by().aggregate(notice=Sum("contract_notice_days"), at=Max("updated_at")),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def insights(*, org: Organization, today: date) -> Insights:
    """Every figure of the page. The figures from the exits are kept (by a fingerprint of what they are made
    from, so any change shows at once); the survey's are read each time."""
    key = f"goodterms:insights:{org.pk}:{_fingerprint(org, today)}"
    result: Insights | None = cache.get(key)
    if result is None:
        result = _compute(org=org, today=today)
        cache.set(key, result, CACHE_SECONDS)
    tables = dict(result.tables)
    survey = Insights(exits=result.exits, ended=result.ended)
    _survey(survey, org)
    ordered = {}
    for name, table in tables.items():
        ordered[name] = table
        if name == "missed":
            ordered.update(survey.tables)
    return Insights(exits=result.exits, ended=result.ended, tables=ordered, survey=survey.survey)


def _compute(*, org: Organization, today: date) -> Insights:
    """Every figure from the exits, over the organization's exits that were not cancelled."""
    exits = list(
        scoped(Exit, org)
        .filter(state=Exit.State.RUNNING)
        .select_related("client")
        .only(
            "pk",
            "playbook_id",
            "reason",
            "initiated_by",
            "money_affected",
            "notice_date",
            "end_date",
            "readiness_override",
            "client__name",
            "client__contract_notice_days",
            "organization_id",
        )
        .order_by("end_date", "pk")
    )
    for exit_ in exits:
        exit_.organization = org
    ended = [e for e in exits if e.end_date < today]
    result = Insights(exits=len(exits), ended=len(ended))
    _by_situation(result, exits)
    _by_reason(result, exits)
    _notice(result, exits, org)
    _scores(result, exits, org)
    _rates(result, org, ended)
    return result


def _by_situation(result: Insights, exits: Sequence[Exit]) -> None:
    situations = [s.value for s in Situation]
    counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for exit_ in exits:
        counts[_quarter(exit_.end_date)][exit_.playbook_id] += 1
    others = sorted({e.playbook_id for e in exits} - set(situations))
    columns = situations + others
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (quarter, *(counts[quarter][s] for s in columns), sum(counts[quarter].values()))
        for quarter in sorted(counts)
    )
    result.add(
        Table(
            "situation",
            "Exits by situation, per quarter of their last day",
            ("Quarter", *(_situation_label(column) for column in columns), "All"),
            rows,
        )
    )


def _by_reason(result: Insights, exits: Sequence[Exit]) -> None:
    counts = Counter(e.reason for e in exits)
    by_year: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for exit_ in exits:
        by_year[str(exit_.end_date.year)][exit_.reason] += 1
    years = sorted(by_year)
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (reason.label, *(by_year[y][reason.value] for y in years), counts[reason.value])
        for reason in Reason
        if counts[reason.value]
    )
    result.add(
        Table("reason", "Exits by reason, per year of their last day", ("Reason", *years, "All"), rows)
    )


def _notice(result: Insights, exits: Sequence[Exit], org: Organization) -> None:
    policy = org.notice_policy()
    listed: list[tuple[Cell, ...]] = []
    bins = Counter[int]()
    on_time = 0
    for exit_ in exits:
        facts = playbook.ExitFacts(
            notice_date=exit_.notice_date,
            end_date=exit_.end_date,
            initiated_by=exit_.initiated_by,
            money_affected=exit_.money_affected,
            policy=policy,
            contract_notice_days=exit_.client.contract_notice_days,
        )
        required = playbook.required_notice_days(facts)
        if required is None:
            continue  # the client ended it: the notice was theirs to give
        given = exit_.notice_days
        difference = given - required
        on_time += difference >= 0
        for index, (low, high) in enumerate(NOTICE_BINS):
            if (low is None or difference >= low) and (high is None or difference <= high):
                bins[index] += 1
                break
        listed.append((exit_.client.name, str(exit_.end_date), given, required, difference))
    result.add(
        Table(
            "notice",
            "Notice given against the policy (days given minus days the rule asks for)",
            ("Difference", "Exits"),
            tuple((_bin_label(low, high, "days"), bins[i]) for i, (low, high) in enumerate(NOTICE_BINS)),
            note="The exits the client ended are left out: the notice was theirs to give.",
        )
    )
    result.add(
        Table(
            "notice-on-time",
            "Notice on time",
            RATE_HEADERS,
            (Rate("Notice on time", on_time, len(listed)).cells(),),
        )
    )
    result.add(
        Table(
            "notice-exits",
            "Each exit's notice",
            ("Client", "Last day", "Days given", "Days the rule asks", "Difference"),
            tuple(listed),
        )
    )


class _Step(NamedTuple):
    """The columns of a step the score reads, without a model instance each (a thousand exits have over ten
    thousand steps): a tuple, made straight from the query's row."""

    exit_id: int
    channel: str
    phase: str
    message_kind: str
    done_on: date | None
    contact_name: str
    kept: bool
    due: date

    @property
    def is_meeting(self) -> bool:
        return self.channel in CONVERSATIONS


class _Item(NamedTuple):
    """The columns of a checklist item the score reads."""

    exit_id: int
    kind: str
    done_at: datetime | None


def _scores(result: Insights, exits: Sequence[Exit], org: Organization) -> None:
    steps: defaultdict[int, list[ExitStep]] = defaultdict(list)
    rows = (
        scoped(ExitStep, org)
        .filter(exit__state=Exit.State.RUNNING)
        .order_by()
        .values_list("exit_id", "channel", "phase", "message_kind", "done_on", "contact_name", "kept", "due")
    )
    for row in rows:
        steps[row[0]].append(cast(ExitStep, _Step._make(row)))
    items: defaultdict[int, list[ReadinessItem]] = defaultdict(list)
    for item in (
        scoped(ReadinessItem, org)
        .filter(exit__state=Exit.State.RUNNING)
        .order_by()
        .values_list("exit_id", "kind", "done_at")
    ):
        items[item[0]].append(cast(ReadinessItem, _Item._make(item)))
    contacts = dict(
        scoped(Contact, org)
        .order_by()
        .values("client_id")
        .annotate(n=Count("pk"))
        .values_list("client_id", "n")
    )
    bins = Counter[int]()
    missed = Counter[str]()
    applies = Counter[str]()
    for exit_ in exits:
        result_ = scoring.score(exit_, steps[exit_.pk], items[exit_.pk], contacts.get(exit_.client_id, 0))
        percent = result_.percent
        bins[next(i for i, (low, high) in enumerate(SCORE_BINS) if low <= percent <= high)] += 1
        for point in result_.points:
            if point.met is None:
                continue
            applies[point.practice] += 1
            missed[point.practice] += not point.met
    result.add(
        Table(
            "score",
            "Graceful-exit scores",
            ("Score", "Exits"),
            tuple((f"{low}-{high}%", bins[i]) for i, (low, high) in enumerate(SCORE_BINS)),
        )
    )
    practices = sorted(applies, key=lambda p: (-missed[p], p))
    result.add(
        Table(
            "missed",
            "Practices most often missed",
            ("Practice", "Missed", "Applied to"),
            tuple((p, missed[p], applies[p]) for p in practices),
        )
    )


def _survey(result: Insights, org: Organization) -> None:
    figures = selectors.survey_figures(org=org)
    if figures is None:
        result.add(
            Table(
                "survey",
                "Exit survey ratings",
                ("Question", "Answers", "Average (out of 5)"),
                (),
                note="No survey answers yet.",
            )
        )
        result.add(
            Table(
                "recommend",
                "Would they recommend you (0-10)",
                ("Score", "Answers"),
                (),
                note="No survey answers yet.",
            )
        )
        return
    result.survey = True
    result.add(
        Table(
            "survey",
            "Exit survey ratings",
            ("Question", "Answers", "Average (out of 5)"),
            tuple((label, count, round(mean, 2)) for label, count, mean in figures.ratings),
        )
    )
    scores = Counter(figures.recommend)
    result.add(
        Table(
            "recommend",
            "Would they recommend you (0-10)",
            ("Score", "Answers"),
            tuple((s, scores[s]) for s in range(11)),
        )
    )
    promoters = sum(1 for s in figures.recommend if s >= 9)
    detractors = sum(1 for s in figures.recommend if s <= selectors.DETRACTOR_MAX)
    result.add(
        Table(
            "recommend-rates",
            "Promoters and detractors",
            RATE_HEADERS,
            (
                Rate("Promoters (9 or 10)", promoters, len(figures.recommend)).cells(),
                Rate("Detractors (6 or less)", detractors, len(figures.recommend)).cells(),
            ),
        )
    )


def _rates(result: Insights, org: Organization, ended: Sequence[Exit]) -> None:
    ids = {e.pk for e in ended}
    outcomes = scoped(Outcome, org).filter(exit_id__in=ids).values_list("kind", "exit_id")
    exits_with: defaultdict[str, set[int]] = defaultdict(set)
    for kind, exit_id in outcomes:
        exits_with[kind].add(exit_id)
    rows = tuple(
        Rate(label, len(exits_with[kind]), len(ids)).cells()
        for label, kind in (
            ("Referral rate: ended exits where they introduced someone", Outcome.Kind.INTRODUCED),
            ("Testimonial rate: ended exits with a testimonial", Outcome.Kind.TESTIMONIAL),
            ("Return rate: ended exits whose client came back", Outcome.Kind.CAME_BACK),
        )
    )
    result.add(
        Table("rates", "What the endings brought", RATE_HEADERS, rows, note=f"Out of {len(ids)} ended exits.")
    )


def csv_rows(result: Insights) -> Iterator[tuple[Cell, ...]]:
    """Every table of the page, one after another: a row with the table's title, its headers, its rows."""
    for table in result.tables.values():
        yield (table.title,)
        yield table.headers
        yield from table.rows
        if table.note:
            yield (table.note,)
        yield ()


def as_csv(result: Insights) -> str:
    """The page's numbers as CSV; a cell that a spreadsheet would take for a formula is neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in csv_rows(result):
        writer.writerow([neutralise(cell) if isinstance(cell, str) else cell for cell in row])
    return buffer.getvalue()
