"""`make bench-plan`: how fast the exit plan engine is, and the exit pages with 500 running exits.

Part 1, the engine (`goodterms.playbook`, plain Python, in this process). Seeded random fact sets (dates
over 2026-2028, who ended it and why, money, sour or not, three contacts, some steps done or moved) are
planned with each of the five shipped playbooks, once without a country and once with "GB" (public holidays
from the `holidays` package); every plan is timed on its own in each of three rounds and its median is kept:
plans/s, p50 and p99 over those. Then the business-day arithmetic,
`calendar.add_days(anchor, n, "business", country)`, against numpy.busday_offset (weekmask Mon-Fri, the same
holidays) on the same (anchor, offset) pairs: offsets/s for each, and whether they give the same dates.

Part 2, the pages. Like `make bench-web` (whose machinery this imports), for SQLite in a temporary data dir
and then PostgreSQL in a database made and dropped here: migrate, seed in a child process (2,000 clients with
3 contacts each, 500 of them with an exit started through `exits.services.exit_start`, steps ticked off with
`services.step_done`; both services are timed there), count each page's SQL queries in process, then start
`goodterms serve` (gunicorn) and time sequential requests over HTTP: the week's dashboard, the exit list, an
exit's page, a client's page, and the calendar feed.

Informational only: nothing is asserted on timing, and the exit status is 0 unless the setup fails.

Usage: .venv/bin/python -m bench.bench_plan [--facts 2000] [--pairs 100000] [--requests 200] [--no-postgres]
       [--engine-only]
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import math
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from bench.bench_web import COMMON_SURNAMES, FIRST_NAMES, RANDOM_SEED, seed_rows
from bench.harness import (
    ROOT,
    USER_EMAIL,
    USER_PASSWORD,
    WEB_CONCURRENCY,
    BenchError,
    Browser,
    Timing,
    machine_line,
    manage,
    nearest_rank,
    postgres_database,
    ratio,
    running_server,
    server_env,
    time_page,
    verdict,
)
from goodterms.lib.vocabulary import Reason
from goodterms.playbook import (
    INITIATORS,
    REASONS,
    Contact,
    ExitFacts,
    Playbook,
    add_days,
    default_playbooks,
    is_business_day,
    plan,
)

PG_DATABASE = "goodterms_bench_plan"  # not bench-web's, so the two can never drop each other's database

# Part 1.
FACT_SETS = 2_000
PAIRS = 100_000
ROUNDS = 3
FIRST_DAY, LAST_DAY = date(2026, 1, 1), date(2028, 12, 31)
MAX_OFFSET = 20  # business days either side; the shipped playbooks go up to 15
HOLIDAY_COUNTRY = "GB"
PLAN_TARGET_P99_MS = 5.0

# Part 2.
CLIENTS, CONTACTS_EACH, EXITS = 2_000, 3, 500
OTHER_CLIENTS, OTHER_EXITS = 200, 50  # another organization, there to be scoped out
SERVICE_WARMUP = 3  # the first calls of each service load the playbooks and the holidays: not timed
PAGE_TARGET_MS = 100.0
PAGE_BUDGET_S = 20.0  # a page slower than 0.1 s gets fewer than 200 timed requests, so the run stays short
MIN_REQUESTS = 30


# --- part 1: the engine ----------------------------------------------------------------------------------


def random_day(rng: random.Random) -> date:
    return FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))


def base_facts(rng: random.Random, count: int) -> list[tuple[ExitFacts, date]]:
    """(facts, today) pairs with no step done yet: the situation, the dates and three contacts."""
    made: list[tuple[ExitFacts, date]] = []
    for _ in range(count):
        notice = random_day(rng)
        # Mostly a fair notice period; some too short; a few with the end before the notice (a warning each).
        if rng.random() < 0.05:
            end = notice - timedelta(days=rng.randint(1, 10))
        else:
            end = notice + timedelta(days=rng.randint(7, 120))
        contacts = tuple(
            Contact(key=str(rng.randrange(1, 10**6)), name=f"{rng.choice(FIRST_NAMES)} {surname}")
            for surname in rng.sample(COMMON_SURNAMES, 3)
        )
        facts = ExitFacts(
            notice_date=notice,
            end_date=end,
            initiated_by=rng.choice(INITIATORS),
            reason=rng.choice(REASONS),
            money_affected=rng.random() < 0.3,
            sour=rng.random() < 0.15,
            contacts=contacts,
            contract_notice_days=rng.choice([14, 30, 45, 90]) if rng.random() < 0.2 else None,
            passed_checks=frozenset({"readiness"}) if rng.random() < 0.5 else frozenset(),
        )
        made.append((facts, notice + timedelta(days=rng.randint(-20, 160))))
    return made


def with_progress(rng: random.Random, facts: ExitFacts, book: Playbook, today: date) -> ExitFacts:
    """The facts after some work: a run of the steps due before `today` done, and a few steps moved."""
    planned = plan(facts, book, today)
    done: dict[str, date] = {}
    for step in planned.steps:
        if step.due >= today or rng.random() < 0.25:
            break
        done[step.key] = step.due
    if rng.random() < 0.05:  # a done step for a contact since removed: the engine keeps it
        per_contact = [s for s in book.steps if s.per_contact]
        if per_contact:
            done[f"{per_contact[0].id}:removed"] = facts.notice_date
    moved: dict[str, date] = {}
    open_steps = [s for s in planned.steps if s.key not in done]
    for step in rng.sample(open_steps, min(len(open_steps), rng.choice([0, 0, 1, 2]))):
        moved[step.key] = step.due + timedelta(days=rng.randint(-5, 10))
    return dataclasses.replace(facts, done=done, moved=moved)


def time_plans(
    sets: list[tuple[ExitFacts, date]], book: Playbook, rounds: int
) -> tuple[dict[str, list[int]], float, float]:
    """Nanoseconds per plan without a country and in GB, each the median of its rounds; mean steps and
    warnings per plan.

    The two countries take turns on the same facts, so other work on the machine falls on both alike; each
    round plans every fact set once, so a burst of that work lands on one round of a plan, and the median
    leaves it out.
    """
    variants = {
        "none": [(facts, today) for facts, today in sets],
        HOLIDAY_COUNTRY: [
            (dataclasses.replace(facts, country=HOLIDAY_COUNTRY), today) for facts, today in sets
        ],
    }
    times: dict[str, list[list[int]]] = {country: [[] for _ in sets] for country in variants}
    steps = warnings = 0
    for _ in range(rounds):
        steps = warnings = 0
        for index in range(len(sets)):
            for country, facts_sets in variants.items():
                facts, today = facts_sets[index]
                started = time.perf_counter_ns()
                result = plan(facts, book, today)
                times[country][index].append(time.perf_counter_ns() - started)
                if country == "none":
                    steps += len(result.steps)
                    warnings += len(result.warnings)
    medians = {country: [int(statistics.median(each)) for each in per] for country, per in times.items()}
    return medians, steps / len(sets), warnings / len(sets)


@dataclass
class PlanRow:
    steps: float
    warnings: float
    per_country: dict[str, list[int]]  # "none"/"GB" -> ns per plan, median of the rounds


def bench_plans(count: int, rounds: int) -> tuple[dict[str, PlanRow], dict[str, float]]:
    started = time.perf_counter()
    books = default_playbooks()  # the first call in a process reads and checks the five YAML files
    cold = {"load the five playbooks": (time.perf_counter() - started) * 1000}
    started = time.perf_counter()
    add_days(FIRST_DAY, 1, "business", HOLIDAY_COUNTRY)  # imports holidays, reads one year of them
    cold[f"first business day in {HOLIDAY_COUNTRY} (imports holidays)"] = (
        time.perf_counter() - started
    ) * 1000

    rng = random.Random(RANDOM_SEED)
    bases = base_facts(rng, count)
    rows: dict[str, PlanRow] = {}
    for book_id, book in books.items():
        sets = [(with_progress(rng, facts, book, today), today) for facts, today in bases]
        times, steps, warnings = time_plans(sets, book, rounds)
        rows[book_id] = PlanRow(steps, warnings, times)
        print(f"  {book_id}: {steps:.1f} steps per plan", flush=True)
    return rows, cold


def goodterms_days(pairs: list[tuple[date, int]], country: str | None) -> list[date]:
    return [add_days(anchor, days, "business", country) for anchor, days in pairs]


# numpy rolls a non-business anchor to a business day first, then counts. goodterms counts n business days
# strictly after (or before) the anchor, and 0 means the anchor or the next business day. The same dates come
# out of roll="backward" for n > 0 (the business days after the day rolled back to are the ones after the
# anchor) and roll="forward" for n <= 0.


def numpy_days(pairs: list[tuple[date, int]], calendar: np.busdaycalendar) -> list[date]:
    """One busday_offset call per pair, a date in and a date out, as a caller with date objects would."""
    made: list[date] = []
    for anchor, days in pairs:
        day = np.busday_offset(
            np.datetime64(anchor, "D"), days, roll="forward" if days <= 0 else "backward", busdaycal=calendar
        )
        made.append(day.astype(date))
    return made


def numpy_days_vectorised(
    anchors: np.ndarray[Any, np.dtype[np.datetime64]],
    offsets: np.ndarray[Any, np.dtype[np.int64]],
    calendar: np.busdaycalendar,
) -> list[date]:
    """Two busday_offset calls over arrays (one per roll), and the dates back as a list."""
    forward = offsets <= 0
    out = np.empty_like(anchors)
    out[forward] = np.busday_offset(anchors[forward], offsets[forward], roll="forward", busdaycal=calendar)
    out[~forward] = np.busday_offset(
        anchors[~forward], offsets[~forward], roll="backward", busdaycal=calendar
    )
    days: list[date] = out.tolist()
    return days


@dataclass
class DaysRow:
    seconds: float  # the best of the rounds, for all pairs
    differ: int  # pairs whose date is not goodterms'


def bench_business_days(count: int, rounds: int) -> tuple[dict[str, dict[str, DaysRow]], dict[str, int]]:
    """add_days against numpy.busday_offset, per call and vectorised, without a country and with GB."""
    import holidays  # loaded by then: add_days has used it

    rng = random.Random(RANDOM_SEED + 1)
    anchors = [random_day(rng) for _ in range(count)]
    offsets = [rng.randint(-MAX_OFFSET, MAX_OFFSET) for _ in range(count)]
    pairs = list(zip(anchors, offsets, strict=True))
    years = range(FIRST_DAY.year - 1, LAST_DAY.year + 2)  # offsets cross into the years either side
    gb_holidays = sorted(holidays.country_holidays(HOLIDAY_COUNTRY, years=years))
    calendars = {
        "none": np.busdaycalendar(weekmask="1111100"),
        HOLIDAY_COUNTRY: np.busdaycalendar(
            weekmask="1111100", holidays=np.array(gb_holidays, "datetime64[D]")
        ),
    }
    anchor_array = np.array(anchors, dtype="datetime64[D]")
    offset_array = np.array(offsets, dtype=np.int64)
    stats = {
        "pairs": count,
        "anchors not business days (GB)": sum(not is_business_day(a, HOLIDAY_COUNTRY) for a in anchors),
        "zero offsets": int((offset_array == 0).sum()),
        "negative offsets": int((offset_array < 0).sum()),
    }
    results: dict[str, dict[str, DaysRow]] = {}
    for country, calendar in calendars.items():
        code = None if country == "none" else country
        expected = goodterms_days(pairs, code)
        results[country] = {}
        for name, function in (
            ("goodterms add_days, one call per pair", functools.partial(goodterms_days, pairs, code)),
            ("numpy busday_offset, one call per pair", functools.partial(numpy_days, pairs, calendar)),
            (
                "numpy busday_offset, vectorised",
                functools.partial(numpy_days_vectorised, anchor_array, offset_array, calendar),
            ),
        ):
            best = math.inf
            got: list[date] = []
            for _ in range(rounds):
                started = time.perf_counter()
                got = function()
                best = min(best, time.perf_counter() - started)
            differ = sum(a != b for a, b in zip(got, expected, strict=True))
            results[country][name] = DaysRow(best, differ)
    return results, stats


# --- part 2: the pages -------------------------------------------------------------------------------------


def seed(out: Path) -> None:
    """Runs in a child process whose environment picks the database: seed it, time the services, count
    queries per page, and write what the parent needs as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goodterms.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from goodterms.accounts.models import Organization, SiteSetup, User, hash_token
    from goodterms.clients.models import Client, Contact, normalize_tags
    from goodterms.exits import selectors, services
    from goodterms.exits.models import CalendarFeed, Exit, ExitStep

    started = time.perf_counter()
    rng = random.Random(RANDOM_SEED)
    today = timezone.localdate()

    def clients_for(org: Organization, count: int) -> list[Client]:
        seeded_clients, seeded_contacts = seed_rows(rng, count, count * CONTACTS_EACH)
        clients = [
            Client(
                organization=org,
                name=c.name,
                company=c.company,
                status=c.status,
                tags=normalize_tags(", ".join(c.tags)),
                start_date=c.start_date,
                notes=c.notes,
                archived_at=c.archived_at,
            )
            for c in seeded_clients
        ]
        Client.objects.bulk_create(clients, batch_size=1000)
        # seed_rows spreads contacts unevenly; here every client has exactly CONTACTS_EACH, the first primary.
        Contact.objects.bulk_create(
            (
                Contact(
                    organization=org,
                    client=clients[i % count],
                    name=p.name,
                    email=p.email,
                    phone=p.phone,
                    role=p.role,
                    preferred_channel=p.channel,
                    is_primary=i < count,
                    together_notes=p.together_notes,
                )
                for i, p in enumerate(seeded_contacts)
            ),
            batch_size=1000,
        )
        return clients

    with transaction.atomic():
        SiteSetup.objects.get_or_create(id=1)
        alpha = Organization.objects.create(name="Alpha Studio", country=HOLIDAY_COUNTRY)
        bravo = Organization.objects.create(name="Bravo Consulting", country=HOLIDAY_COUNTRY)
        user = User.objects.create_user(
            email=USER_EMAIL,
            password=USER_PASSWORD,
            name="Bench Person",
            organization=alpha,
            role=User.Role.OWNER,
        )
        other = User.objects.create_user(
            email="other@bravo.example",
            password=USER_PASSWORD,
            name="Other Person",
            organization=bravo,
            role=User.Role.OWNER,
        )
        alpha_clients = clients_for(alpha, CLIENTS)
        bravo_clients = clients_for(bravo, OTHER_CLIENTS)

    # Exits, through the service the start form calls, timed one by one. Notice dates from ten weeks ago to
    # three weeks ahead, so that the week has steps due, many are overdue and some exits are past their end.
    def live(clients: list[Client]) -> list[Client]:
        return [c for c in clients if c.archived_at is None]

    chosen = [(c, user) for c in rng.sample(live(alpha_clients), EXITS)]
    chosen += [(c, other) for c in rng.sample(live(bravo_clients), OTHER_EXITS)]
    rng.shuffle(chosen)
    start_ms: list[float] = []
    queries: dict[str, list[int]] = {}
    exits: list[tuple[Exit, User]] = []
    for index, (client, owner) in enumerate(chosen):
        initiated_by = rng.choices(["me", "client", "mutual"], [60, 25, 15])[0]
        notice = today + timedelta(days=rng.randint(-70, 21))
        start = services.ExitStart(
            initiated_by=initiated_by,
            reason="client-decision"
            if initiated_by == "client"
            else rng.choice([r for r in Reason.values() if r != Reason.CLIENT_DECISION]),
            notice_date=notice,
            end_date=notice + timedelta(days=rng.randint(21, 90)),
            money_affected=rng.random() < 0.25,
            feeling="sour" if rng.random() < 0.12 else "smooth",
            deliverables=tuple(f"Deliverable {n + 1}" for n in range(rng.choice([0, 0, 1, 2]))),
            invoices=("Final invoice",) if rng.random() < 0.4 else (),
        )
        if index == SERVICE_WARMUP - 1:  # one of the untimed calls: its queries
            with CaptureQueriesContext(connection) as captured:
                exit_ = services.exit_start(client=client, user=owner, start=start)
            queries["exit_start"] = [len(captured.captured_queries)]
        else:
            began = time.perf_counter()
            exit_ = services.exit_start(client=client, user=owner, start=start)
            if index >= SERVICE_WARMUP:
                start_ms.append((time.perf_counter() - began) * 1000)
        exits.append((exit_, owner))
    print(f"  {len(exits)} exits started; ticking steps off", flush=True)

    # Tick off, in order, some of the steps due before today that are not locked (as the user would).
    done_ms: list[float] = []
    ticks = 0
    for exit_, owner in exits:
        for _ in range(8):
            open_steps = ExitStep.objects.filter(exit=exit_, done_on__isnull=True, due__lt=today)
            step = next((s for s in open_steps.order_by("due", "position") if not s.closed_gates), None)
            if step is None or rng.random() < 0.3:
                break
            step.exit = exit_
            if ticks == SERVICE_WARMUP - 1:
                with CaptureQueriesContext(connection) as captured:
                    services.step_done(step=step, user=owner, on=step.due)
                queries["step_done"] = [len(captured.captured_queries)]
            else:
                began = time.perf_counter()
                services.step_done(step=step, user=owner, on=step.due)
                if ticks >= SERVICE_WARMUP:
                    done_ms.append((time.perf_counter() - began) * 1000)
            ticks += 1

    token = CalendarFeed.new_token()
    CalendarFeed.objects.create(organization=alpha, user=user, token_hash=hash_token(token))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would, soon after a load this size
    seeded_in = time.perf_counter() - started
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
    print(f"  seeded in {seeded_in:.0f} s ({ticks} steps ticked off); counting queries per page", flush=True)

    running = [(e.pk, e.client_id) for e, _ in exits if e.organization_id == alpha.pk]
    sample = rng.sample(running, min(200, len(running)))
    pages: dict[str, list[str]] = {
        "This week (/exits/week/)": ["/exits/week/"],
        "exit list (/exits/)": ["/exits/"],
        "exit page (random)": [f"/exits/{pk}/" for pk, _ in sample],
        "client page, exit running": [f"/clients/{client_pk}/" for _, client_pk in sample],
        "calendar feed (.ics)": [f"/exits/calendar/{token}.ics"],
    }

    # What each page shows, for the table.
    until = selectors.week_end(today)
    due = selectors.due_steps(org=alpha, since=None, until=until)
    overdue = due.filter(due__lt=today).count()
    steps_per_exit = sorted(
        (ExitStep.objects.filter(exit_id=pk).count(), pk) for pk, _ in running
    )  # fewest and most steps, for the query counts
    shows = {
        "This week (/exits/week/)": f"{overdue:,} overdue, {due.count() - overdue:,} this week",
        "exit list (/exits/)": f"{len(running)} exits",
        "exit page (random)": f"{statistics.mean(n for n, _ in steps_per_exit):.0f} steps (mean)",
        "client page, exit running": f"{CONTACTS_EACH} contacts",
    }

    http = HttpClient(HTTP_HOST="127.0.0.1")
    http.force_login(user)
    samples = {
        "exit page (random)": [
            f"/exits/{steps_per_exit[0][1]}/",
            f"/exits/{steps_per_exit[-1][1]}/",
            *pages["exit page (random)"][:3],
        ],
        "client page, exit running": pages["client page, exit running"][:5],
    }
    sizes: dict[str, int] = {}
    for label, paths in pages.items():
        counted: list[int] = []
        for path in samples.get(label, paths):
            http.get(path)  # the first request also fills per-process caches (and the feed's last read)
            with CaptureQueriesContext(connection) as captured:
                response = http.get(path)
            if response.status_code != 200:
                raise SystemExit(f"bench-plan: {path} answered {response.status_code} in process")
            counted.append(len(captured.captured_queries))
            sizes.setdefault(label, len(response.content))
            if label.startswith("calendar"):
                shows[label] = f"{response.content.count(b'BEGIN:VEVENT'):,} events"
        queries[label] = counted
    out.write_text(
        json.dumps(
            {
                "pages": pages,
                "queries": queries,
                "sizes": sizes,
                "shows": shows,
                "seeded_in": seeded_in,
                "database": database,
                "exit_start_ms": start_ms,
                "step_done_ms": done_ms,
                "ticks": ticks,
                "steps": ExitStep.objects.filter(organization=alpha).count(),
            }
        )
    )


