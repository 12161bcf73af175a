"""`make bench-web`: how fast the client pages are with 20,000 clients and 100,000 contacts.

For each backend (SQLite in a fresh temporary data dir, then PostgreSQL in a database this script creates
and drops), it applies the migrations with `goodterms manage migrate`, seeds one organization with 20,000
clients and 100,000 contacts (and a second, smaller organization, so every query has rows to scope out),
starts the production server (`goodterms serve`: gunicorn, 2 workers) on 127.0.0.1, signs in through
/login/ and times sequential requests over HTTP. It prints one table: p50, p95 and mean per page and
backend, the PostgreSQL/SQLite ratio of the medians, and how many SQL queries each page runs.

Informational only: nothing is asserted, and the exit status is 0 unless the setup itself fails.

PostgreSQL runs in the database DATABASE_URL names (dropped and created again, left empty), or in
goodterms_bench without one: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/mydb make bench-web`.

Usage: .venv/bin/python -m bench.bench_web [--requests 200] [--warmup 10] [--no-postgres]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

from bench.harness import (
    PG_ADMIN_URL,
    ROOT,
    USER_EMAIL,
    USER_PASSWORD,
    WEB_CONCURRENCY,
    BenchError,
    Browser,
    Timing,
    machine_line,
    manage,
    ms,
    postgres_database,
    running_server,
    server_env,
    time_page,
    verdict,
)

# The PostgreSQL database to seed: the one DATABASE_URL names (its contents are replaced, and it is left
# empty), so that helpers sharing a server each bench in their own; otherwise goodterms_bench.
PG_DATABASE = urlparse(os.environ.get("DATABASE_URL", "")).path.lstrip("/") or "goodterms_bench"

CLIENTS, CONTACTS = 20_000, 100_000  # the organization whose pages are timed
OTHER_CLIENTS, OTHER_CONTACTS = 2_000, 10_000  # another organization, there to be scoped out
RANDOM_SEED = 20_251_125
TARGET_MS = 100.0


# --- seed data: plain Python, deterministic -------------------------------------------------------------


def words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = words("""
    Ada Alan Amara Ana Anders Ari Beatriz Ben Bilal Carla Chen Chloe Dana Daniel Dev Elena Eli Emma Farah
    Felix Grace Hana Hugo Ines Isaac Ivan Jade Jonas Jun Kai Kara Lars Leila Leo Lina Luca Maya Mei Milan
    Nadia Noah Nora Omar Oscar Priya Rafael Rosa Sam Sara Sofia Tariq Tess Theo Uma Vera Wen Yara Yusuf Zoe
""")
COMMON_SURNAMES = words("""
    Smith Jones Garcia Chen Wang Kim Nguyen Patel Singh Muller Rossi Silva Novak Dubois Jensen Khan Ali
    Cohen Murphy Kowalski Santos Tanaka Sato Ivanova Larsen Moreau Lopez Perez Martin Bernard Fischer Weber
    Meyer Schulz Costa Ferreira Okafor Mensah Haddad Yilmaz Demir Berg Lind Nilsen Virtanen Horvath Popescu
""")
SURNAME_STARTS = words(
    "Ab Bel Cor Dal Ev Fen Gar Hal Ing Jor Kel Lin Mar Nor Ol Pen Quin Ros Sal Tor Ul Ven Wes Zel"
)
SURNAME_MIDDLES = ["", "a", "e", "i", "o", "an", "er", "in", "or"]
SURNAME_ENDS = words("by den ford gard holm ley mont ner ridge son ston ton ville wick worth")
COMPANY_FIRST = words("""
    Bright Blue Bold Cedar Clear Copper Crimson Eastern Fern Golden Granite Harbor Hollow Iron Juniper
    Lantern Lucky Maple Meadow Northern Oak Open Pine Quiet River Silver Stone Summit True Willow
""")
COMPANY_SECOND = words("""
    Arc Bay Bridge Brook Canyon Cloud Crest Field Forge Gate Grove Hill Lake Leaf Light Line Mill Moon Path
    Peak Point Ridge Rock Sky Spring Star Tide Vale Wave Wood
