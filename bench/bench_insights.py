"""`make bench-insights`: the insights page with 1,000 exits on SQLite, beside the plain exit list.

A temporary data dir is migrated and seeded in a child process: 1,000 clients with three contacts each,
1,000 exits started through `exits.services.exit_start` (last days from two years ago to a month ahead,
every situation and reason), about half their steps ticked off, and outcomes (introductions, testimonials,
returns) for some of the ended ones. Then `goodterms serve` (gunicorn) answers sequential requests: the
insights page, its CSV, and the exit list page (the peer: a plain list of the same exits). Prints p50 and
p95 of each and the ratio to the peer, against the issue's target of 300 ms for the page.

Informational only: nothing is asserted on timing, and the exit status is 0 unless the setup fails.

Usage: .venv/bin/python -m bench.bench_insights [--exits 1000] [--requests 60] [--warmup 5]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.harness import (
    ROOT,
    USER_EMAIL,
    USER_PASSWORD,
    BenchError,
    Browser,
    machine_line,
    manage,
    ms,
    ratio,
    running_server,
    server_env,
    time_page,
    verdict,
)

EXITS = 1000
TARGET_MS = 300.0
RANDOM_SEED = 15


def seed(count: int) -> None:
    """In the child process: the organization, its clients and exits, steps done and outcomes."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goodterms.settings")
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from goodterms.accounts.models import Organization, SiteSetup, User
    from goodterms.aftercare.models import Outcome
    from goodterms.clients.models import Client, Contact
    from goodterms.exits import services
    from goodterms.exits.models import ExitStep
    from goodterms.lib.vocabulary import Reason

    rng = random.Random(RANDOM_SEED)
    today = timezone.localdate()
    with transaction.atomic():
        SiteSetup.objects.get_or_create(id=1)
        org = Organization.objects.create(name="Alpha Studio")
        user = User.objects.create_user(
            email=USER_EMAIL,
            password=USER_PASSWORD,
            name="Bench Person",
            organization=org,
            role=User.Role.OWNER,
        )
        clients = Client.objects.bulk_create(
            Client(organization=org, name=f"Client {n:04d}", company=f"Company {n:04d}") for n in range(count)
        )
        Contact.objects.bulk_create(
            Contact(
                organization=org,
                client=clients[n % count],
                name=f"Person {n:05d}",
                email=f"person{n}@bench.example",
                is_primary=n < count,
            )
            for n in range(count * 3)
        )
    started = time.perf_counter()
    exits = []
    for client in clients:
        initiated_by = rng.choices(["me", "client", "mutual"], [60, 25, 15])[0]
        end = today + timedelta(days=rng.randint(-730, 30))
        start = services.ExitStart(
            initiated_by=initiated_by,
            reason="client-decision"
            if initiated_by == "client"
            else rng.choice([r for r in Reason.values() if r != Reason.CLIENT_DECISION]),
            notice_date=end - timedelta(days=rng.randint(10, 90)),
            end_date=end,
            money_affected=rng.random() < 0.25,
            feeling="sour" if rng.random() < 0.12 else "smooth",
            deliverables=(),
            invoices=(),
        )
        exits.append(services.exit_start(client=client, user=user, start=start))
    print(f"  {count:,} exits started in {time.perf_counter() - started:.0f} s", flush=True)
    steps = list(ExitStep.objects.filter(organization=org).values_list("pk", "due"))
    done = [pk for pk, due in steps if due < today and rng.random() < 0.7]
    for chunk in range(0, len(done), 500):
        ExitStep.objects.filter(pk__in=done[chunk : chunk + 500]).update(done_on=today - timedelta(days=1))
    outcomes = []
    for exit_ in exits:
        if exit_.end_date < today and rng.random() < 0.3:
            kind = rng.choice(Outcome.Kind.values)
            outcomes.append(
                Outcome(
                    organization=org,
                    exit=exit_,
                    kind=kind,
                    on=today,
                    text="Good work." if kind == Outcome.Kind.TESTIMONIAL else "",
                    consent_wording="You may quote me." if kind == Outcome.Kind.TESTIMONIAL else "",
                    created_by=user,
                )
            )
    Outcome.objects.bulk_create(outcomes)
    print(f"  {len(steps):,} steps ({len(done):,} done), {len(outcomes):,} outcomes", flush=True)
    from goodterms.aftercare import insights

    took = []
    for _ in range(7):  # the figures computed afresh (the page keeps them until something changes)
        began = time.perf_counter()
        insights._compute(org=org, today=today)
        took.append((time.perf_counter() - began) * 1000)
    print(f"  the figures computed afresh, in process: median {ms(sorted(took)[3])} ms of 7", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--exits", type=int, default=EXITS, help=f"exits to seed ({EXITS:,})")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page (default 60)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per page first (default 5)")
    parser.add_argument("--seed-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed_child is not None:
        seed(args.seed_child)
        return 0
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    work = Path(tempfile.mkdtemp(prefix="goodterms-bench-insights-"))
    env = server_env(work / "data")
    pages = {
        "insights page": "/aftercare/insights/",
        "insights CSV": "/aftercare/insights.csv",
        "exit list (peer)": "/exits/",
    }
    try:
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        print(f"SQLite: seeding {args.exits:,} exits", flush=True)
        child = subprocess.run(
            [sys.executable, "-m", "bench.bench_insights", "--seed-child", str(args.exits)],
            env=env,
            cwd=ROOT,
            check=False,
        )
        if child.returncode != 0:
            raise BenchError("seeding failed")
        with running_server(env, work / "server.log") as port:
            browser = Browser(port)
            try:
                browser.sign_in()
                timings = {
                    label: time_page(browser, [path], args.requests, args.warmup)
                    for label, path in pages.items()
                }
            finally:
                browser.close()
    except BenchError as error:
        print(f"bench-insights: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    peer = timings["exit list (peer)"]
    print()
    print(machine_line("bench-insights"))
    print(
        f"SQLite, {args.exits:,} exits, {args.requests} sequential requests per page "
        f"after {args.warmup} warm-up"
    )
    print(f"{'page':<20} {'p50':>9} {'p95':>9} {'p50 vs peer':>12}")
    for label, timing in timings.items():
        print(f"{label:<20} {ms(timing.p50):>9} {ms(timing.p95):>9} {ratio(timing.p50, peer.p50):>12}")
    page = timings["insights page"]
    print(
        f"target: the insights page under {TARGET_MS:.0f} ms (p95 {ms(page.p95)}): "
        f"{verdict(page.p95 < TARGET_MS)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
