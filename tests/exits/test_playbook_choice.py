"""Playbooks a user sees and can switch: the start form says which one the answers lead to and why, the
change form chooses again unless the user picked one, and a running exit can switch with its done steps
kept and the switch on the record. Another organization gets 404."""

from __future__ import annotations

import json
from datetime import date, timedelta

from django.urls import reverse

from goodterms.exits import services
from goodterms.exits.models import Exit, ExitEvent, ExitStep
from goodterms.messaging.models import Message
from tests.exits.conftest import start_for
from tests.messaging.helpers import make_message, queue

TODAY = date.today()  # noqa: DTZ011


def _edit_post(exit_: Exit, **overrides: str) -> dict[str, str]:
    data = {
        "initiated_by": exit_.initiated_by,
        "reason": exit_.reason,
        "notice_date": exit_.notice_date.isoformat(),
        "end_date": exit_.end_date.isoformat(),
        "feeling": exit_.feeling,
        "handover_to": exit_.handover_to,
        "playbook": exit_.playbook_id if exit_.playbook_picked else "",
    }
    if exit_.money_affected:
        data["money_affected"] = "on"
    data.update(overrides)
    return data


def test_start_form_says_which_playbook_the_answers_lead_to(web_alice, acme):
    page = web_alice.get(reverse("exits:start", args=[acme.pk]))
    text = page.content.decode()
    assert "Your answers lead to “I am ending the work”: you are ending the work." in text
    assert "Choose for me from the answers (now: I am ending the work)" in text


def test_a_form_sent_back_with_errors_shows_the_suggestion_for_its_answers(web_alice, acme):
    post = {"initiated_by": "client", "reason": "fit", "feeling": "smooth", "notice_date": "", "end_date": ""}
    page = web_alice.post(reverse("exits:start", args=[acme.pk]), post)
    assert page.status_code == 200
    assert "Your answers lead to “The client ended it”" in page.content.decode()


def test_suggestion_endpoint_answers_as_the_form_changes(web_alice):
    url = reverse("exits:playbook-suggestion")
    ending = json.loads(web_alice.get(url, {"initiated_by": "me", "reason": "capacity"}).content)
    assert ending["playbook"] == "i-am-ending"
    money = json.loads(
        web_alice.get(url, {"initiated_by": "me", "reason": "capacity", "money_affected": "on"}).content
    )
    assert money["playbook"] == "i-am-ending"
    assert "longer notice" in money["text"]
    fee = json.loads(web_alice.get(url, {"initiated_by": "me", "reason": "fee-change"}).content)
    assert fee["playbook"] == "money-change"
    sour = json.loads(web_alice.get(url, {"initiated_by": "client", "feeling": "sour"}).content)
    assert sour["playbook"] == "sour"
    bad = web_alice.get(url, {"reason": "<script>"})
    assert bad.status_code == 400


def test_suggestion_endpoint_needs_a_signed_in_user(visitor, alice):
    response = visitor.get(reverse("exits:playbook-suggestion"), {"initiated_by": "me"})
    assert response.status_code == 302
    assert "/signin" in response["Location"] or "login" in response["Location"]


def test_ending_it_with_money_affected_is_an_ending_with_the_longer_notice(acme, alice):
    exit_ = start_for(acme, alice, reason="capacity", money_affected=True)
    assert exit_.playbook_id == "i-am-ending"
    assert not exit_.playbook_picked
    step_ids = set(exit_.steps.values_list("step_id", flat=True))
    assert "written-notice" in step_ids and "prepare-terms" not in step_ids


def test_a_picked_playbook_is_remembered_as_picked(web_alice, acme):
    post = {
        "initiated_by": "me",
        "reason": "capacity",
        "notice_date": TODAY.isoformat(),
        "end_date": (TODAY + timedelta(days=40)).isoformat(),
        "feeling": "smooth",
        "playbook": "project-complete",
    }
    web_alice.post(reverse("exits:start", args=[acme.pk]), post)
    exit_ = Exit.objects.get(client=acme)
    assert (exit_.playbook_id, exit_.playbook_picked) == ("project-complete", True)


def test_changing_the_answers_chooses_again_when_goodterms_chose(web_alice, acme, alice):
    exit_ = start_for(acme, alice, reason="fee-change")
    assert exit_.playbook_id == "money-change"
    response = web_alice.post(reverse("exits:edit", args=[exit_.pk]), _edit_post(exit_, reason="capacity"))
    assert response.status_code == 302
    exit_.refresh_from_db()
    assert exit_.playbook_id == "i-am-ending"
    line = ExitEvent.objects.filter(exit=exit_, text__startswith="Playbook switched").get()
    assert "from “A change that affects the client's money” to “I am ending the work”" in line.text
    assert "you are ending the work" in line.text


