"""The graceful-exit score is computed from the record, with a reason for each point."""

from __future__ import annotations

from datetime import date, timedelta

from goodterms.exits import selectors, services
from goodterms.exits.models import Exit
from tests.exits.conftest import start_for

TODAY = date.today()  # noqa: DTZ011


def _points(exit_: Exit) -> dict[str, tuple[bool | None, str]]:
    exit_.refresh_from_db()
    page = selectors.exit_page(exit_=exit_)
    return {p.practice: (p.met, p.reason) for p in page.score.points}


def _done(exit_: Exit, **lookups: object) -> None:
    for step in exit_.steps.filter(**lookups).order_by("due", "position"):
        step.refresh_from_db()
        if step.done_on is None:
            services.step_done(step=step, user=exit_.owner, on=TODAY)  # type: ignore[arg-type]


def test_a_new_exit_scores_only_what_the_record_shows(acme_exit):
    points = _points(acme_exit)
    assert points["Notice at least the policy"] == (True, "45 days' notice; the rule asks for 30.")
    assert points["A call or meeting before anything written"][0] is False
    assert points["Every contact said goodbye to individually"] == (
        False,
        "0 of 2 contacts said goodbye to so far.",
    )
    assert points["Feedback asked for"][0] is False
    assert points["The job was really over before the goodbyes"][0] is False
    assert points["Aftercare scheduled"][0] is True


def test_following_the_plan_earns_every_point(acme_exit, alice):
    _done(acme_exit, channel__in=["call", "meeting"], phase__in=["prepare", "notice"])
    for item in acme_exit.readiness_items.all():
        services.item_set_done(item=item, user=alice, done=True)
    _done(acme_exit, phase__in=["prepare", "notice", "wrap-up", "goodbye"])
    points = _points(acme_exit)
    assert all(met for met, _ in points.values()), points
    page = selectors.exit_page(exit_=acme_exit)
    assert page.score.percent == 100


def test_short_notice_and_an_override_cost_points(acme, alice):
    exit_ = start_for(acme, alice, end_date=TODAY + timedelta(days=20), money_affected=True)
    services.readiness_override(exit_=exit_, user=alice, reason="Client asked for the files early.")
    points = _points(exit_)
    assert points["Notice at least the policy"] == (False, "Only 20 days' notice; the rule asks for 60.")
    met, reason = points["The job was really over before the goodbyes"]
    assert met is False and "Client asked for the files early." in reason


def test_notice_does_not_apply_when_the_client_ended_it(acme, alice):
    exit_ = start_for(
        acme, alice, initiated_by="client", reason="client-decision", end_date=TODAY + timedelta(days=7)
    )
    assert exit_.playbook_id == "client-ended"
    met, reason = _points(exit_)["Notice at least the policy"]
    assert met is None and "client ended it" in reason
