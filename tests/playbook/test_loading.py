"""Playbook files are validated at load: each problem at its file:line, allowed values named, all at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from goodterms.playbook import (
    Condition,
    Offset,
    PlaybookError,
    load_playbook,
)
from goodterms.playbook.loading import load_playbooks
from tests.playbook.conftest import HOUSE, WritePlaybook


def load_error(path: Path) -> str:
    with pytest.raises(PlaybookError) as caught:
        load_playbook(path)
    return str(caught.value)


def changed(old: str, new: str, text: str = HOUSE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# --- a good file ---------------------------------------------------------------------------------------


def test_a_good_file_loads_every_field(write_playbook: WritePlaybook):
    path = write_playbook()
    playbook = load_playbook(str(path))
    assert (playbook.id, playbook.title, playbook.description, playbook.path) == (
        "house",
        "Our house playbook",
        "For tests.",
        str(path),
    )
    assert [step.id for step in playbook.steps] == ["prep", "call", "goodbye", "feedback", "check-in"]
    assert [step.line for step in playbook.steps] == [5, 11, 18, 27, 35]
    prep, call, goodbye, _, check_in = playbook.steps
    assert prep.due == Offset(days=-2, unit="business", anchor="notice")
    assert call.due == Offset(days=0, unit="calendar", anchor="notice")
    assert call.talking_points == ("Thank them",)
    assert goodbye.per_contact and goodbye.message_kind == "goodbye"
    assert goodbye.gates == ("readiness", "call") and goodbye.title == "Say goodbye to {contact}"
    assert check_in.due == Offset(days=30, unit="calendar", anchor="end")
    assert prep.when == Condition() and prep.message_kind is None and not prep.per_contact


@pytest.mark.parametrize(
    ("written", "offset"),
    [
        ("on notice", Offset(0, "calendar", "notice")),
        ("on the end", Offset(0, "calendar", "end")),
        ("2 business days before notice", Offset(-2, "business", "notice")),
        ("1 business day after the end", Offset(1, "business", "end")),
        ("0 business days after end", Offset(0, "business", "end")),
        ("30 days after end", Offset(30, "calendar", "end")),
        ("1 day before notice", Offset(-1, "calendar", "notice")),
        ("3 calendar days after end", Offset(3, "calendar", "end")),
        ("  2  Business Days  before   Notice ", Offset(-2, "business", "notice")),
        ("{days: -2, unit: business, anchor: notice}", Offset(-2, "business", "notice")),
        ("{days: 45, unit: calendar, anchor: end}", Offset(45, "calendar", "end")),
    ],
)
def test_due_is_read_in_words_or_as_a_mapping(write_playbook: WritePlaybook, written: str, offset: Offset):
    text = changed("due: 2 business days before notice", f"due: {written}")
    assert load_playbook(write_playbook(text)).steps[0].due == offset


def test_when_takes_one_value_or_a_list(write_playbook: WritePlaybook):
    text = changed(
        "    phase: prepare\n",
        "    phase: prepare\n    when: {initiated_by: me, reasons: [retiring, fit], money_affected: true}\n",
    )
    prep = load_playbook(write_playbook(text)).steps[0]
    assert prep.when == Condition(
        initiated_by=frozenset({"me"}), reasons=frozenset({"retiring", "fit"}), money_affected=True
    )


# --- one class of problem at a time, with its exact file:line -----------------------------------------


def test_an_unknown_step_key_names_the_allowed_keys(write_playbook: WritePlaybook):
    path = write_playbook(changed("    why: Be ready.\n", "    why: Be ready.\n    colour: blue\n"))
    assert load_error(path) == (
        f"{path}:8: unknown key 'colour' in a step; allowed: channel, due, gates, id, message_kind, "
        "per_contact, phase, talking_points, title, when, why"
    )


def test_an_unknown_file_key(write_playbook: WritePlaybook):
    path = write_playbook(changed("description: For tests.\n", "description: For tests.\nauthor: me\n"))
    assert load_error(path) == (
        f"{path}:4: unknown key 'author' in a playbook file; allowed: description, id, steps, title"
    )


def test_a_missing_step_key_is_named_at_the_step(write_playbook: WritePlaybook):
    path = write_playbook(changed("    phase: prepare\n", ""))
    assert load_error(path) == f"{path}:5: a step needs phase:"


def test_a_missing_file_key(write_playbook: WritePlaybook):
    path = write_playbook(changed("description: For tests.\n", ""))
    assert load_error(path) == f"{path}:1: the file needs description:"


@pytest.mark.parametrize(
    ("old", "new", "line", "problem"),
    [
        (
            "channel: task",
            "channel: phone",
            8,
            "unknown channel 'phone'; allowed: call, email, meeting, task",
        ),
        (
            "phase: prepare",
            "phase: planning",
            9,
            "unknown phase 'planning'; allowed: aftercare, goodbye, notice, prepare, wrap-up",
        ),
        (
            "message_kind: check-in",
            "message_kind: hello",
            40,
            "unknown message_kind 'hello'; allowed: call-script, check-in, completion, feedback-request, "
            "goodbye, handover, notice, referral-ask, reply-to-termination, sour-ending",
        ),
        (
            "due: 2 business days before notice",
            "due: {days: -2, unit: working, anchor: notice}",
            10,
            "unknown unit 'working'; allowed: business, calendar",
        ),
        (
            "due: 2 business days before notice",
            "due: {days: -2, unit: business, anchor: start}",
            10,
            "unknown anchor 'start'; allowed: end, notice",
        ),
        (
            "    phase: prepare\n",
            "    phase: prepare\n    when: {reasons: [bored]}\n",
            10,
            "unknown reason 'bored'; allowed: capacity, client-decision, conflict, fee-change, fit, "
            "management-change, new-direction, other, project-complete, retiring",
        ),
        (
            "    phase: prepare\n",
            "    phase: prepare\n    when: {initiated_by: boss}\n",
            10,
            "unknown initiated_by 'boss'; allowed: client, me, mutual",
        ),
    ],
)
def test_values_outside_the_closed_sets_name_the_allowed_values(
    write_playbook: WritePlaybook, old: str, new: str, line: int, problem: str
):
    path = write_playbook(changed(old, new))
    assert load_error(path) == f"{path}:{line}: {problem}"


def test_duplicate_step_ids(write_playbook: WritePlaybook):
    path = write_playbook(changed("  - id: feedback\n", "  - id: goodbye\n").replace("[goodbye]", "[call]"))
    assert load_error(path) == f"{path}:27: duplicate step id 'goodbye' (already at line 18)"


@pytest.mark.parametrize(
    ("gates", "problem"),
    [
        (
            "[call, check-in]",
            "gate 'check-in' is a later step (line 35); a step can wait only for steps above it",
        ),
        ("[call, calls]", "gate 'calls' is neither a step above this one nor a check; checks: readiness"),
        ("[call, paid]", "gate 'paid' is neither a step above this one nor a check; checks: readiness"),
        ("[call, feedback]", "a step cannot wait for itself ('feedback')"),
        ("[call, call]", "gate 'call' is listed twice"),
    ],
)
def test_gates_name_earlier_steps_or_checks(write_playbook: WritePlaybook, gates: str, problem: str):
    path = write_playbook(changed("    gates: [call]\n", f"    gates: {gates}\n"))
    assert load_error(path) == f"{path}:34: {problem}"


@pytest.mark.parametrize("bad", ["Call", "call_them", "call--them", "-call", "call-", "2nd-call"])
def test_ids_are_lower_case_words_with_hyphens(write_playbook: WritePlaybook, bad: str):
    path = write_playbook(changed("  - id: prep\n", f"  - id: {bad}\n"))
    assert load_error(path) == (
        f"{path}:5: step id {bad!r} must be lower-case words joined by hyphens, like call-the-client"
    )


def test_a_step_id_may_not_be_a_check_name(write_playbook: WritePlaybook):
    path = write_playbook(changed("  - id: prep\n", "  - id: readiness\n"))
    assert load_error(path) == f"{path}:5: step id 'readiness' is the name of a check; choose another id"


def test_the_file_name_must_match_the_id(write_playbook: WritePlaybook):
    path = write_playbook(name="ours.yaml")
    assert load_error(path) == (
        f"{path}:1: the id 'house' must match the file name: rename the file to house.yaml or change the id"
    )


@pytest.mark.parametrize(
    ("due", "problem"),
    [
        (
            "two days before notice",
            'cannot read due \'two days before notice\'; write it like "on notice", "2 business days before '
            'notice" or "30 days after end" (plain days are calendar days), or as '
            "{days: -2, unit: business, anchor: notice}",
        ),
        (
            "2 business days before the start",
            'cannot read due \'2 business days before the start\'; write it like "on notice", "2 business '
            'days before notice" or "30 days after end" (plain days are calendar days), or as '
            "{days: -2, unit: business, anchor: notice}",
        ),
        (
            "3",
            'due must be text or a mapping; write it like "on notice", "2 business days before notice" or '
            '"30 days after end" (plain days are calendar days), or as '
            "{days: -2, unit: business, anchor: notice}",
        ),
        ("1001 days after end", "due is 1001 days away from the end; at most 1000 allowed"),
        ("{days: 2000, unit: calendar, anchor: end}", "days must be between -1000 and 1000"),
        ("{days: 2.5, unit: calendar, anchor: end}", "days must be a whole number"),
        (
            "{days: 2, unit: calendar}",
            'due needs anchor:; write it like "on notice", "2 business days before notice" or "30 days after '
            'end" (plain days are calendar days), or as {days: -2, unit: business, anchor: notice}',
        ),
    ],
)
def test_a_due_that_cannot_be_read(write_playbook: WritePlaybook, due: str, problem: str):
    path = write_playbook(changed("due: 2 business days before notice", f"due: {due}"))
    assert load_error(path) == f"{path}:10: {problem}"


def test_talking_points_are_for_conversations_and_message_kinds_for_writing(write_playbook: WritePlaybook):
    text = changed(
        "    talking_points: [Thank them]\n", "    talking_points: [Thank them]\n    message_kind: notice\n"
    )
    text = changed(
        "    due: 30 days after end\n", "    due: 30 days after end\n    talking_points: [Hello]\n", text
    )
    path = write_playbook(text)
    assert load_error(path).splitlines() == [
        f"{path}:18: message_kind is for written steps (email, task), not a call; give a call or meeting "
        "talking_points instead",
        f"{path}:43: talking_points are for calls and meetings, not an email",
    ]


def test_titles_and_per_contact_go_together(write_playbook: WritePlaybook):
    text = changed("    per_contact: true\n", "")
    text = changed("    title: Ask for feedback\n", "    title: Ask {name} for feedback\n", text)
    path = write_playbook(text)
    assert load_error(path).splitlines() == [
        f"{path}:19: the title uses {{contact}}, so the step needs per_contact: true",
        f"{path}:27: title 'Ask {{name}} for feedback' may use only {{contact}} in braces",
    ]
    path = write_playbook(changed("    title: Say goodbye to {contact}\n", "    title: Say goodbye\n"))
    assert load_error(path) == (
        f"{path}:19: a per-contact step's title needs {{contact}} where the name goes, like \"Say goodbye to "
        '{contact}"'
    )


def test_flags_are_true_or_false(write_playbook: WritePlaybook):
    path = write_playbook(changed("per_contact: true", "per_contact: yes"))
    assert load_error(path) == f"{path}:24: per_contact must be true or false"


def test_every_problem_is_reported_at_once_in_file_order(write_playbook: WritePlaybook):
    text = changed("channel: task", "channel: phone")
    text = changed("phase: notice", "phase: telling", text)
    text = changed("due: 30 days after end", "due: a month after end", text)
    path = write_playbook(text)
    lines = load_error(path).splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [f"{path}:8", f"{path}:15", f"{path}:41"]


def test_invalid_yaml_names_its_line(write_playbook: WritePlaybook):
    path = write_playbook(changed("    why: Keep in touch.\n", "    why: Keep: in touch.\n"))
    assert load_error(path) == f"{path}:37: not valid YAML: mapping values are not allowed in this context"


def test_empty_and_wrongly_shaped_files(write_playbook: WritePlaybook):
    path = write_playbook("")
    assert load_error(path) == f"{path}: the file is empty; it needs id:, title:, description: and steps:"
    path = write_playbook("- one\n- two\n")
    assert load_error(path) == f"{path}:1: a playbook file must be a mapping (key: value lines)"
    path = write_playbook(changed("steps:\n", "steps: []\nold_steps:\n"))
    assert (
        load_error(path).splitlines()[0]
        == f"{path}:5: unknown key 'old_steps' in a playbook file; allowed: description, id, steps, title"
    )


def test_a_missing_file(tmp_path: Path):
    path = tmp_path / "nope.yaml"
    assert load_error(path).startswith(f"{path}: cannot read the file: ")


# --- the house rules -----------------------------------------------------------------------------------


def test_an_email_must_wait_for_a_conversation(write_playbook: WritePlaybook):
    path = write_playbook(changed("    gates: [call]\n", ""))
    assert load_error(path) == (
        f"{path}:27: email step 'feedback' must wait for a call or meeting (put one in its gates:, "
        "directly or through another step): nothing goes out in writing before a conversation"
    )


def test_waiting_through_a_conditional_step_does_not_count(write_playbook: WritePlaybook):
    # check-in waits for goodbye, which waits for the call: fine. Made conditional, goodbye is not always
    # there to wait through, so check-in could go out with no conversation before it.
    text = changed("    per_contact: true\n", "    per_contact: true\n    when: {sour: false}\n")
    path = write_playbook(text)
    assert load_error(path).startswith(f"{path}:36: email step 'check-in' must wait for a call or meeting")


def test_goodbyes_wait_for_readiness(write_playbook: WritePlaybook):
    path = write_playbook(changed("gates: [readiness, call]", "gates: [call]"))
    assert load_error(path) == (
        f"{path}:18: goodbye step 'goodbye' must wait for the readiness check (put readiness in its gates:, "
        "directly or through another step): be sure the work is over before saying so"
    )


def test_a_playbook_needs_a_conversation_goodbyes_feedback_and_aftercare(write_playbook: WritePlaybook):
    text = changed("channel: call", "channel: task").replace("    talking_points: [Thank them]\n", "")
    text = changed("    per_contact: true\n", "", text).replace("{contact}", "everyone")
    text = changed("message_kind: feedback-request", "message_kind: check-in", text)
    text = changed("phase: aftercare", "phase: goodbye", text)
    path = write_playbook(text)
    problems = load_error(path).splitlines()
    assert problems[0] == (
        f"{path}:5: the playbook needs a call or meeting step: news about an ending is said, not written"
    )
    assert problems[-3:] == [
        f"{path}:5: the playbook needs a goodbye step for each contact (message_kind: goodbye, per_contact: "
        "true): everyone gets their own goodbye, not a group one",
        f"{path}:5: the playbook needs a step that asks for feedback (message_kind: feedback-request)",
        f"{path}:5: the playbook needs at least one aftercare step (phase: aftercare), to keep in touch",
    ]
    assert len(problems) == 7  # and each of the three emails is told to wait for a conversation


# --- several files -------------------------------------------------------------------------------------


def test_load_playbooks_reports_every_file_and_duplicate_ids(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = tmp_path / "a" / "house.yaml"
    second = tmp_path / "b" / "house.yaml"
    broken = tmp_path / "broken.yaml"
    first.write_text(HOUSE)
    second.write_text(HOUSE)
    broken.write_text(changed("id: house", "id: broken").replace("channel: task", "channel: phone"))
    with pytest.raises(PlaybookError) as caught:
        load_playbooks([first, broken, second])
    assert str(caught.value).splitlines() == [
        f"{broken}:8: unknown channel 'phone'; allowed: call, email, meeting, task",
        f"{second}: duplicate playbook id 'house' (already in {first})",
    ]
    assert [p.id for p in load_playbooks([first])] == ["house"]