def time_page_within(
    browser: Browser, paths: list[str], requests: int, warmup: int, budget: float
) -> tuple[Timing, int]:
    """bench_web's time_page, with as many of `requests` as fit in `budget` seconds (at least MIN_REQUESTS):
    the warm-up requests, timed here, say how long one takes."""
    took: list[float] = []
    for i in range(warmup):
        started = time.perf_counter()
        browser.request("GET", paths[i % len(paths)])
        took.append(time.perf_counter() - started)
    count = requests
    if took:
        count = max(MIN_REQUESTS, min(requests, int(budget / statistics.median(took))))
    return time_page(browser, paths, count, 0), count


def bench_backend(
    name: str, env: dict[str, str], work: Path, requests: int, warmup: int, budget: float
) -> tuple[dict[str, Timing], dict[str, Any]]:
    print(f"{name}: migrating", flush=True)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    print(
        f"{name}: seeding {CLIENTS:,} clients x {CONTACTS_EACH} contacts and starting {EXITS} exits "
        f"(+{OTHER_CLIENTS} clients, {OTHER_EXITS} exits in a second organization)",
        flush=True,
    )
    out = work / f"seed-{name.lower()}.json"
    seeded = subprocess.run(
        [sys.executable, "-m", "bench.bench_plan", "--seed-into", str(out)], env=env, cwd=ROOT, check=False
    )
    if seeded.returncode != 0:
        raise BenchError(f"{name}: seeding failed")
    info: dict[str, Any] = json.loads(out.read_text())
    info["requests"] = {}
    print(f"{name}: starting `goodterms serve`; {len(info['pages'])} pages x {requests} requests", flush=True)
    timings: dict[str, Timing] = {}
    with running_server(env, work / f"server-{name.lower()}.log") as port:
        browser = Browser(port)
        try:
            browser.sign_in()
            for label, paths in info["pages"].items():
                timings[label], info["requests"][label] = time_page_within(
                    browser, paths, requests, warmup, budget
                )
        finally:
            browser.close()
    return timings, info


