"""The keep-in-touch schedule: touchpoints come due once (late if the worker was down), draft a check-in
that waits for the user, write the next one with it, and follow logged contact."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from goodterms.accounts.models import User
from goodterms.aftercare import jobs, selectors, services
from goodterms.aftercare.models import Cadence, Touch, Touchpoint
from goodterms.exits import services as exit_services
from goodterms.exits.models import Exit
from goodterms.lib.vocabulary import Channel, MessageKind
from goodterms.messaging import services as message_services
from goodterms.messaging.models import Message, Outbox


def _first(exit_: Exit) -> Touchpoint:
    jobs.touchpoints_start()
    return Touchpoint.objects.get(exit=exit_, number=1)


def test_the_first_touchpoint_is_a_month_after_the_end_at_nine_in_the_users_zone(former: Exit, alice: User):
    User.objects.filter(pk=alice.pk).update(time_zone="America/New_York")
    first = _first(former)
    local = first.due_at.astimezone(ZoneInfo("America/New_York"))
    assert local.date() == selectors.add_months(former.end_date, 1)
    assert (local.hour, local.minute) == (9, 0)
    assert first.contact is not None and first.contact.name == "Dana Diaz"  # the primary contact
    assert (
        Touchpoint.objects.filter(exit=former).count() == 1
    )  # the next is written only when this one is due
    assert jobs.touchpoints_start() == 0  # once


def test_months_are_added_as_calendar_months():
    assert selectors.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert selectors.add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert selectors.add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert selectors.add_months(date(2026, 12, 1), 12) == date(2027, 12, 1)


def test_a_worker_down_across_the_due_time_drafts_it_once_late_and_writes_the_next(former: Exit):
    first = _first(former)
    # The worker was down: the touchpoint was due 9 days ago and nothing ran since.
    assert first.due_at < timezone.now() - timedelta(days=8)
    assert jobs.touchpoints_come_due() == 1
    assert jobs.touchpoints_come_due() == 0
    first.refresh_from_db()
    assert first.state == Touchpoint.State.DRAFTED
    check_ins = Message.objects.filter(exit=former, kind=MessageKind.CHECK_IN)
    assert check_ins.count() == 1
    assert first.message == check_ins.get()
    # Drafted, coached, not sent: the user sends it, through the gate.
    assert check_ins.get().state == Message.State.DRAFT
    assert not Outbox.objects.exists()
    second = Touchpoint.objects.get(exit=former, number=2)
    assert second.state == Touchpoint.State.SCHEDULED
    assert second.months == 3
    assert timezone.localdate(second.due_at) == selectors.add_months(former.end_date, 3)


def test_two_workers_at_once_draft_it_once(former: Exit):
    first = _first(former)
    # Both workers read the row while it was scheduled; the conditional UPDATE lets one through.
    seen_by_a = Touchpoint.objects.select_related("exit__client").get(pk=first.pk)
    seen_by_b = Touchpoint.objects.select_related("exit__client").get(pk=first.pk)
    assert services.touchpoint_come_due(touchpoint=seen_by_a) is True
    assert services.touchpoint_come_due(touchpoint=seen_by_b) is False
    assert Message.objects.filter(exit=former, kind=MessageKind.CHECK_IN).count() == 1
    assert Touchpoint.objects.filter(exit=former).count() == 2


def test_a_cancelled_touchpoint_is_never_drafted(former: Exit, alice: User):
    first = _first(former)
    services.touchpoint_cancel(touchpoint=first, user=alice)
    jobs.touchpoints_come_due()
    assert not Message.objects.filter(exit=former, kind=MessageKind.CHECK_IN).exists()
    first.refresh_from_db()
    assert first.state == Touchpoint.State.CANCELLED
    # Skipping one schedules the next, from the skipped one's day.
    assert Touchpoint.objects.get(exit=former, number=2).state == Touchpoint.State.SCHEDULED


def test_a_cancelled_exit_drafts_nothing(former: Exit, alice: User):
    first = _first(former)
    exit_services.exit_cancel(exit_=former, user=alice, reason="We carry on after all")
    jobs.touchpoints_come_due()
    first.refresh_from_db()
    assert first.state == Touchpoint.State.CANCELLED
    assert not Message.objects.filter(kind=MessageKind.CHECK_IN).exists()
    assert not Touchpoint.objects.filter(exit=former, number=2).exists()


def test_a_logged_call_marks_the_nearest_touchpoint_done_and_moves_the_next(former: Exit, alice: User):
    first = _first(former)
    dana = former.client.contacts.get(name="Dana Diaz")
    called = timezone.now() - timedelta(days=15)  # 25 days after the end, before the first touchpoint
    services.contact_log(exit_=former, contact=dana, channel=Channel.CALL, user=alice, at=called)
    first.refresh_from_db()
    assert first.state == Touchpoint.State.DONE
    assert "Call" in first.done_how and "Dana Diaz" in first.done_how
    second = Touchpoint.objects.get(exit=former, number=2)
    # Two months (3 - 1) from the call, not from the calendar.
    assert timezone.localdate(second.due_at) == selectors.add_months(timezone.localdate(called), 2)
    jobs.touchpoints_come_due()
    assert not Message.objects.filter(kind=MessageKind.CHECK_IN).exists()  # nothing due: they just talked


def test_a_contact_before_the_end_is_the_exits_not_aftercare(former: Exit, alice: User):
    _first(former)
    before = datetime.combine(former.end_date - timedelta(days=3), datetime.min.time(), tzinfo=UTC)
    try:
        services.contact_log(exit_=former, contact=None, channel=Channel.CALL, user=alice, at=before)
    except services.AftercareRefused as refused:
        assert "before the end" in refused.message
    else:
        raise AssertionError("a call before the end was logged as aftercare")
    assert not Touch.objects.exists()


def test_sending_the_check_in_marks_its_touchpoint_done(former: Exit, alice: User):
    first = _first(former)
    jobs.touchpoints_come_due()
    first.refresh_from_db()
    assert first.message is not None
    message_services.message_mark(message=first.message, user=alice, action="sent-by-hand")
    first.refresh_from_db()
    assert first.state == Touchpoint.State.DONE
    assert first.done_how == "Check-in sent"
    assert Touch.objects.get(exit=former).message == first.message


def test_each_touchpoint_drafts_its_own_check_in(former: Exit, alice: User):
    first = _first(former)
    jobs.touchpoints_come_due()
    first.refresh_from_db()
    assert first.message is not None
    message_services.message_mark(message=first.message, user=alice, action="sent-by-hand")
    second = Touchpoint.objects.get(exit=former, number=2)
    Touchpoint.objects.filter(pk=second.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    jobs.touchpoints_come_due()
    second.refresh_from_db()
    assert second.message is not None and second.message != first.message
    assert Message.objects.filter(exit=former, kind=MessageKind.CHECK_IN).count() == 2


def test_a_clients_own_cadence_is_used(former: Exit, org_a):
    services.cadence_save(org=org_a, client=former.client, months=[2, 4], ideal_days=30, max_days=60)
    first = _first(former)
    assert first.months == 2
    assert Cadence.objects.get(client=former.client).months == [2, 4]
    pace = selectors.pace_for(org=org_a, client=former.client)
    assert pace.own and pace.months == (2, 4)


def test_former_clients_past_the_maximum_are_losing_touch(former: Exit, org_a, alice: User):
    services.cadence_save(org=org_a, client=None, months=[1, 3], ideal_days=20, max_days=30)
    today = timezone.localdate()
    (keeping,) = selectors.former_clients(org=org_a, today=today)
    assert keeping.state == selectors.LOSING and keeping.days == 40
    services.contact_log(
        exit_=former,
        contact=None,
        channel=Channel.MEETING,
        user=alice,
        at=timezone.now() - timedelta(days=25),
    )
    (keeping,) = selectors.former_clients(org=org_a, today=today)
    assert keeping.state == selectors.DUE and keeping.days == 25
    services.contact_log(exit_=former, contact=None, channel=Channel.EMAIL, user=alice)
    (keeping,) = selectors.former_clients(org=org_a, today=today)
    assert keeping.state == selectors.IN_TOUCH


def test_a_new_cadence_moves_the_touchpoints_not_yet_due_and_keeps_the_rest(former: Exit, org_a):
    first = _first(former)
    jobs.touchpoints_come_due()  # the first is drafted; the second (3 months) is written with it
    first.refresh_from_db()
    second = Touchpoint.objects.get(exit=former, number=2)
    assert (first.state, second.months) == (Touchpoint.State.DRAFTED, 3)
    first_day = first.due_at.astimezone(selectors.zone_for(former)).date()

    services.cadence_save(org=org_a, client=None, months=[1, 6, 12], ideal_days=30, max_days=90)
    second.refresh_from_db()
    assert second.months == 6
    assert second.due_at.astimezone(selectors.zone_for(former)).date() == selectors.add_months(first_day, 5)
    first_again = Touchpoint.objects.get(pk=first.pk)
    assert (first_again.state, first_again.due_at) == (first.state, first.due_at), "drafted: kept as it was"

    services.cadence_save(org=org_a, client=former.client, months=[1], ideal_days=30, max_days=90)
    second.refresh_from_db()
    assert second.state == Touchpoint.State.CANCELLED
    assert "cadence changed" in second.done_how

    services.cadence_save(org=org_a, client=None, months=[1, 2], ideal_days=30, max_days=90)
    second.refresh_from_db()
    assert second.state == Touchpoint.State.CANCELLED, "a skipped touchpoint is not brought back"


def test_an_organization_cadence_leaves_a_client_with_its_own_alone(former: Exit, org_a):
    services.cadence_save(org=org_a, client=former.client, months=[1, 4], ideal_days=30, max_days=90)
    _first(former)
    jobs.touchpoints_come_due()
    second = Touchpoint.objects.get(exit=former, number=2)
    assert second.months == 4
    services.cadence_save(org=org_a, client=None, months=[1, 9], ideal_days=30, max_days=90)
    second.refresh_from_db()
    assert second.months == 4, "the client's own cadence is in force"
    services.cadence_forget(org=org_a, client=former.client)
    second.refresh_from_db()
    assert second.months == 9, "back on the organization's cadence, the touchpoint follows it"