def test_changing_the_answers_keeps_a_playbook_the_user_picked(web_alice, acme, alice):
    exit_ = start_for(acme, alice, reason="capacity", playbook_id="project-complete")
    web_alice.post(reverse("exits:edit", args=[exit_.pk]), _edit_post(exit_, reason="fit"))
    exit_.refresh_from_db()
    assert (exit_.playbook_id, exit_.playbook_picked) == ("project-complete", True)
    # "Choose for me" on the change form hands the choice back to goodterms.
    web_alice.post(reverse("exits:edit", args=[exit_.pk]), _edit_post(exit_, playbook=""))
    exit_.refresh_from_db()
    assert (exit_.playbook_id, exit_.playbook_picked) == ("i-am-ending", False)


def test_change_form_offers_the_playbook_choice(web_alice, acme, alice):
    exit_ = start_for(acme, alice, reason="capacity")
    text = web_alice.get(reverse("exits:edit", args=[exit_.pk])).content.decode()
    assert 'name="playbook"' in text
    assert "Your answers lead to “I am ending the work”" in text


def test_switch_keeps_done_steps_and_records_the_switch(web_alice, acme, alice):
    exit_ = start_for(acme, alice, reason="capacity")
    prepare = exit_.steps.get(step_id="prepare-talking-points")
    call = exit_.steps.get(step_id="call-the-client")
    for step in (prepare, call):
        services.step_done(step=step, user=alice, note="Went well")
    response = web_alice.post(reverse("exits:switch-playbook", args=[exit_.pk]), {"playbook": "client-ended"})
    assert response.status_code == 302
    exit_.refresh_from_db()
    assert (exit_.playbook_id, exit_.playbook_picked) == ("client-ended", True)
    kept = {s.step_id: s for s in exit_.steps.filter(done_on__isnull=False)}
    assert set(kept) == {"prepare-talking-points", "call-the-client"}
    # The record of what was done keeps its own words, though the new playbook has no such step.
    assert kept["prepare-talking-points"].title == prepare.title
    assert kept["call-the-client"].note == "Went well"
    assert all(s.kept for s in kept.values())
    undone = set(exit_.steps.filter(done_on__isnull=True).values_list("step_id", flat=True))
    assert "thank-you-call" in undone and "reply" in undone
    assert "written-notice" not in undone
    line = ExitEvent.objects.filter(exit=exit_, text__startswith="Playbook switched").get()
    assert "to “The client ended it” (you picked it). 2 done steps kept." in line.text
    page = web_alice.get(reverse("exits:detail", args=[exit_.pk])).content.decode()
    assert "you picked it" in page
    assert prepare.title in page


def test_switch_cancels_unsent_messages_of_steps_that_leave_the_plan(acme, alice):
    exit_ = start_for(acme, alice, reason="capacity")
    notice = exit_.steps.get(step_id="written-notice")
    contact = acme.contacts.order_by("pk").first()
    draft = make_message(acme.organization, exit=exit_, step=notice, kind="notice", contact=contact)
    goodbye = exit_.steps.filter(step_id="goodbye").first()
    assert goodbye is not None
    scheduled = make_message(
        acme.organization, 1, exit=exit_, step=goodbye, kind="goodbye", contact=goodbye.contact
    )
    queue(scheduled, send_at=None)
    services.exit_switch_playbook(exit_=exit_, user=alice, playbook_id="client-ended")
    draft.refresh_from_db()
    scheduled.refresh_from_db()
    assert draft.state == Message.State.CANCELLED
    assert draft.events.filter(text="Cancelled: its step left the plan.").exists()
    # A goodbye step is in both playbooks: its message stays as it was, tied to the same step.
    assert scheduled.state == Message.State.QUEUED
    assert scheduled.step_id == goodbye.pk
    assert ExitStep.objects.filter(pk=goodbye.pk).exists()


def test_switch_to_an_unknown_playbook_changes_nothing(web_alice, acme, alice):
    exit_ = start_for(acme, alice, reason="capacity")
    steps = sorted(exit_.steps.values_list("key", flat=True))
    response = web_alice.post(reverse("exits:switch-playbook", args=[exit_.pk]), {"playbook": "no-such"})
    assert response.status_code == 302
    exit_.refresh_from_db()
    assert exit_.playbook_id == "i-am-ending"
    assert sorted(exit_.steps.values_list("key", flat=True)) == steps


def test_switch_on_a_cancelled_exit_is_refused(web_alice, acme, alice):
    exit_ = start_for(acme, alice, reason="capacity")
    services.exit_cancel(exit_=exit_, user=alice)
    web_alice.post(reverse("exits:switch-playbook", args=[exit_.pk]), {"playbook": "sour"})
    exit_.refresh_from_db()
    assert exit_.playbook_id == "i-am-ending"


def test_switch_is_post_only_and_404_for_another_organization(web_alice, web_charlie, acme, alice):
    exit_ = start_for(acme, alice, reason="capacity")
    url = reverse("exits:switch-playbook", args=[exit_.pk])
    assert web_alice.get(url).status_code == 405
    assert web_charlie.post(url, {"playbook": "sour"}).status_code == 404
    exit_.refresh_from_db()
    assert exit_.playbook_id == "i-am-ending"
