"""Sending to a real SMTP server in another process (aiosmtpd, tests/messaging/smtp_sink.py).

The crash tests run the worker in subprocesses on this test's own database (SQLite file or PostgreSQL,
whichever the run uses) and kill it at chosen points (tests/messaging/send_worker.py). The server writes a
line per accepted message, so each test counts deliveries and Message-IDs rather than trusting the database.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone

from goodterms.accounts.models import Organization
from goodterms.messaging import outbox
from goodterms.messaging.models import Message, MessageEvent, Outbox
from goodterms.messaging.outbox import NotSendable
from tests.messaging.helpers import make_message, make_messages, queue, state_of
from tests.realservers import WAIT_SECONDS, SmtpServer, app_env, wait_for

HERE = Path(__file__).resolve().parent
WORKER = HERE / "send_worker.py"


class Workers:
    """Worker subprocesses on the test database; whatever is still running at the end is killed."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, *args: str, command: list[str] | None = None) -> subprocess.Popen[bytes]:
        log = (self.logs / f"worker-{len(self.processes)}.log").open("wb")
        process = subprocess.Popen(
            command or [sys.executable, str(WORKER), *args],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.processes.append(process)
        return process

    def stop(self, process: subprocess.Popen[bytes]) -> int:
        process.send_signal(signal.SIGTERM)
        return process.wait(timeout=WAIT_SECONDS)

    def output(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in sorted(self.logs.glob("worker-*.log")))

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture
def workers(transactional_db: None, tmp_path: Path, smtp: SmtpServer) -> Iterator[Workers]:
    env = app_env(tmp_path, email_url=f"smtp://127.0.0.1:{smtp.port}?timeout=5")
    env["LOG_LEVEL"] = "WARNING"
    running = Workers(env, tmp_path)
    yield running
    running.close()  # before the test database is flushed


def make_org() -> Organization:
    return Organization.objects.create(name="Alpha Studio")


# --- one process: what the server receives, and the kinds of no -----------------------------------------


def test_the_server_receives_one_plain_text_email_for_one_person(db, smtp_settings):
    message = make_message(make_org(), to_name="Zoë Ångström, CTO", from_name="Alice Archer")
    message.from_email = "alice@alpha.example"
    message.save()
    queue(message)
    assert outbox.send_one("w1") is True
    [got] = smtp_settings.deliveries()
    assert got["rcpt_tos"] == ["dana0@acme.example"]
    assert got["mail_from"] == "alice@alpha.example"
    assert got["message_id"] == message.message_id
    assert len(got["to"]) == 1 and got["cc"] is None
    assert got["date"] and got["content_type"] == "text/plain"
    assert "Thank you for three good years" in got["body"]
    assert state_of(message) == Message.State.SENT


def test_a_permanent_refusal_550_fails_at_once_in_words(db, smtp_settings):
    message = make_message(make_org(), to_email="refuse-dana@acme.example")
    queue(message)
    outbox.send_one("w1")
    message.refresh_from_db()
    row = Outbox.objects.get(message=message)
    assert message.state == Message.State.FAILED and row.state == Outbox.State.FAILED
    assert "refused the message: 550" in message.last_error and "No such person" in message.last_error
    assert row.attempts == 1 and row.handed_over_at is None
    assert outbox.send_one("w1") is False
    assert smtp_settings.deliveries() == []


def test_a_temporary_refusal_451_is_tried_again_later(db, smtp_settings):
    message = make_message(make_org(), to_email="defer-dana@acme.example")
    queue(message)
    before = timezone.now()
    outbox.send_one("w1")
    message.refresh_from_db()
    row = Outbox.objects.get(message=message)
    assert message.state == Message.State.QUEUED and "451" in message.last_error
    assert row.state == Outbox.State.PENDING and row.attempts == 1
    assert row.handed_over_at is None  # refused before DATA: safe to send again
    assert row.next_attempt_at >= before


def test_connection_refused_is_safe_to_retry(db, smtp_settings):
    smtp_settings.stop()
    message = make_message(make_org())
    queue(message)
    outbox.send_one("w1")
    message.refresh_from_db()
    row = Outbox.objects.get(message=message)
    assert message.state == Message.State.QUEUED
    assert "refused the connection" in message.last_error
    assert row.state == Outbox.State.PENDING and row.handed_over_at is None and row.attempts == 1


@pytest.mark.parametrize("field", list(outbox.HEADER_FIELDS))
def test_crlf_in_a_header_field_is_refused_and_never_reaches_the_server(db, smtp_settings, field):
    org = make_org()
    bad = {"to_email": "dana@acme.example", "from_email": "alice@alpha.example"}.get(field, "Hi")
    message = make_message(org)
    setattr(message, field, bad + "\r\nBcc: everyone@else.example")
    message.save()
    with pytest.raises(NotSendable, match=field):
        queue(message)
    # Even a row changed behind the outbox's back after queueing is refused at send time.
    clean = make_message(org, 1)
    queue(clean)
    Message.objects.filter(pk=clean.pk).update(**{field: bad + "\r\nBcc: everyone@else.example"})
    outbox.send_one("w1")
    assert state_of(clean) == Message.State.FAILED
    assert smtp_settings.deliveries() == []


# --- worker processes: crashes, restarts, many workers ---------------------------------------------------


@pytest.mark.slow
def test_a_worker_killed_after_claiming_delivers_once_after_restart_with_the_same_message_id(
    workers, smtp, tmp_path
):
    message = make_message(make_org())
    queue(message)
    marker = tmp_path / "claimed"
    first = workers.start("--lease", "1.5", "--pause-after-claim", "60", "--marker", str(marker))
    wait_for(marker.exists, "the first worker to claim the message")
    row = Outbox.objects.get(message=message)
    assert row.state == Outbox.State.LEASED and row.handed_over_at is None
    first.kill()  # SIGKILL: no chance to clean up
    first.wait(timeout=10)
    assert smtp.deliveries() == []

    second = workers.start("--lease", "1.5")
    wait_for(lambda: state_of(message) == Message.State.SENT, "the second worker to send it")
    assert workers.stop(second) == 0, workers.output()
    [got] = smtp.deliveries()
    assert got["message_id"] == message.message_id
    texts = list(MessageEvent.objects.filter(message=message).values_list("text", flat=True))
    assert any("the last worker stopped first" in text for text in texts)


@pytest.mark.slow
def test_a_worker_killed_after_the_server_accepted_leaves_it_uncertain_and_never_resends(
    workers, smtp, tmp_path
):
    message = make_message(make_org())
    queue(message)
    marker = tmp_path / "accepted"
    first = workers.start("--lease", "1", "--pause-after-data", "60", "--marker", str(marker))
    wait_for(marker.exists, "the server to accept the message")
    assert len(smtp.deliveries()) == 1
    assert Outbox.objects.get(message=message).handed_over_at is not None
    first.kill()
    first.wait(timeout=10)

    second = workers.start("--lease", "1")
    wait_for(lambda: state_of(message) == Message.State.UNCERTAIN, "the message to become uncertain")
    time.sleep(1.0)  # room for a wrong resend
    assert workers.stop(second) == 0, workers.output()
    assert len(smtp.deliveries()) == 1
    message.refresh_from_db()
    assert message.state == Message.State.UNCERTAIN and "may have arrived" in message.last_error
    assert Outbox.objects.get(message=message).state == Outbox.State.UNCERTAIN


@pytest.mark.slow
def test_four_workers_drain_500_messages_exactly_once(workers, smtp):
    org = make_org()
    messages = make_messages(org, 500)
    for message in messages:
        queue(message)
    command = [sys.executable, "-m", "goodterms.cli", "manage", "sendmessages", "--once"]
    started = [workers.start(command=command) for _ in range(4)]
    for process in started:
        assert process.wait(timeout=60) == 0, workers.output()
    got = smtp.deliveries()
    ids = [d["message_id"] for d in got]
    assert len(got) == 500 and len(set(ids)) == 500, f"{len(got)} deliveries, {len(set(ids))} distinct"
    assert set(ids) == set(Message.objects.values_list("message_id", flat=True))
    assert sorted(r for d in got for r in d["rcpt_tos"]) == sorted(m.to_email for m in messages)
    assert set(Message.objects.values_list("state", flat=True)) == {Message.State.SENT}
    assert set(Outbox.objects.values_list("state", flat=True)) == {Outbox.State.DONE}


@pytest.mark.slow
def test_with_the_server_down_attempts_back_off_and_it_arrives_once_the_server_is_back(workers, smtp):
    smtp.stop()
    message = make_message(make_org())
    queue(message)
    worker = workers.start("--backoff-base", "0.2", "--backoff-cap", "0.8")
    wait_for(lambda: Outbox.objects.get(message=message).attempts >= 3, "three failed attempts")
    row = Outbox.objects.get(message=message)
    assert row.state in (Outbox.State.PENDING, Outbox.State.LEASED) and row.handed_over_at is None
    assert "refused the connection" in row.last_error
    assert smtp.deliveries() == []
    smtp.start()
    wait_for(lambda: state_of(message) == Message.State.SENT, "the message to arrive")
    assert workers.stop(worker) == 0, workers.output()
    [got] = smtp.deliveries()
    assert got["message_id"] == message.message_id
    texts = list(MessageEvent.objects.filter(message=message).values_list("text", flat=True))
    assert any(text.startswith("Attempt 1 failed") for text in texts)
    assert any(text.startswith("Attempt 3 failed") for text in texts)


@pytest.mark.slow
def test_sigterm_during_a_send_finishes_that_message_and_claims_nothing_new(workers, smtp, tmp_path):
    org = make_org()
    messages = [make_message(org, n) for n in range(3)]
    for message in messages:
        queue(message)
    marker = tmp_path / "sending"
    worker = workers.start("--pause-before-data", "1.5", "--marker", str(marker))
    wait_for(marker.exists, "the worker to start sending")
    assert workers.stop(worker) == 0, workers.output()
    assert len(smtp.deliveries()) == 1
    states = sorted(state_of(m) for m in messages)
    assert states == [Message.State.QUEUED, Message.State.QUEUED, Message.State.SENT]
    pending = Outbox.objects.filter(state=Outbox.State.PENDING)
    assert pending.count() == 2 and {row.attempts for row in pending} == {0}
    assert {row.leased_by for row in pending} == {""}


# --- addresses done right: what the page says is what went in RCPT TO ----------------------------------


@pytest.mark.parametrize(
    ("typed", "on_the_wire"),
    [
        ("dana@straße.example", "dana@xn--strae-oqa.example"),  # IDNA 2003 would make it strasse.example
        ("sig@ς.example", "sig@xn--3xa.example"),  # and this one to the plain sigma: another domain
        ("Dana@Acme.Example", "Dana@acme.example"),
    ],
)
def test_international_domains_go_where_they_were_typed(db, smtp_settings, typed, on_the_wire):
    message = make_message(make_org(), to_email=typed)
    queue(message)
    assert outbox.send_one("w1") is True
    [got] = smtp_settings.deliveries()
    assert got["rcpt_tos"] == [on_the_wire]
    message.refresh_from_db()
    assert message.sent_to == on_the_wire  # byte for byte what the server was given
    assert MessageEvent.objects.filter(message=message, text=f"Sent to {on_the_wire}.").exists()


def test_a_non_ascii_local_part_goes_with_smtputf8_where_the_server_offers_it(db, settings, tmp_path):
    server = SmtpServer(tmp_path / "utf8.jsonl", smtputf8=True)
    server.start()
    try:
        settings.EMAIL_BACKEND = "goodterms.messaging.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        message = make_message(make_org(), to_email="josé@acme.example", to_name="José Núñez")
        queue(message)
        outbox.send_one("w1")
        [got] = server.deliveries()
    finally:
        server.stop()
    assert got["rcpt_tos"] == ["josé@acme.example"] and "SMTPUTF8" in got["mail_options"]
    assert got["to"] == ["José Núñez <josé@acme.example>"]
    assert Message.objects.get(pk=message.pk).sent_to == "josé@acme.example"


def test_a_non_ascii_local_part_is_refused_in_words_by_a_server_without_smtputf8(db, smtp_settings):
    message = make_message(make_org(), to_email="josé@acme.example")
    queue(message)
    outbox.send_one("w1")
    message.refresh_from_db()
    assert message.state == Message.State.FAILED
    assert "does not offer SMTPUTF8" in message.last_error and "josé@acme.example" in message.last_error
    assert smtp_settings.deliveries() == []
