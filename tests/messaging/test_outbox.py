"""The outbox without a mail server: queue refusals, Message-IDs, states and events, backoff, leases.

Sending here goes to Django's locmem backend (the test settings); tests/messaging/test_sending_smtp.py sends
to a real SMTP server in another process.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from goodterms.lib.vocabulary import Channel
from goodterms.messaging import jobs, outbox
from goodterms.messaging.models import Message, MessageEvent, Outbox
from goodterms.messaging.outbox import NotSendable, SendFailure
from tests.messaging.helpers import make_message, queue


def events(message: Message) -> list[str]:
    return list(MessageEvent.objects.filter(message=message).values_list("text", flat=True))


def reload(message: Message) -> tuple[Message, Outbox]:
    message.refresh_from_db()
    return message, Outbox.objects.get(message=message)


# --- queue: what is refused, and how --------------------------------------------------------------------


def test_a_message_without_an_address_is_refused(org_a):
    message = make_message(org_a, to_email="")
    with pytest.raises(NotSendable, match="to_email") as refused:
        queue(message)
    assert refused.value.field == "to_email"
    assert not Outbox.objects.exists()
    message.refresh_from_db()
    assert message.state == Message.State.DRAFT and message.message_id == ""


@pytest.mark.parametrize(
    "address",
    [
        "dana@acme.example, eli@acme.example",
        "dana@acme.example;eli@acme.example",
        "Dana <dana@acme.example>",
        "dana@acme.example eli@acme.example",
        "dana@acme.example@eli.example",
    ],
)
def test_more_than_one_address_is_refused(org_a, address):
    message = make_message(org_a, to_email=address)
    with pytest.raises(NotSendable, match="exactly one address") as refused:
        queue(message)
    assert refused.value.field == "to_email"
    assert "to_email" in str(refused.value)


def test_a_list_in_the_sender_address_is_refused_too(org_a):
    message = make_message(org_a, from_email="alice@alpha.example, boss@alpha.example")
    with pytest.raises(NotSendable, match="from_email"):
        queue(message)


@pytest.mark.parametrize("field", list(outbox.HEADER_FIELDS))
@pytest.mark.parametrize("bad", ["\r\nBcc: everyone@else.example", "\n", "\r", "\x07", "\u2028"])
def test_line_breaks_and_control_characters_in_header_fields_are_refused_naming_the_field(org_a, field, bad):
    message = make_message(org_a)
    value = {"to_email": "dana@acme.example", "from_email": "alice@alpha.example"}.get(field, "Hello")
    setattr(message, field, value + bad)
    message.save()
    with pytest.raises(NotSendable) as refused:
        queue(message)
    assert refused.value.field == field
    assert f"({field})" in str(refused.value)
    assert outbox.HEADER_FIELDS[field] in str(refused.value)
    assert not Outbox.objects.exists()


def test_a_line_break_in_the_body_is_fine(org_a):
    queue(make_message(org_a, body="Line one\r\nLine two\n\nBye"))
    assert Outbox.objects.count() == 1


def test_a_call_is_not_queued(org_a):
    with pytest.raises(NotSendable, match="call"):
        queue(make_message(org_a, channel=Channel.CALL))


@pytest.mark.parametrize(
    "state",
    [Message.State.QUEUED, Message.State.SENDING, Message.State.SENT, Message.State.CANCELLED],
)
def test_a_message_already_queued_or_sent_is_refused(org_a, state):
    message = make_message(org_a, state=state)
    with pytest.raises(NotSendable, match="already"):
        queue(message)


def test_queueing_twice_is_refused_the_second_time(org_a):
    message = make_message(org_a)
    queue(message)
    with pytest.raises(NotSendable, match="already queued"):
        queue(message)
    assert Outbox.objects.count() == 1


# --- queue: what it writes ------------------------------------------------------------------------------


def test_queue_assigns_a_message_id_writes_the_row_and_an_event(org_a, settings, alice):
    settings.DEFAULT_FROM_EMAIL = "Goodterms <hello@studio.example>"
    message = make_message(org_a)
    before = timezone.now()
    queue(message, user=alice)
    assert message.state == Message.State.QUEUED
    assert message.message_id.startswith("<") and message.message_id.endswith("@studio.example>")
    stored, row = reload(message)
    assert stored.message_id == message.message_id and stored.state == Message.State.QUEUED
    assert row.state == Outbox.State.PENDING and row.organization_id == org_a.pk
    assert before <= row.next_attempt_at <= timezone.now()
    event = MessageEvent.objects.get(message=message)
    assert event.text == "On its way." and event.user == alice


def test_send_at_is_stored_and_the_message_waits_for_it(org_a):
    later = timezone.now() + timedelta(hours=3)
    message = make_message(org_a)
    queue(message, send_at=later)
    stored, row = reload(message)
    assert stored.send_at == later and row.next_attempt_at == later
    assert outbox.send_one("w1") is False
    assert mail.outbox == []
    Outbox.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert outbox.send_one("w1") is True
    assert len(mail.outbox) == 1


# --- sending: states and events -------------------------------------------------------------------------


def test_send_one_sends_one_plain_text_email_to_exactly_one_person(org_a, settings):
    settings.DEFAULT_FROM_EMAIL = "hello@studio.example"
    message = make_message(org_a, to_name='Dana "DD" Diaz, CTO', from_name="Alice Archer")
    message.from_email = "alice@alpha.example"
    message.save()
    queue(message)
    assert outbox.send_one("w1") is True
    assert outbox.send_one("w1") is False
    [sent] = mail.outbox
    assert sent.to == ['"Dana \\"DD\\" Diaz, CTO" <dana0@acme.example>']
    assert sent.cc == [] and sent.bcc == []
    mime = sent.message()
    assert mime["Message-ID"] == message.message_id
    assert mime["Date"]
    assert mime.get_content_type() == "text/plain"
    assert mime["From"] == "Alice Archer <alice@alpha.example>"
    assert len(mime.get_all("To")) == 1
    stored, row = reload(message)
    assert stored.state == Message.State.SENT and stored.sent_at is not None
    assert row.state == Outbox.State.DONE and row.attempts == 1 and row.handed_over_at is not None
    assert events(message) == ["On its way.", "Sending (attempt 1).", "Sent to dana0@acme.example."]


def test_without_a_sender_the_default_from_address_is_used(org_a, settings):
    settings.DEFAULT_FROM_EMAIL = "Studio <hello@studio.example>"
    queue(make_message(org_a))
    outbox.send_one("w1")
    assert mail.outbox[0].from_email == "Studio <hello@studio.example>"


def test_a_row_edited_after_queueing_to_add_a_header_fails_for_good(org_a):
    message = make_message(org_a)
    queue(message)
    Message.objects.filter(pk=message.pk).update(subject="Hi\r\nBcc: all@else.example")
    assert outbox.send_one("w1") is True
    assert mail.outbox == []
    stored, row = reload(message)
    assert stored.state == Message.State.FAILED and "subject" in stored.last_error
    assert row.state == Outbox.State.FAILED


def test_a_temporary_failure_backs_off_and_a_later_attempt_sends(org_a, monkeypatch):
    message = make_message(org_a)
    queue(message)

    def refused(connection):
        raise SendFailure("The mail server refused the connection", permanent=False, handed_over=False)

    monkeypatch.setattr(outbox, "_open", refused)
    before = timezone.now()
    assert outbox.send_one("w1") is True
    stored, row = reload(message)
    assert stored.state == Message.State.QUEUED and "refused the connection" in stored.last_error
    assert row.state == Outbox.State.PENDING and row.attempts == 1 and row.handed_over_at is None
    assert row.leased_by == "" and row.lease_until is None
    assert before <= row.next_attempt_at <= timezone.now() + timedelta(seconds=outbox.BACKOFF_BASE_SECONDS)
    assert "Attempt 1 failed" in events(message)[-1]
    monkeypatch.undo()
    Outbox.objects.update(next_attempt_at=timezone.now())
    assert outbox.send_one("w1") is True
    stored, row = reload(message)
    assert stored.state == Message.State.SENT and row.attempts == 2 and len(mail.outbox) == 1


def test_a_permanent_failure_stops_at_once(org_a, monkeypatch):
    message = make_message(org_a)
    queue(message)

    def refused(connection, email):
        text = "The mail server refused the message: 550 No such person"
        raise SendFailure(text, permanent=True, handed_over=False)

    monkeypatch.setattr(outbox, "_deliver", refused)
    assert outbox.send_one("w1") is True
    stored, row = reload(message)
    assert stored.state == Message.State.FAILED and "550 No such person" in stored.last_error
    assert row.state == Outbox.State.FAILED and row.handed_over_at is None
    assert outbox.send_one("w1") is False


def test_a_failure_after_the_handover_is_uncertain_not_retried(org_a, monkeypatch):
    message = make_message(org_a)
    queue(message)

    def broke(connection, email):
        raise SendFailure("The connection broke while sending", permanent=False, handed_over=True)

    monkeypatch.setattr(outbox, "_deliver", broke)
    outbox.send_one("w1")
    stored, row = reload(message)
    assert stored.state == Message.State.UNCERTAIN and row.state == Outbox.State.UNCERTAIN
    assert row.handed_over_at is not None
    assert outbox.send_one("w1") is False


def test_after_max_attempts_a_temporary_failure_is_final(org_a, monkeypatch):
    message = make_message(org_a)
    queue(message)
    Outbox.objects.update(attempts=outbox.MAX_ATTEMPTS - 1)

    def refused(connection):
        raise SendFailure("The mail server did not answer in time", permanent=False, handed_over=False)

    monkeypatch.setattr(outbox, "_open", refused)
    outbox.send_one("w1")
    stored, row = reload(message)
    assert stored.state == Message.State.FAILED and row.state == Outbox.State.FAILED
    assert "Gave up after" in events(message)[-1]


# --- resend and confirm ---------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [Message.State.FAILED, Message.State.UNCERTAIN])
def test_resend_reuses_the_message_id_and_the_outbox_row(org_a, alice, state):
    message = make_message(org_a)
    queue(message)
    first_id, row = message.message_id, Outbox.objects.get(message=message)
    Outbox.objects.filter(pk=row.pk).update(
        state=state, attempts=3, leased_by="w9", handed_over_at=timezone.now()
    )
    Message.objects.filter(pk=message.pk).update(state=state, last_error="it broke")
    message.refresh_from_db()
    queue(message)
    stored, again = reload(message)
    assert stored.message_id == first_id and again.pk == row.pk
    assert stored.state == Message.State.QUEUED and stored.last_error == ""
    assert again.state == Outbox.State.PENDING and again.attempts == 0
    assert again.handed_over_at is None and again.leased_by == ""
    assert events(message)[-1] == "On its way again, with the same Message-ID."
    outbox.send_one("w1")
    assert mail.outbox[0].message()["Message-ID"] == first_id


def test_confirm_delivered_makes_an_uncertain_message_sent(org_a, alice):
    message = make_message(org_a)
    queue(message)
    Outbox.objects.update(state=Outbox.State.UNCERTAIN)
    Message.objects.filter(pk=message.pk).update(state=Message.State.UNCERTAIN)
    message.refresh_from_db()
    outbox.confirm_delivered(message, alice)
    stored, row = reload(message)
    assert stored.state == Message.State.SENT and stored.sent_at is not None
    assert row.state == Outbox.State.DONE
    assert list(MessageEvent.objects.filter(message=message))[-1].user == alice
    with pytest.raises(NotSendable, match="uncertain"):
        outbox.confirm_delivered(message, alice)


# --- backoff --------------------------------------------------------------------------------------------


def test_backoff_doubles_up_to_the_cap():
    bounds = [outbox.backoff_seconds(n, base=10, cap=3600, rand=lambda: 1.0) for n in range(1, 12)]
    assert bounds[:6] == [10, 20, 40, 80, 160, 320]
    assert bounds[-1] == 3600 and max(bounds) == 3600
    assert outbox.backoff_seconds(1000, base=10, cap=3600, rand=lambda: 1.0) == 3600


def test_backoff_has_full_jitter_within_its_bounds():
    rng = random.Random(7)  # noqa: S311 (jitter for a test, not a secret)
    for attempts in range(1, 15):
        bound = min(3600, 10 * 2 ** (attempts - 1))
        samples = [outbox.backoff_seconds(attempts, rand=rng.random) for _ in range(200)]
        assert all(0 <= s <= bound for s in samples)
        assert max(samples) > 0.8 * bound and min(samples) < 0.2 * bound  # spread over the whole range
    assert outbox.backoff_seconds(3, rand=lambda: 0.0) == 0


def test_backoff_reads_the_module_settings(monkeypatch):
    monkeypatch.setattr(outbox, "BACKOFF_BASE_SECONDS", 0.5)
    monkeypatch.setattr(outbox, "BACKOFF_CAP_SECONDS", 1.0)
    assert outbox.backoff_seconds(1, rand=lambda: 1.0) == 0.5
    assert outbox.backoff_seconds(5, rand=lambda: 1.0) == 1.0


# --- leases ---------------------------------------------------------------------------------------------


def test_a_live_lease_is_not_taken_over(org_a):
    queue(make_message(org_a))
    assert outbox._claim("worker-a", timezone.now()) is not None
    assert outbox.send_one("worker-b") is False
    assert mail.outbox == []


def test_an_expired_lease_before_the_handover_is_taken_over_and_the_old_worker_writes_nothing(org_a):
    message = make_message(org_a)
    queue(message)
    row_a = outbox._claim("worker-a", timezone.now())
    assert row_a is not None
    Outbox.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    assert outbox.send_one("worker-b") is True
    assert len(mail.outbox) == 1
    assert "the last worker stopped first" in " ".join(events(message))
    stored, row = reload(message)
    assert stored.state == Message.State.SENT and row.leased_by == "worker-b"
    # Worker A wakes up: its handover, failure and done marks all miss.
    assert outbox._mine("worker-a", row.pk).update(handed_over_at=timezone.now()) == 0
    outbox._fail(row_a, "worker-a", SendFailure("late", permanent=True, handed_over=False))
    outbox._done(row_a, "worker-a")
    stored, row = reload(message)
    assert stored.state == Message.State.SENT and row.state == Outbox.State.DONE
    assert not any("late" in text for text in events(message))


def test_an_expired_lease_after_the_handover_becomes_uncertain_and_is_never_resent(org_a):
    message = make_message(org_a)
    queue(message)
    assert outbox._claim("worker-a", timezone.now()) is not None
    Outbox.objects.update(
        handed_over_at=timezone.now() - timedelta(seconds=5),
        lease_until=timezone.now() - timedelta(seconds=1),
    )
    assert outbox.send_one("worker-b") is True
    stored, row = reload(message)
    assert stored.state == Message.State.UNCERTAIN and row.state == Outbox.State.UNCERTAIN
    assert "may have arrived" in stored.last_error
    assert outbox.send_one("worker-b") is False
    assert mail.outbox == []


def test_the_worker_that_sent_may_still_mark_an_uncertain_row_done(org_a):
    """A send that outlived its lease: the row turned uncertain, then the worker learns it was accepted."""
    message = make_message(org_a)
    queue(message)
    row = outbox._claim("worker-a", timezone.now())
    assert row is not None
    outbox._mine("worker-a", row.pk).update(handed_over_at=timezone.now())
    Outbox.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    outbox.send_one("worker-b")
    assert Message.objects.get(pk=message.pk).state == Message.State.UNCERTAIN
    outbox._done(row, "worker-a")
    stored, row = reload(message)
    assert stored.state == Message.State.SENT and row.state == Outbox.State.DONE


def test_two_workers_never_claim_the_same_row(org_a):
    for n in range(3):
        queue(make_message(org_a, n))
    now = timezone.now()
    claimed = [outbox._claim(f"w{n}", now) for n in range(4)]
    got = [row.pk for row in claimed if row is not None]
    assert len(got) == 3 and len(set(got)) == 3 and claimed[3] is None


# --- the job and the command ----------------------------------------------------------------------------


def test_the_worker_runs_the_sending_job():
    from goodterms.cli.worker import job_table

    assert jobs.send_messages in [job.run for job in job_table()]


def test_the_job_has_a_worker_id_per_process(org_a):
    assert jobs.worker_id() == jobs.worker_id()
    queue(make_message(org_a))
    assert jobs.send_messages() == 1
    assert Outbox.objects.get().leased_by == jobs.worker_id()
    assert jobs.send_messages() == 0


def test_sendmessages_once_sends_everything_due(org_a, capsys):
    for n in range(3):
        queue(make_message(org_a, n))
    call_command("sendmessages", once=True)
    assert len(mail.outbox) == 3
    assert set(Message.objects.values_list("state", flat=True)) == {Message.State.SENT}
    assert "handled 3" in capsys.readouterr().out


# --- one message's trouble stays with that message ------------------------------------------------------


UNWRITABLE = "x@" + "a" * 64 + ".example"  # a domain label over 63 characters: no encoding can write it


def test_an_address_that_cannot_be_encoded_is_refused_before_anything_is_sent(org_a):
    message = make_message(org_a, to_email=UNWRITABLE)
    with pytest.raises(NotSendable, match="cannot be written in an email") as refused:
        outbox.build_email(message)
    assert refused.value.field == "to_email"


def test_such_a_row_fails_with_the_reason_and_the_next_one_goes(org_a):
    poison = make_message(org_a, 0, to_email=UNWRITABLE)
    good = make_message(org_a, 1)
    queue(poison)
    queue(good)
    while outbox.send_one("w1"):
        pass
    poison.refresh_from_db()
    good.refresh_from_db()
    assert poison.state == Message.State.FAILED and "to_email" in poison.last_error
    assert good.state == Message.State.SENT
    assert [m.to for m in mail.outbox] == [[f"{good.to_name} <{good.to_email}>"]]


def test_an_unexpected_error_before_the_handover_fails_the_message_not_the_worker(org_a, monkeypatch):
    message = make_message(org_a)
    queue(message)

    def broken(_message: Message) -> None:
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr(outbox, "build_email", broken)
    assert outbox.send_one("w1") is True
    message.refresh_from_db()
    assert message.state == Message.State.FAILED
    assert "RuntimeError: something nobody foresaw" in message.last_error
    assert Outbox.objects.get().state == Outbox.State.FAILED


def test_an_unexpected_error_after_the_handover_makes_it_uncertain(org_a, monkeypatch):
    message = make_message(org_a)
    queue(message)

    def broken(_connection: object, _email: object) -> None:
        raise RuntimeError("cut mid-conversation")

    monkeypatch.setattr(outbox, "_deliver", broken)
    assert outbox.send_one("w1") is True
    message.refresh_from_db()
    assert message.state == Message.State.UNCERTAIN  # it may have arrived: never sent again on its own
    assert outbox.send_one("w1") is False
