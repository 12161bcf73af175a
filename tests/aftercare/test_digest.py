"""The daily digest: at most one email per user and local day, sent late when the worker was down, once
with two workers, never about a cancelled item, and right across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core import mail

from goodterms.accounts.models import User
from goodterms.aftercare import jobs, selectors, services
from goodterms.aftercare.models import DigestSent, Touchpoint
from goodterms.exits import services as exit_services
from goodterms.exits.models import Exit


def _due_touchpoint(exit_: Exit) -> Touchpoint:
    jobs.touchpoints_start()
    return Touchpoint.objects.get(exit=exit_, number=1)


def _alices() -> list[str]:
    return [str(m.subject) for m in mail.outbox if m.to == ["alice@alpha.example"]]


def test_the_digest_goes_once_a_day_per_user(former: Exit, alice: User):
    _due_touchpoint(former)
    services.digest_choose(user=alice, enabled=True, at=time(8, 0))
    noon = datetime.now(UTC).replace(hour=12, minute=0)
    assert services.digest_send(user=alice, now=noon) is True
    assert services.digest_send(user=alice, now=noon + timedelta(hours=3)) is False
    assert len(_alices()) == 1
    body = mail.outbox[0].body
    assert "Acme Corp" in body and "check in with Dana Diaz" in body
    assert DigestSent.objects.get(user=alice).state == DigestSent.State.SENT
    # The next day, another.
    assert services.digest_send(user=alice, now=noon + timedelta(days=1)) is True
    assert len(_alices()) == 2


def test_before_its_time_nothing_then_late_once_when_the_worker_was_down(former: Exit, alice: User):
    _due_touchpoint(former)
    services.digest_choose(user=alice, enabled=True, at=time(8, 0))
    day = datetime.now(UTC).date()
    assert services.digest_send(user=alice, now=datetime.combine(day, time(7, 59), tzinfo=UTC)) is False
    # The worker was down from 07:59 to 15:10: the digest goes at 15:10, once.
    assert services.digest_send(user=alice, now=datetime.combine(day, time(15, 10), tzinfo=UTC)) is True
    assert services.digest_send(user=alice, now=datetime.combine(day, time(15, 11), tzinfo=UTC)) is False
    assert len(_alices()) == 1


def test_two_workers_send_it_once(former: Exit, alice: User, org_a):
    _due_touchpoint(former)
    now = datetime.now(UTC).replace(hour=12)
    # The other worker claimed the day a moment ago (its INSERT came first): this one sends nothing.
    DigestSent.objects.create(organization=org_a, user=alice, local_date=now.date())
    assert services.digest_send(user=alice, now=now) is False
    assert _alices() == []


def test_the_job_sends_each_user_theirs(former: Exit, alice: User, bob: User):
    _due_touchpoint(former)
    for user in (alice, bob):
        services.digest_choose(user=user, enabled=True, at=time(0, 0))  # due from midnight: any time today
    assert jobs.digests_send() == 2
    assert jobs.digests_send() == 0
    # Alice looks after the exit; Bob has nothing due, so no email for him (the day is still claimed).
    assert len(_alices()) == 1
    assert not [m for m in mail.outbox if m.to == ["bob@alpha.example"]]
    assert DigestSent.objects.get(user=bob).state == DigestSent.State.NOTHING


def test_a_cancelled_item_is_never_in_it(former: Exit, alice: User):
    point = _due_touchpoint(former)
    services.touchpoint_cancel(touchpoint=point, user=alice)
    exit_services.exit_cancel(exit_=former, user=alice, reason="Changed our minds")
    assert services.digest_send(user=alice, now=datetime.now(UTC).replace(hour=12)) is True
    assert _alices() == []
    assert DigestSent.objects.get(user=alice).state == DigestSent.State.NOTHING


def test_turned_off_it_never_goes(former: Exit, alice: User):
    _due_touchpoint(former)
    services.digest_choose(user=alice, enabled=False, at=time(8, 0))
    assert services.digest_send(user=alice, now=datetime.now(UTC).replace(hour=12)) is False
    assert _alices() == [] and not DigestSent.objects.exists()


def test_a_0230_digest_on_a_spring_forward_day_goes_once(former: Exit, alice: User):
    """New York, 8 March 2026: at 02:00 the clocks jump to 03:00, so 02:30 never happens. The digest goes
    at the first moment after, 03:00 EDT (07:00 UTC), and once."""
    User.objects.filter(pk=alice.pk).update(time_zone="America/New_York")
    alice.refresh_from_db()
    _due_touchpoint(former)
    services.digest_choose(user=alice, enabled=True, at=time(2, 30))
    sent = []
    moment = datetime(2026, 3, 8, 5, 0, tzinfo=UTC)  # 00:00 EST
    while moment < datetime(2026, 3, 9, 5, 0, tzinfo=UTC):  # every 10 minutes of the local day
        if services.digest_send(user=alice, now=moment):
            sent.append(moment)
        moment += timedelta(minutes=10)
    assert sent == [datetime(2026, 3, 8, 7, 0, tzinfo=UTC)]
    assert DigestSent.objects.get(user=alice).local_date.isoformat() == "2026-03-08"


def test_a_0130_digest_on_a_fall_back_day_goes_once(former: Exit, alice: User):
    """London, 25 October 2026: 01:00 to 02:00 happens twice (BST, then GMT). The digest goes once."""
    User.objects.filter(pk=alice.pk).update(time_zone="Europe/London")
    alice.refresh_from_db()
    _due_touchpoint(former)
    services.digest_choose(user=alice, enabled=True, at=time(1, 30))
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 01:30 BST
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 01:30 GMT, the same wall-clock time again
    london = ZoneInfo("Europe/London")
    assert first.astimezone(london).hour == second.astimezone(london).hour == 1
    assert services.digest_send(user=alice, now=first) is True
    assert services.digest_send(user=alice, now=second) is False
    assert len(_alices()) == 1


def test_a_long_section_says_how_many_more_it_does_not_list(former: Exit, alice: User, monkeypatch):
    jobs.touchpoints_start()
    services.digest_choose(user=alice, enabled=True, at=time(8, 0))
    noon = datetime.now(UTC).replace(hour=12, minute=0)
    every = selectors.digest_items(user=alice, now=noon)
    assert len(every.steps) >= 3, "the former exit has steps still open"
    monkeypatch.setattr(selectors, "DIGEST_SECTION_LIMIT", 2)
    short = selectors.digest_items(user=alice, now=noon)
    assert len(short.steps) == 2 and short.count == every.count
    assert services.digest_send(user=alice, now=noon)
    [digest] = mail.outbox
    assert f"- and {len(every.steps) - 2} more: open goodterms to see them all" in str(digest.body)
