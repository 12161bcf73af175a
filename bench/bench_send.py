"""`make bench-send`: how fast the outbox delivers 1,000 goodbyes to a real SMTP server.

For each backend (SQLite in a temporary data dir, then PostgreSQL in a database made and dropped here), it
migrates, then twice (4 workers, then 1 worker): a child process makes 1,000 goodbye messages, one recipient
each, and queues them through `outbox.queue` (timed: queued/s); an aiosmtpd server starts in another process
(this file, `sink` mode: it appends one JSON line per accepted message); the workers start as
`goodterms manage sendmessages --once` and the clock runs from their start until the last one exits (so it
includes their start-up, about half a second). Then it checks that the server got 1,000 messages with 1,000
distinct Message-IDs, the ones the outbox assigned, and that every message is marked sent.

The peer is Django's own `send_mass_mail`: the same 1,000 messages over one SMTP connection, no database, no
retries, no record of what was sent; the fastest a Django app can hand mail to a server. The ratio says what
the outbox's guarantees cost.

Informational only: nothing is asserted on timing; the target (all delivered within 60 s) is reported.

Usage: .venv/bin/python -m bench.bench_send [--messages 1000] [--workers 4] [--no-postgres]
"""

from __future__ import annotations

import argparse
import email
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.bench_web import COMMON_SURNAMES, FIRST_NAMES
from bench.harness import ROOT, BenchError, free_port, machine_line, manage, postgres_database

PG_DATABASE = "goodterms_bench_send"
TARGET_SECONDS = 60.0
WORKER_TIMEOUT = 600.0
BODY = """Hi {first},

As you know, my work for {company} ends this Friday. I wanted to say thank you, personally: working with you
on the new site has been one of the best parts of the last three years.

Everything is handed over: the repository, the hosting accounts and the notes are with Sam, who knows where
to find me if a question comes up. I will keep an eye on the launch next month and I would be glad to hear
how it goes.

If you ever need a hand again, or know someone who does, I would be happy to hear from you.

All the best,
Alice"""