""")
COMPANY_KINDS = words("Studio Labs Partners Digital Works Group Media Foods Health Capital")
TAGS = words("""
    retainer design web branding seo monthly fixed-price hourly nonprofit startup enterprise agency
    referral priority legacy ecommerce mobile consulting maintenance audit
""")
ROLES = [
    "CEO",
    "CTO",
    "Founder",
    "Marketing lead",
    "Product manager",
    "Designer",
    "Office manager",
    "Developer",
    "Head of operations",
    "Finance",
    "",
]
FREE_MAIL = ["mail.example", "post.example", "inbox.example", "letters.example"]
NOTES = [
    "Monthly retainer; invoices on the 1st.",
    "Prefers calls on Tuesdays.",
    "Came through a referral.",
    "Rebuilt their shop in spring.",
    "Slow to approve, quick to pay.",
    "Wants a quarterly review.",
]
TOGETHER = [
    "Launched the new site together.",
    "Ran the spring campaign.",
    "Moved them off the old CMS.",
    "Redesigned the brand book.",
    "Weekly stand-ups for two years.",
]
STATUSES = ["active", "ending", "ended", "alumni"]
STATUS_WEIGHTS = [55, 8, 20, 17]


def surnames() -> tuple[list[str], list[float]]:
    """About 3,000 surnames, Zipf-weighted: a few very common, most rare (so a search can hit a few people).

    The weights come back cumulative, for random.choices(cum_weights=…): no O(n) pass per call.
    """
    made = sorted({f"{s}{m}{e}" for s in SURNAME_STARTS for m in SURNAME_MIDDLES for e in SURNAME_ENDS})
    names = COMMON_SURNAMES + [name for name in made if name not in COMMON_SURNAMES]
    return names, list(itertools.accumulate(1.0 / (rank + 10) for rank in range(len(names))))


@dataclass
class SeedClient:
    name: str
    company: str
    domain: str
    status: str
    tags: list[str]
    start_date: date | None
    notes: str
    archived_at: datetime | None


@dataclass
class SeedContact:
    client_index: int
    name: str
    email: str
    phone: str
    role: str
    channel: str
    is_primary: bool
    together_notes: str


def seed_rows(rng: random.Random, clients: int, contacts: int) -> tuple[list[SeedClient], list[SeedContact]]:
    last_names, last_weights = surnames()
    made_clients: list[SeedClient] = []
    for _ in range(clients):
        if rng.random() < 0.75:
            first, second, kind = (
                rng.choice(COMPANY_FIRST),
                rng.choice(COMPANY_SECOND),
                rng.choice(COMPANY_KINDS),
            )
            company = f"{first} {second} {kind}"
            name = (
                company if rng.random() < 0.8 else f"{company} ({rng.choice(['EU', 'US', 'UK', 'Retail'])})"
            )
            domain = f"{first}{second}{kind}.example".lower()
        else:  # a person as the client: a freelancer's freelancer
            name = f"{rng.choice(FIRST_NAMES)} {rng.choices(last_names, cum_weights=last_weights)[0]}"
            company, domain = "", rng.choice(FREE_MAIL)
        archived = rng.random() < 0.05
        made_clients.append(
            SeedClient(
                name=name,
                company=company,
                domain=domain,
                status=rng.choices(STATUSES, STATUS_WEIGHTS)[0],
                tags=rng.sample(TAGS, rng.choices([0, 1, 2, 3], [30, 35, 25, 10])[0]),
                start_date=date(2017, 1, 1) + timedelta(days=rng.randrange(3000))
                if rng.random() < 0.8
                else None,
                notes=rng.choice(NOTES) if rng.random() < 0.3 else "",
                archived_at=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=rng.randrange(15000))
                if archived
                else None,
            )
        )
    # Every client has at least one contact; the rest are spread unevenly (a few clients have dozens).
    weights = [rng.expovariate(1.0) ** 2 for _ in range(clients)]
    owners = list(range(clients)) + rng.choices(range(clients), weights, k=contacts - clients)
    owners.sort()
    made_contacts: list[SeedContact] = []
    previous = -1
    for index in owners:
        client = made_clients[index]
        first, last = rng.choice(FIRST_NAMES), rng.choices(last_names, cum_weights=last_weights)[0]
        made_contacts.append(
            SeedContact(
                client_index=index,
                name=f"{first} {last}",
                email=f"{first}.{last}@{client.domain}".lower() if rng.random() < 0.9 else "",
                phone=f"+44 20 7946 {rng.randrange(10000):04}" if rng.random() < 0.5 else "",
                role=rng.choice(ROLES),
                channel=rng.choices(["email", "phone", "in_person"], [70, 25, 5])[0],
                is_primary=index != previous and rng.random() < 0.85,
                together_notes=rng.choice(TOGETHER) if rng.random() < 0.2 else "",
            )
        )
        previous = index
    rng.shuffle(made_contacts)  # people are added over the years, not client by client
    return made_clients, made_contacts


def seed(out: Path) -> None:
    """Runs in a child process whose environment picks the database: seed it, count queries, write JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goodterms.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext

    from goodterms.accounts.models import Organization, SiteSetup, User
    from goodterms.clients.models import Client, Contact, normalize_tags

    started = time.perf_counter()
    rng = random.Random(RANDOM_SEED)
    with transaction.atomic():
        SiteSetup.objects.get_or_create(id=1)
        alpha = Organization.objects.create(name="Alpha Studio")
        bravo = Organization.objects.create(name="Bravo Consulting")
        user = User.objects.create_user(
            email=USER_EMAIL,
            password=USER_PASSWORD,
            name="Bench Person",
            organization=alpha,
            role=User.Role.OWNER,
        )
        User.objects.create_user(
            email="other@bravo.example",
            password=USER_PASSWORD,
            name="Other Person",
            organization=bravo,
            role=User.Role.OWNER,
        )
        plan = [
            (alpha, *seed_rows(rng, CLIENTS, CONTACTS)),
            (bravo, *seed_rows(rng, OTHER_CLIENTS, OTHER_CONTACTS)),
        ]
        # Interleave the two organizations' rows, as years of use would.
        client_objects = [
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
            for org, seeded_clients, _ in plan
            for c in seeded_clients
        ]
        order = list(range(len(client_objects)))
        rng.shuffle(order)
        Client.objects.bulk_create([client_objects[i] for i in order], batch_size=1000)
        contact_objects: list[Contact] = []
        offset = 0
        for org, seeded_clients, seeded_contacts in plan:
            contact_objects += [
                Contact(
                    organization=org,
                    client=client_objects[offset + p.client_index],
                    name=p.name,
                    email=p.email,
                    phone=p.phone,
                    role=p.role,
                    preferred_channel=p.channel,
                    is_primary=p.is_primary,
                    together_notes=p.together_notes,
                )
                for p in seeded_contacts
            ]
            offset += len(seeded_clients)
        rng.shuffle(contact_objects)
        Contact.objects.bulk_create(contact_objects, batch_size=1000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # What autovacuum does within a minute of a load this size: planner statistics, and the
            # visibility map that lets PostgreSQL answer counts from an index alone.
            cursor.execute("VACUUM ANALYZE")
    seeded_in = time.perf_counter() - started
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
    print(f"  seeded in {seeded_in:.0f} s; counting queries per page in process", flush=True)

    # The pages to time. Search terms come from the data: a rare surname and one company's email domain.
    alpha_clients = [c for c in client_objects if c.organization_id == alpha.pk]
    alpha_contacts = [c for c in contact_objects if c.organization_id == alpha.pk]
    counts: dict[str, int] = {}
    for contact in alpha_contacts:
        surname = contact.name.split()[-1]
        counts[surname] = counts.get(surname, 0) + 1
    surname = rng.choice(sorted(name for name, n in counts.items() if 3 <= n <= 6 and len(name) >= 8)).lower()
    domains = sorted({c.email.split("@")[1] for c in alpha_contacts if c.email} - set(FREE_MAIL))
    email_fragment = "@" + rng.choice(domains).removesuffix(".example")
    live = [c.pk for c in alpha_clients if c.archived_at is None]
    pages: dict[str, list[str]] = {
        "client list, page 1": ["/clients/"],
        "client list, page 200": ["/clients/?page=200"],
        f"search q={surname}": ["/clients/?" + urlencode({"q": surname})],
        f"search q={email_fragment}": ["/clients/?" + urlencode({"q": email_fragment})],
        # Two letters: a prefix search (selectors.PREFIX_SEARCH_UP_TO), served by migration 0008's indexes.
        "search q=an (broad)": ["/clients/?q=an"],
        "status filter: ending": ["/clients/?status=ending"],
        "tag filter: retainer": ["/clients/?tag=retainer"],
        "client detail (random)": [f"/clients/{pk}/" for pk in rng.sample(live, 200)],
    }

    # Queries per page, in process: the same signed-in request through Django's test client.
    http = HttpClient(HTTP_HOST="127.0.0.1")
    http.force_login(user)
    contact_totals: dict[int, int] = {}
    for contact in alpha_contacts:
        contact_totals[contact.client_id] = contact_totals.get(contact.client_id, 0) + 1
    live_set = set(live)
    by_size = sorted((n, pk) for pk, n in contact_totals.items() if pk in live_set)
    detail_samples = [
        f"/clients/{by_size[0][1]}/",
        f"/clients/{by_size[-1][1]}/",
        *pages["client detail (random)"][:3],
    ]
    queries: dict[str, list[int]] = {}
    for label, paths in pages.items():
        counted: list[int] = []
        for path in detail_samples if label.startswith("client detail") else paths:
            http.get(path)  # the first request also fills per-process caches
            with CaptureQueriesContext(connection) as captured:
                response = http.get(path)
            if response.status_code != 200:
                raise SystemExit(f"bench-web: {path} answered {response.status_code} in process")
            counted.append(len(captured.captured_queries))
        queries[label] = counted
    out.write_text(
        json.dumps(
            {
                "pages": pages,
                "queries": queries,
                "seeded_in": seeded_in,
                "database": database,
                "largest_client_contacts": by_size[-1][0],
            }
        )
    )


# --- measuring -----------------------------------------------------------------------------------------


def bench_backend(
    name: str, env: dict[str, str], work: Path, requests: int, warmup: int
) -> tuple[dict[str, Timing], dict[str, Any]]:
    print(f"{name}: migrating", flush=True)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    print(
        f"{name}: seeding {CLIENTS:,} clients and {CONTACTS:,} contacts "
        f"(+{OTHER_CLIENTS:,} / {OTHER_CONTACTS:,} in a second organization)",
        flush=True,
    )
    out = work / f"seed-{name.lower()}.json"
    seeded = subprocess.run(
        [sys.executable, "-m", "bench.bench_web", "--seed-into", str(out)],
        env=env,
        cwd=ROOT,
        check=False,
    )
    if seeded.returncode != 0:
        raise BenchError(f"{name}: seeding failed")
    info: dict[str, Any] = json.loads(out.read_text())
    print(
        f"{name}: seeded in {info['seeded_in']:.0f} s; starting `goodterms serve` and timing "
        f"{len(info['pages'])} pages x {requests} requests",
        flush=True,
    )
    timings: dict[str, Timing] = {}
    with running_server(env, work / f"server-{name.lower()}.log") as port:
        browser = Browser(port)
        try:
            browser.sign_in()
            for label, paths in info["pages"].items():
                timings[label] = time_page(browser, paths, requests, warmup)
        finally:
            browser.close()
    return timings, info


# --- the report -------------------------------------------------------------------------------------------


def report(runs: dict[str, tuple[dict[str, Timing], dict[str, Any]]], requests: int, warmup: int) -> None:
    sqlite_timings, sqlite_info = runs["SQLite"]
    pg_timings, pg_info = runs.get("PostgreSQL", ({}, {}))
    print()
    print(machine_line("bench-web"))
    print(
        f"{CLIENTS:,} clients / {CONTACTS:,} contacts in the signed-in organization "
        f"(+{OTHER_CLIENTS:,} / {OTHER_CONTACTS:,} in another); largest client has "
        f"{sqlite_info['largest_client_contacts']} contacts"
    )
    print(
        f"gunicorn, {WEB_CONCURRENCY} workers x 4 threads on 127.0.0.1; {requests} sequential requests per "
        f"page from one signed-in client after {warmup} warm-up requests; times in ms, whole response read"
    )
    print("databases: " + ", ".join(info["database"] for _, info in runs.values()))
    print(f"target: p95 < {TARGET_MS:.0f} ms  (PASS/MISS after each p95)")
    print()
    header = (
        f"{'page':<30} {'shown':>7} | {'SQLite p50':>10} {'p95':>13} {'mean':>6} | "
        f"{'PG p50':>7} {'p95':>13} {'mean':>6} | {'PG/SQLite p50':>13} | queries"
    )
    print(header)
    print("-" * len(header))
    for label, lite in sqlite_timings.items():
        pg = pg_timings.get(label)
        lite_q, pg_q = sqlite_info["queries"][label], pg_info.get("queries", {}).get(label)
        counts = sorted(set(lite_q) | set(pg_q or []))
        query_cell = "/".join(str(n) for n in counts) + (" (varies!)" if len(counts) > 1 else "")
        row = f"{label:<30} {lite.shown:>7} | "
        row += f"{ms(lite.p50):>10} {ms(lite.p95):>8} {verdict(lite.p95 < TARGET_MS)} {ms(lite.mean):>6} | "
        if pg is not None:
            row += (
                f"{ms(pg.p50):>7} {ms(pg.p95):>8} {verdict(pg.p95 < TARGET_MS)} {ms(pg.mean):>6} | "
                f"{pg.p50 / lite.p50:>12.2f}x | "
            )
        else:
            row += f"{'-':>7} {'-':>13} {'-':>6} | {'-':>13} | "
        print(row + query_cell)
    print()
    print(
        "shown: the client count the page prints. queries: SQL queries per request, counted in process with "
        "Django's test client (session, user and organization included); the detail row covers the clients "
        "with the fewest and the most contacts and three random ones."
    )
    if not pg_timings:
        print("PostgreSQL was not measured (see the note above).")


def recreate_empty(name: str) -> None:
    """DATABASE_URL's database, dropped by the bench, back as an empty database (for `make test`)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per page first (default 10)")
    parser.add_argument("--no-postgres", action="store_true", help="measure SQLite only")
    parser.add_argument("--seed-into", type=Path, help=argparse.SUPPRESS)  # the child that seeds one database
    args = parser.parse_args()
    if args.seed_into is not None:
        seed(args.seed_into)
        return 0

    # A SIGTERM unwinds like Ctrl-C, so the server, the temporary files and the database are cleaned up.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    work = Path(tempfile.mkdtemp(prefix="goodterms-bench-web-"))
    env = server_env(work / "data")
    runs: dict[str, tuple[dict[str, Timing], dict[str, Any]]] = {}
    try:
        # The production static storage needs its manifest before any page renders.
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        runs["SQLite"] = bench_backend("SQLite", env, work, args.requests, args.warmup)
        if args.no_postgres:
            print("PostgreSQL: skipped (--no-postgres)")
        else:
            try:
                with postgres_database(PG_DATABASE) as url:
                    if url is not None:
                        runs["PostgreSQL"] = bench_backend(
                            "PostgreSQL", {**env, "DATABASE_URL": url}, work, args.requests, args.warmup
                        )
            finally:
                if PG_DATABASE != "goodterms_bench":
                    recreate_empty(PG_DATABASE)
    except BenchError as error:
        print(f"bench-web: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(runs, args.requests, args.warmup)
    return 0


if __name__ == "__main__":
    sys.exit(main())