# --- the report -------------------------------------------------------------------------------------------


def report_engine(
    rows: dict[str, PlanRow],
    cold: dict[str, float],
    days: dict[str, dict[str, DaysRow]],
    day_stats: dict[str, int],
    count: int,
    rounds: int,
) -> None:
    print()
    print(
        f"Part 1a. plan(facts, playbook, today): {count:,} random fact sets per playbook (3 contacts, some "
        f"steps done or moved); each plan timed alone, {rounds} times, its median kept. Times in ms."
    )
    print(f"target: p99 <= {PLAN_TARGET_P99_MS:.0f} ms per plan (PASS/MISS after each p99)")
    print()
    header = (
        f"{'playbook':<17} {'steps':>5} {'warn':>4} | {'no country: plans/s':>19} {'p50':>6} {'p99':>11} | "
        f"{'GB: plans/s':>11} {'p50':>6} {'p99':>11} | {'GB/none p50':>11}"
    )
    print(header)
    print("-" * len(header))
    everything: dict[str, list[int]] = {"none": [], HOLIDAY_COUNTRY: []}
    for book_id, row in [*rows.items(), ("all five", None)]:
        cells: list[str] = []
        p50s: list[float] = []
        for country in ("none", HOLIDAY_COUNTRY):
            if row is not None:
                times = row.per_country[country]
                everything[country] += times
            else:
                times = everything[country]
            ordered = sorted(t / 1e6 for t in times)
            p50, p99 = nearest_rank(ordered, 0.5), nearest_rank(ordered, 0.99)
            p50s.append(p50)
            rate = len(times) / (sum(times) / 1e9)
            width = 19 if country == "none" else 11
            cells.append(f"{rate:>{width},.0f} {p50:>6.3f} {p99:>6.3f} {verdict(p99 <= PLAN_TARGET_P99_MS)}")
        steps = f"{row.steps:>5.1f} {row.warnings:>4.1f}" if row else f"{'':>5} {'':>4}"
        print(f"{book_id:<17} {steps} | {cells[0]} | {cells[1]} | {ratio(p50s[1], p50s[0]):>11}")
    print()
    print(
        "steps, warn: mean steps and warnings per plan. First calls in a fresh process, not in the table: "
        + "; ".join(f"{what} {ms:.0f} ms" for what, ms in cold.items())
        + "."
    )

    print()
    print(
        "Part 1b. business days: goodterms.playbook.business_days.add_days(anchor, n, 'business', country) "
        f"against numpy {np.__version__} busday_offset (weekmask Mon-Fri; for GB the same holidays "
        f"package's dates, as holidays=); the same {day_stats['pairs']:,} (anchor, n) pairs, anchors over "
        f"{FIRST_DAY.year}-{LAST_DAY.year}, n from -{MAX_OFFSET} to {MAX_OFFSET}; best of {rounds} rounds."
    )
    print(
        f"{day_stats['anchors not business days (GB)']:,} anchors are not GB business days, "
        f"{day_stats['zero offsets']:,} offsets are 0 and {day_stats['negative offsets']:,} negative. numpy "
        "rolls a non-business anchor before counting: roll='backward' for n > 0 and roll='forward' for "
        "n <= 0 give goodterms' rule (n business days strictly after or before the anchor; 0 = the anchor "
        "or the next business day)."
    )
    print()
    header = (
        f"{'':<40} | {'no country: offsets/s':>21} {'us/offset':>9} | {'GB: offsets/s':>13} {'us/offset':>9}"
    )
    header += f" | {'vs goodterms (none / GB)':>24}"
    print(header)
    print("-" * len(header))
    ours = "goodterms add_days, one call per pair"
    pairs = day_stats["pairs"]
    for name in days["none"]:
        cells = []
        for country, width in (("none", 21), (HOLIDAY_COUNTRY, 13)):
            seconds = days[country][name].seconds
            cells.append(f"{pairs / seconds:>{width},.0f} {seconds / pairs * 1e6:>9.2f}")
        speedups = " / ".join(
            ratio(days[c][ours].seconds, days[c][name].seconds) for c in ("none", HOLIDAY_COUNTRY)
        )
        print(f"{name:<40} | {cells[0]} | {cells[1]} | {speedups:>24}")
    print()
    for name in list(days["none"])[1:]:
        for country in ("none", HOLIDAY_COUNTRY):
            differ = days[country][name].differ
            print(
                f"same results, {name} ({'no country' if country == 'none' else country}): "
                f"{'yes' if differ == 0 else 'no'} ({differ:,} differ)"
            )
    print(
        "vs goodterms: numpy's offsets/s over goodterms'; above 1x numpy is faster. The vectorised row times "
        "two busday_offset calls on prepared datetime64 arrays and the list of dates back; the per-call row "
        "converts each date in and out, as a caller with date objects would."
    )