def goodbye(n: int) -> dict[str, str]:
    """The n-th goodbye: the same in the outbox run and in the peer's."""
    first = FIRST_NAMES[n % len(FIRST_NAMES)]
    last = COMMON_SURNAMES[(n // len(FIRST_NAMES)) % len(COMMON_SURNAMES)]
    company = f"Client {n % 97}"
    return {
        "to_name": f"{first} {last}",
        "to_email": f"{first.lower()}.{last.lower()}.{n}@client{n % 97}.example",
        "subject": f"Thank you, {first}",
        "body": BODY.format(first=first, company=company),
    }


# --- child modes: the SMTP sink, seeding, the peer -------------------------------------------------------


def run_sink(port: int, out: str) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP, Envelope, Session

    class Sink:
        async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
            content = envelope.content if isinstance(envelope.content, bytes) else b""
            parsed = email.message_from_bytes(content)
            line = json.dumps({"id": parsed["Message-ID"], "rcpt": envelope.rcpt_tos, "at": time.time()})
            fd = os.open(out, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, (line + "\n").encode())
            finally:
                os.close(fd)
            return "250 2.0.0 Accepted"

    controller = Controller(Sink(), hostname="127.0.0.1", port=port, server_hostname="sink.bench")
    controller.start()
    print("ready", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goodterms.settings")
    import django

    django.setup()


def run_seed(label: str, messages: int) -> None:
    """Make `messages` goodbyes in an organization of their own and queue each one; print JSON."""
    django_setup()
    from goodterms.accounts.models import Organization
    from goodterms.clients.models import Client, Contact
    from goodterms.messaging import gate, outbox
    from goodterms.messaging.models import Message

    org = Organization.objects.create(name=f"Bench {label}")
    client = Client.objects.create(organization=org, name="Bench client")
    people = [goodbye(n) for n in range(messages)]
    contacts = Contact.objects.bulk_create(
        Contact(organization=org, client=client, name=p["to_name"], email=p["to_email"]) for p in people
    )
    rows = Message.objects.bulk_create(
        [
            Message(organization=org, kind="goodbye", from_name="Alice Archer", contact=contact, **person)
            for person, contact in zip(people, contacts, strict=True)
        ]
    )
    started = time.perf_counter()
    for message in rows:  # the way every message reaches the outbox: through the gate
        outbox.queue(message, gate.clear(message))
    seconds = time.perf_counter() - started
    ids = list(Message.objects.filter(organization=org).values_list("message_id", flat=True))
    print(json.dumps({"org": org.pk, "queue_seconds": seconds, "ids": ids}))


def run_verify(org: int) -> None:
    django_setup()
    from django.db.models import Count

    from goodterms.messaging.models import Message

    counts = Message.objects.filter(organization_id=org).values("state").annotate(n=Count("pk"))
    print(json.dumps({row["state"]: row["n"] for row in counts}))


def run_peer(messages: int) -> None:
    """Django's send_mass_mail: every message over one connection, timed."""
    django_setup()
    from django.conf import settings
    from django.core.mail import send_mass_mail

    datatuple = [
        (g["subject"], g["body"], f'"Alice Archer" <{settings.DEFAULT_FROM_EMAIL}>', [f"{g['to_email']}"])
        for g in (goodbye(n) for n in range(messages))
    ]
    started = time.perf_counter()
    sent = send_mass_mail(datatuple, fail_silently=False)
    print(json.dumps({"seconds": time.perf_counter() - started, "sent": sent}))


# --- the parent ------------------------------------------------------------------------------------------


class Sink:
    def __init__(self, out: Path) -> None:
        self.port = free_port()
        self.out = out
        self.process: subprocess.Popen[str] | None = None

    def __enter__(self) -> Sink:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.bench_send",
                "sink",
                "--port",
                str(self.port),
                "--out",
                str(self.out),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "ready":
            raise BenchError("the SMTP sink did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def deliveries(self) -> list[dict[str, Any]]:
        if not self.out.exists():
            return []
        return [json.loads(line) for line in self.out.read_text().splitlines() if line.strip()]


def child_json(env: dict[str, str], *args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "bench.bench_send", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(f"bench_send {' '.join(args)} failed:\n{result.stderr}")
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


@dataclass
class Run:
    backend: str
    workers: int
    messages: int
    wall: float
    span: float  # first to last delivery, as the server saw it
    delivered: int
    distinct: int
    ids_match: bool
    all_sent: bool
    queue_rate: float

    @property
    def rate(self) -> float:
        return self.delivered / self.wall if self.wall else 0.0


def bench_round(backend: str, env: dict[str, str], work: Path, workers: int, messages: int) -> Run:
    label = f"{backend}-{workers}"
    seeded = child_json(env, "seed", "--label", label, "--messages", str(messages))
    with Sink(work / f"deliveries-{label}.jsonl") as sink:
        worker_env = {**env, "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}?timeout=30"}
        command = [sys.executable, "-m", "goodterms.cli", "manage", "sendmessages", "--once"]
        started = time.perf_counter()
        processes = [
            subprocess.Popen(command, env=worker_env, cwd=ROOT, stdout=subprocess.DEVNULL)
            for _ in range(workers)
        ]
        for process in processes:
            try:
                process.wait(timeout=WORKER_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        wall = time.perf_counter() - started
        got = sink.deliveries()
    states = child_json(env, "verify", "--org", str(seeded["org"]))
    ids = [d["id"] for d in got]
    times = [d["at"] for d in got]
    run = Run(
        backend=backend,
        workers=workers,
        messages=messages,
        wall=wall,
        span=max(times) - min(times) if times else 0.0,
        delivered=len(got),
        distinct=len(set(ids)),
        ids_match=set(ids) == set(seeded["ids"]),
        all_sent=states == {"sent": messages},
        queue_rate=messages / seeded["queue_seconds"],
    )
    print(
        f"  {backend:<10} {workers} worker(s): {run.delivered} delivered in {run.wall:.2f} s "
        f"({run.rate:.0f}/s), {run.distinct} distinct Message-IDs, states {states}",
        flush=True,
    )
    return run


def bench_backend(
    backend: str, env: dict[str, str], work: Path, workers: list[int], messages: int
) -> list[Run]:
    print(f"{backend}: migrating", flush=True)
    manage(env, "migrate", "--no-input", "--skip-checks")
    return [bench_round(backend, env, work, n, messages) for n in workers]


def bench_peer(env: dict[str, str], work: Path, messages: int) -> tuple[float, int, int]:
    with Sink(work / "deliveries-peer.jsonl") as sink:
        peer = child_json(
            {**env, "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}?timeout=30"},
            "peer",
            "--messages",
            str(messages),
        )
        got = sink.deliveries()
    return float(peer["seconds"]), len(got), len({d["id"] for d in got})


def report(runs: list[Run], peer: tuple[float, int, int], messages: int) -> None:
    peer_seconds, peer_delivered, peer_distinct = peer
    peer_rate = peer_delivered / peer_seconds if peer_seconds else 0.0
    print()
    print(
        f"bench-send: {messages:,} goodbyes, one recipient each, to aiosmtpd on 127.0.0.1 (another process)"
    )
    print(machine_line("bench-send"))
    print()
    header = (
        f"{'backend':<11}{'workers':>8}{'wall s':>9}{'msgs/s':>9}{'server s':>10}{'delivered':>11}"
        f"{'distinct IDs':>14}{'IDs = outbox':>14}{'all sent':>10}{'queued/s':>10}{'≤ 60 s':>8}"
    )
    print(header)
    print("-" * len(header))
    for run in runs:
        print(
            f"{run.backend:<11}{run.workers:>8}{run.wall:>9.2f}{run.rate:>9.0f}{run.span:>10.2f}"
            f"{run.delivered:>11,}{run.distinct:>14,}{'yes' if run.ids_match else 'NO':>14}"
            f"{'yes' if run.all_sent else 'NO':>10}{run.queue_rate:>10.0f}"
            f"{'met' if run.delivered == messages and run.wall <= TARGET_SECONDS else 'MISSED':>8}"
        )
    print(
        f"{'peer: Django send_mass_mail, one connection':<44}{peer_seconds:>9.2f} s {peer_rate:>7.0f}/s"
        f"   {peer_delivered:,} delivered, {peer_distinct:,} distinct IDs"
    )
    print()
    for run in runs:
        ratio = peer_rate / run.rate if run.rate else float("inf")
        print(f"  {run.backend} with {run.workers} worker(s): the peer is {ratio:.1f}x faster")
    print()
    print("wall s: from starting the workers to the last one exiting (includes their start-up).")
    print(
        "server s: first to last delivery as the server saw it. queued/s: gate.clear (tone coach, "
        "recipient) and outbox.queue, one transaction each."
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="mode")
    sink = sub.add_parser("sink")
    sink.add_argument("--port", type=int, required=True)
    sink.add_argument("--out", required=True)
    seed = sub.add_parser("seed")
    seed.add_argument("--label", required=True)
    seed.add_argument("--messages", type=int, required=True)
    verify = sub.add_parser("verify")
    verify.add_argument("--org", type=int, required=True)
    peer_mode = sub.add_parser("peer")
    peer_mode.add_argument("--messages", type=int, required=True)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    if args.mode == "sink":
        run_sink(args.port, args.out)
        return 0
    if args.mode == "seed":
        run_seed(args.label, args.messages)
        return 0
    if args.mode == "verify":
        run_verify(args.org)
        return 0
    if args.mode == "peer":
        run_peer(args.messages)
        return 0

    work = Path(tempfile.mkdtemp(prefix="goodterms-bench-send-"))
    (work / "data").mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "EMAIL_URL"}}
    env.update(
        GOODTERMS_DATA_DIR=str(work / "data"),
        SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnop",  # noqa: S106 (a throwaway database)
        DEFAULT_FROM_EMAIL="alice@alpha.example",
        LOG_LEVEL="WARNING",
    )
    worker_counts = [args.workers, 1] if args.workers != 1 else [1]
    runs: list[Run] = []
    try:
        runs += bench_backend("SQLite", env, work, worker_counts, args.messages)
        if not args.no_postgres:
            with postgres_database(PG_DATABASE) as url:
                if url is not None:
                    runs += bench_backend(
                        "PostgreSQL", {**env, "DATABASE_URL": url}, work, worker_counts, args.messages
                    )
        peer = bench_peer(env, work, args.messages)
    except BenchError as error:
        print(f"bench-send: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(runs, peer, args.messages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
