"""No row can stop the worker: `goodterms run` on the test's own database (SQLite file or PostgreSQL), a real
SMTP server, and the rows that used to take the whole instance down.

Each poison row ends failed with a reason the user can read, the worker process stays the same process,
/healthz answers throughout, and the good messages are delivered.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date, timedelta
from datetime import time as dt_time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from goodterms.accounts.models import Organization, User
from goodterms.aftercare import services as aftercare_services
from goodterms.clients.models import Client, Contact
from goodterms.exits import services as exit_services
from goodterms.exits.models import Exit
from goodterms.lib.vocabulary import CONVERSATIONS, MessageKind, Phase
from goodterms.messaging.models import Message
from tests.messaging.helpers import make_message, queue, state_of
from tests.realservers import GoodtermsRun, SmtpServer, wait_for

pytestmark = pytest.mark.slow

LOCK_SECONDS = 45


def _queue(org: Organization, n: int, **fields: object) -> Message:
    message = make_message(org, n, **fields)
    queue(message, send_at=fields.get("send_at"))  # type: ignore[arg-type]
    return message


def _exit_with_its_call_done(org: Organization) -> Exit:
    owner = User.objects.create_user(
        email="alice@alpha.example", password=None, name="Alice", organization=org
    )
    # Her daily digest (08:00 by default) would reach the mail server too when the test runs after eight.
    aftercare_services.digest_choose(user=owner, enabled=False, at=dt_time(8, 0))
    client = Client.objects.create(organization=org, name="Acme Corp")
    Contact.objects.create(organization=org, client=client, name="Dana Diaz", email="dana@acme.example")
    today = date.today()  # noqa: DTZ011 (a date for the plan, not a moment)
    exit_ = exit_services.exit_start(
        client=client,
        user=owner,
        start=exit_services.ExitStart(
            initiated_by="me",
            reason="fit",
            notice_date=today,
            end_date=today + timedelta(days=45),
            money_affected=False,
            feeling="smooth",
        ),
    )
    for step in exit_.steps.filter(channel__in=CONVERSATIONS, phase__in=[Phase.PREPARE, Phase.NOTICE]):
        exit_services.step_done(step=step, user=owner)
    return exit_


def _healthy_while(run: GoodtermsRun, condition_met: object, seconds: float) -> int:
    """Poll /healthz every half second until `condition_met()` or `seconds` pass; every answer must be 200.
    Returns how many times it asked."""
    asked = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert run.health() == 200, f"/healthz stopped answering:\n{run.output()}"
        asked += 1
        if callable(condition_met) and condition_met():
            break
        time.sleep(0.5)
    return asked


def test_poison_rows_fail_on_their_own_and_the_rest_is_delivered(goodterms_run, smtp: SmtpServer):
    org = Organization.objects.create(name="Alpha Studio")
    unencodable = _queue(org, 0, to_email="x@" + "a" * 64 + ".example")  # no encoding can write it
    good = _queue(org, 1)
    exit_ = _exit_with_its_call_done(org)
    held = Message.objects.create(
        organization=org,
        exit=exit_,
        kind=MessageKind.NOTICE,
        state=Message.State.HELD,
        contact=Contact.objects.get(name="Dana Diaz"),
        to_name="Dana Diaz",
        to_email="dana@acme.example",
        subject="Our work together\r\nBcc: eve@evil.example",
        body="Hi Dana,\n\nAs we discussed on the phone…",
        held_reason="Held until the call is done.",
    )

    goodterms_run.start()
    worker = goodterms_run.worker_pid()

    def settled() -> bool:
        return state_of(good) == Message.State.SENT and {state_of(unencodable), state_of(held)} == {
            Message.State.FAILED
        }

    _healthy_while(goodterms_run, settled, 60)
    assert settled(), goodterms_run.output()
    unencodable.refresh_from_db()
    held.refresh_from_db()
    assert "cannot be written in an email" in unencodable.last_error
    assert "to_email" in unencodable.last_error
    assert "carriage return" in held.last_error or "line break" in held.last_error
    assert [d["rcpt_tos"] for d in smtp.deliveries()] == [["dana1@acme.example"]]
    assert goodterms_run.worker_pid() == worker, "the worker was restarted: it died"
    assert "process stopped" not in goodterms_run.output()


LOCKER = Path(__file__).resolve().parent / "db_locker.py"


def _lock(seconds: float) -> subprocess.Popen[str]:
    """tests/messaging/db_locker.py on this test's database: it prints "locked" once it holds the lock."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        where = ["--sqlite", str(settings["NAME"])]
    else:
        where = ["--postgres", str(settings["NAME"]), "--user", str(settings.get("USER") or "")]
        where += [
            "--host",
            str(settings.get("HOST") or "127.0.0.1"),
            "--port",
            str(settings.get("PORT") or 5432),
        ]
    command = [sys.executable, str(LOCKER), "--seconds", str(seconds), *where]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


def test_a_database_locked_by_another_process_for_45_s_is_waited_out(goodterms_run, smtp: SmtpServer):
    org = Organization.objects.create(name="Alpha Studio")
    # Not due until the locker makes them due, inside its lock: they fall due when the lock goes.
    messages = [_queue(org, n, send_at=timezone.now() + timedelta(hours=1)) for n in range(3)]
    goodterms_run.start()
    worker = goodterms_run.worker_pid()
    locker = _lock(LOCK_SECONDS)
    try:
        assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
        asked = _healthy_while(goodterms_run, lambda: locker.poll() is not None, LOCK_SECONDS + 15)
        assert locker.wait(timeout=30) == 0
    finally:
        if locker.poll() is None:
            locker.kill()
    assert asked >= LOCK_SECONDS  # /healthz answered all through the lock
    wait_for(lambda: all(state_of(m) == Message.State.SENT for m in messages), "the queued messages", 90)
    ids = [d["message_id"] for d in smtp.deliveries()]
    assert len(ids) == 3 and len(set(ids)) == 3
    assert goodterms_run.worker_pid() == worker, "the worker was restarted: it died"
    if connection.vendor == "sqlite":
        assert "the database is unavailable" in goodterms_run.output()


def test_a_lost_database_connection_is_made_again(goodterms_run, smtp: SmtpServer):
    if connection.vendor != "postgresql":
        pytest.skip("a connection to the SQLite file cannot be cut from outside")
    org = Organization.objects.create(name="Alpha Studio")
    goodterms_run.start()
    worker = goodterms_run.worker_pid()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    message = _queue(org, 0)
    wait_for(lambda: state_of(message) == Message.State.SENT, "the message after the cut", 60)
    assert goodterms_run.worker_pid() == worker
    assert goodterms_run.health() == 200


def test_a_killed_worker_is_restarted_while_the_web_keeps_answering(goodterms_run, smtp: SmtpServer):
    import os
    import signal

    org = Organization.objects.create(name="Alpha Studio")
    goodterms_run.start()
    worker = goodterms_run.worker_pid()
    assert worker is not None
    os.kill(worker, signal.SIGKILL)
    killed_at = time.monotonic()

    def restarted() -> bool:
        pid = goodterms_run.worker_pid()
        return pid is not None and pid != worker

    _healthy_while(goodterms_run, restarted, 15)
    assert restarted(), f"no new worker within 15 s:\n{goodterms_run.output()}"
    assert time.monotonic() - killed_at < 15
    assert "starting it again" in goodterms_run.output()
    message = _queue(org, 0)
    wait_for(lambda: state_of(message) == Message.State.SENT, "a message sent by the new worker", 60)