def report_web(
    runs: dict[str, tuple[dict[str, Timing], dict[str, Any]]], requests: int, warmup: int, budget: float
) -> None:
    lite_timings, lite = runs["SQLite"]
    pg_timings, pg = runs.get("PostgreSQL", ({}, {}))
    print()
    print(
        f"Part 2a. the exit pages: {CLIENTS:,} clients x {CONTACTS_EACH} contacts, {EXITS} running exits "
        f"({lite['steps']:,} steps, {lite['ticks']} ticked off) in the signed-in organization "
        f"(+{OTHER_CLIENTS} clients, {OTHER_EXITS} exits in another)."
    )
    print(
        f"gunicorn, {WEB_CONCURRENCY} workers x 4 threads on 127.0.0.1; from one signed-in client, "
        f"{warmup} warm-up requests, then {requests} sequential requests per page, or as many as fit in "
        f"{budget:.0f} s (at least {MIN_REQUESTS}; column n); times in ms, whole response read"
    )
    print("databases: " + ", ".join(info["database"] for _, info in runs.values()))
    print(f"target: p95 < {PAGE_TARGET_MS:.0f} ms (PASS/MISS after each p95)")
    print()
    header = (
        f"{'page':<26} {'shows':<27} {'KB':>4} | {'SQLite p50':>10} {'p95':>12} {'n':>3} | "
        f"{'PG p50':>7} {'p95':>12} {'n':>3} | {'PG/SQLite p50':>13} | queries"
    )
    print(header)
    print("-" * len(header))
    for label, timing in lite_timings.items():
        row = f"{label:<26} {lite['shows'].get(label, ''):<27} {lite['sizes'][label] / 1024:>4.0f} | "
        row += f"{timing.p50:>10.1f} {timing.p95:>7.1f} {verdict(timing.p95 < PAGE_TARGET_MS)} "
        row += f"{lite['requests'][label]:>3} | "
        other = pg_timings.get(label)
        if other is not None:
            row += f"{other.p50:>7.1f} {other.p95:>7.1f} {verdict(other.p95 < PAGE_TARGET_MS)} "
            row += f"{pg['requests'][label]:>3} | {ratio(other.p50, timing.p50):>13} | "
        else:
            row += f"{'-':>7} {'-':>12} {'-':>3} | {'-':>13} | "
        counts = sorted(set(lite["queries"][label]) | set(pg.get("queries", {}).get(label, [])))
        print(row + "/".join(str(n) for n in counts) + (" (varies)" if len(counts) > 1 else ""))
    print()
    print(
        "shows: what the page lists (the dashboard's overdue and this-week steps, counted in the database). "
        "KB: the response on SQLite. queries: SQL queries per request, counted in process with Django's test "
        "client (session, user and organization included); the exit page row covers the exits with the "
        "fewest and the most steps and three random ones, the client page row five clients."
    )

    print()
    print(
        "Part 2b. the services, timed in process while seeding (one call after another, no HTTP); "
        f"the first {SERVICE_WARMUP} calls of each are not timed. Times in ms."
    )
    print()
    header = (
        f"{'service':<30} {'calls':>5} | {'SQLite median':>13} {'p95':>6} | {'PG median':>9} {'p95':>6} | "
        f"{'PG/SQLite median':>16} | queries"
    )
    print(header)
    print("-" * len(header))
    for label, key, query_key in (
        ("exit_start (plans, writes)", "exit_start_ms", "exit_start"),
        ("step_done (a tick re-plans)", "step_done_ms", "step_done"),
    ):
        cells = []
        medians = []
        for info in (lite, pg):
            values = sorted(info.get(key, []))
            if values:
                medians.append(statistics.median(values))
                cells.append((f"{medians[-1]:.1f}", f"{nearest_rank(values, 0.95):.1f}"))
            else:
                cells.append(("-", "-"))
        counts = sorted(set(lite["queries"][query_key]) | set(pg.get("queries", {}).get(query_key, [])))
        print(
            f"{label:<30} {len(lite[key]):>5} | {cells[0][0]:>13} {cells[0][1]:>6} | {cells[1][0]:>9} "
            f"{cells[1][1]:>6} | {ratio(medians[1], medians[0]) if len(medians) == 2 else '-':>16} | "
            + "/".join(str(n) for n in counts)
        )
    print()
    print("queries: in one call, the last untimed one; exit_start writes a new plan's steps in one INSERT.")
    if not pg_timings:
        print("PostgreSQL was not measured (see the note above).")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--facts", type=int, default=FACT_SETS, help=f"fact sets per playbook ({FACT_SETS:,})"
    )
    parser.add_argument("--pairs", type=int, default=PAIRS, help=f"(anchor, offset) pairs ({PAIRS:,})")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"rounds for the engine ({ROUNDS})")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per page first (default 10)")
    parser.add_argument(
        "--page-budget",
        type=float,
        default=PAGE_BUDGET_S,
        help=f"seconds of timed requests per page, at most ({PAGE_BUDGET_S:.0f}; {MIN_REQUESTS} at least)",
    )
    parser.add_argument("--no-postgres", action="store_true", help="pages on SQLite only")
    parser.add_argument("--engine-only", action="store_true", help="part 1 only: no database, no server")
    parser.add_argument("--seed-into", type=Path, help=argparse.SUPPRESS)  # the child that seeds one database
    args = parser.parse_args()
    if args.seed_into is not None:
        seed(args.seed_into)
        return 0

    # A SIGTERM unwinds like Ctrl-C, so the server, the temporary files and the database are cleaned up.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    began = time.perf_counter()
    print("Part 1: the plan engine", flush=True)
    rows, cold = bench_plans(args.facts, args.rounds)
    print("Part 1: business days against numpy", flush=True)
    days, day_stats = bench_business_days(args.pairs, args.rounds)

    runs: dict[str, tuple[dict[str, Timing], dict[str, Any]]] = {}
    if not args.engine_only:
        work = Path(tempfile.mkdtemp(prefix="goodterms-bench-plan-"))
        env = server_env(work / "data")
        try:
            manage(env, "collectstatic", "--noinput", "--verbosity", "0")  # the server needs the manifest
            runs["SQLite"] = bench_backend("SQLite", env, work, args.requests, args.warmup, args.page_budget)
            if args.no_postgres:
                print("PostgreSQL: skipped (--no-postgres)")
            else:
                with postgres_database(PG_DATABASE) as url:
                    if url is not None:
                        runs["PostgreSQL"] = bench_backend(
                            "PostgreSQL",
                            {**env, "DATABASE_URL": url},
                            work,
                            args.requests,
                            args.warmup,
                            args.page_budget,
                        )
        except BenchError as error:
            print(f"bench-plan: {error}", file=sys.stderr)
            return 1
        finally:
            shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"{machine_line('bench-plan')}; run took {time.perf_counter() - began:.0f} s")
    report_engine(rows, cold, days, day_stats, args.facts, args.rounds)
    if runs:
        report_web(runs, args.requests, args.warmup, args.page_budget)
    return 0


if __name__ == "__main__":
    sys.exit(main())
