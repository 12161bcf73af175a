"""Playbook files: load and validate, all or nothing.

A playbook file is YAML, named after its id:

    id: project-complete                 # lower-case words and hyphens; the file is project-complete.yaml
    title: The project is finished
    description: >
      When to use it, in a sentence or two.
    steps:
      - id: walkthrough-call             # unique in the file
        title: Walk the client through the finished work
        why: Pick up the phone ...       # the practice the step serves, in the user's words
        channel: call                    # call | meeting | email | task
        phase: wrap-up                   # prepare | notice | wrap-up | goodbye | aftercare
        due: 2 business days before end  # or "on notice", "30 days after end", {days: 2, unit: …, anchor: …}
        talking_points: [...]            # calls and meetings only
        gates: [readiness, wrap-up-notes]  # checks, or ids of steps above; the step waits for them
      # optional too: message_kind (the message to draft, written steps only), per_contact: true (one step
      # per contact, the title says {contact}), when: {initiated_by, reasons, money_affected, sour}

Loading raises a PlaybookError listing every problem as `file:line: problem`, and returns nothing half-made.
Besides the shape, every playbook must follow the house rules (see house_rule_problems): an ending is told in
a conversation before anything is written, and it closes with individual goodbyes, a feedback request and
aftercare.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from goodterms.lib import yamlnodes as nodes
from goodterms.lib.vocabulary import Channel, Check, MessageKind, Phase
from goodterms.lib.yamlnodes import FileProblemsError, Problem, Problems
from goodterms.playbook.model import (
    ANCHORS,
    CHANNELS,
    CHECKS,
    CONTACT_PLACEHOLDER,
    CONVERSATIONS,
    INITIATORS,
    MESSAGE_KINDS,
    PHASES,
    REASONS,
    UNITS,
    Condition,
    Offset,
    Playbook,
    Step,
)

__all__ = [
    "PLAYBOOKS_DIR",
    "PlaybookError",
    "house_rule_problems",
    "load_playbook",
    "load_playbooks",
    "shipped_playbook_files",
]

PLAYBOOKS_DIR = Path(__file__).parent / "playbooks"
FILE_KEYS = ("id", "title", "description", "steps")
STEP_KEYS = (
    "id",
    "title",
    "why",
    "channel",
    "phase",
    "due",
    "when",
    "message_kind",
    "gates",
    "per_contact",
    "talking_points",
)
REQUIRED_STEP_KEYS = ("id", "title", "why", "channel", "due", "phase")
WHEN_KEYS = ("initiated_by", "reasons", "money_affected", "sour")
DUE_KEYS = ("days", "unit", "anchor")
MAX_DAYS = 1000  # a step more than about three years away from its anchor is a typing mistake

ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*\Z")
SHORT_DUE = re.compile(
    r"on (?:the )?(?P<on>notice|end)"
    r"|(?P<count>\d+) (?P<unit>business |calendar )?days? (?P<side>before|after)"
    r" (?:the )?(?P<anchor>notice|end)"
)
DUE_HELP = (
    'write it like "on notice", "2 business days before notice" or "30 days after end" (plain days are '
    "calendar days), or as {days: -2, unit: business, anchor: notice}"
)


class PlaybookError(FileProblemsError):
    """A playbook file is wrong. `str()` gives one `file:line: problem` line per problem."""


def shipped_playbook_files() -> list[Path]:
    return sorted(PLAYBOOKS_DIR.glob("*.yaml"))


def load_playbook(path: str | Path) -> Playbook:
    """One playbook file, validated (shape and house rules). Raises PlaybookError."""
    playbook, problems = _load_file(Path(path))
    if problems or playbook is None:
        raise PlaybookError(problems)
    return playbook


def load_playbooks(paths: Iterable[str | Path]) -> list[Playbook]:
    """Several files at once: every problem in every file, and no two playbooks with the same id."""
    playbooks: list[Playbook] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in paths:
        playbook, found = _load_file(Path(path))
        problems.extend(found)
        if playbook is None:
            continue
        if playbook.id in seen:
            problems.append(
                (str(path), None, f"duplicate playbook id {playbook.id!r} (already in {seen[playbook.id]})")
            )
            continue
        seen[playbook.id] = str(path)
        playbooks.append(playbook)
    if problems:
        raise PlaybookError(problems)
    return playbooks


# --- the house rules -----------------------------------------------------------------------------------


def _reaches(playbook: Playbook, start: Step, target: str) -> bool:
    """Whether `start` waits, directly or through steps that are in the plan whenever it is, for `target`:
    a check name, or "conversation" for any call or meeting step."""
    by_id = {step.id: step for step in playbook.steps}
    todo = list(start.gates)
    seen: set[str] = set()
    while todo:
        gate = todo.pop()
        if gate in seen:
            continue
        seen.add(gate)
        if gate == target:
            return True
        step = by_id.get(gate)
        if step is None or not (step.when.always or step.when == start.when):
            continue
        if target == "conversation" and step.channel in CONVERSATIONS:
            return True
        todo.extend(step.gates)
    return False


def house_rule_problems(playbook: Playbook, line: int | None = None) -> list[Problem]:
    """What breaks the practices every playbook must follow, as (file, line, problem).

    `line` is where the file's steps start, for the problems that belong to no one step.
    """
    path = playbook.path or playbook.id
    found: list[Problem] = []
    steps = playbook.steps
    if not any(step.channel in CONVERSATIONS for step in steps):
        found.append(
            (
                path,
                line,
                "the playbook needs a call or meeting step: news about an ending is said, not written",
            )
        )
    for step in steps:
        if step.channel == Channel.EMAIL and not _reaches(playbook, step, "conversation"):
            found.append(
                (
                    path,
                    step.line,
                    f"email step {step.id!r} must wait for a call or meeting (put one in its gates:, "
                    "directly or through another step): nothing goes out in writing before a conversation",
                )
            )
        if step.message_kind in (MessageKind.GOODBYE, MessageKind.COMPLETION) and not _reaches(
            playbook, step, Check.READINESS
        ):
            found.append(
                (
                    path,
                    step.line,
                    f"{step.message_kind} step {step.id!r} must wait for the readiness check (put readiness "
                    "in its gates:, directly or through another step): be sure the work is over before "
                    "saying so",
                )
            )
    if not any(step.message_kind == MessageKind.GOODBYE and step.per_contact for step in steps):
        found.append(
            (
                path,
                line,
                "the playbook needs a goodbye step for each contact (message_kind: goodbye, per_contact: "
                "true): everyone gets their own goodbye, not a group one",
            )
        )
    if not any(step.message_kind == MessageKind.FEEDBACK_REQUEST for step in steps):
        found.append(
            (path, line, "the playbook needs a step that asks for feedback (message_kind: feedback-request)")
        )
    if not any(step.phase == Phase.AFTERCARE for step in steps):
        found.append(
            (
                path,
                line,
                "the playbook needs at least one aftercare step (phase: aftercare), to keep in touch",
            )
        )
    return found


# --- reading a file ------------------------------------------------------------------------------------


def _load_file(path: Path) -> tuple[Playbook | None, list[Problem]]:
    problems = Problems(str(path))
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        problems.add(None, f"cannot read the file: {error}")
        return None, problems.found
    root = nodes.compose(source, problems)
    if problems.found:
        return None, problems.found
    if root is None:
        problems.add(None, "the file is empty; it needs id:, title:, description: and steps:")
        return None, problems.found
    top = nodes.mapping(root, "a playbook file", problems)
    if top is None:
        return None, problems.found
    _unknown_keys(root, FILE_KEYS, "a playbook file", problems)
    for key in FILE_KEYS:
        if key not in top:
            problems.add(root, f"the file needs {key}:")
    playbook_id = _id(top["id"], "id", problems) if "id" in top else None
    if playbook_id is not None and playbook_id != path.stem:
        problems.add(
            top["id"],
            f"the id {playbook_id!r} must match the file name: rename the file to {playbook_id}.yaml "
            "or change the id",
        )
    title = nodes.text(top["title"], "title", problems) if "title" in top else None
    description = nodes.text(top["description"], "description", problems) if "description" in top else None
    steps: list[Step] = []
    steps_line = None
    if "steps" in top:
        steps_node = top["steps"]
        steps_line = nodes.line_of(steps_node)
        if not isinstance(steps_node, SequenceNode) or not steps_node.value:
            problems.add(steps_node, "steps: must be a list of steps")
        else:
            steps = _parse_steps(steps_node.value, problems)
    if problems.found or playbook_id is None or title is None or description is None:
        return None, problems.found
    playbook = Playbook(
        id=playbook_id,
        title=" ".join(title.split()),
        description=" ".join(description.split()),
        steps=tuple(steps),
        path=str(path),
    )
    found = house_rule_problems(playbook, steps_line)
    return (None, found) if found else (playbook, [])


def _unknown_keys(node: Node, known: tuple[str, ...], what: str, problems: Problems) -> None:
    """Each key not in `known`, reported on the key's own line (a block value starts on the next one)."""
    for key, _ in node.value if isinstance(node, MappingNode) else ():
        if isinstance(key, ScalarNode) and key.tag == nodes.STR and key.value not in known:
            problems.add(key, f"unknown key {key.value!r} in {what}; allowed: {nodes.allowed(known)}")


def _id(node: Node, what: str, problems: Problems) -> str | None:
    value = nodes.text(node, what, problems)
    if value is not None and not ID.match(value):
        problems.add(
            node, f"{what} {value!r} must be lower-case words joined by hyphens, like call-the-client"
        )
        return None
    return value


def _parse_steps(items: list[Node], problems: Problems) -> list[Step]:
    steps: list[Step] = []
    places: dict[str, tuple[int, int]] = {}  # each step id written in the file -> (position, line)
    for index, node in enumerate(items):
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if isinstance(key, ScalarNode) and key.value == "id" and isinstance(value, ScalarNode):
                    places.setdefault(value.value, (index, nodes.line_of(node) or 0))
    earlier: dict[str, int] = {}
    for index, node in enumerate(items):
        step = _parse_step(node, problems, index, places)
        if step is None:
            continue
        if step.id in earlier:
            problems.add(node, f"duplicate step id {step.id!r} (already at line {earlier[step.id]})")
            continue
        earlier[step.id] = step.line or 0
        steps.append(step)
    return steps


def _parse_step(
    node: Node, problems: Problems, index: int, places: dict[str, tuple[int, int]]
) -> Step | None:
    before = len(problems.found)
    fields = nodes.mapping(node, "a step", problems)
    if fields is None:
        return None
    _unknown_keys(node, STEP_KEYS, "a step", problems)
    for key in REQUIRED_STEP_KEYS:
        if key not in fields:
            problems.add(node, f"a step needs {key}:")
    step_id = _id(fields["id"], "step id", problems) if "id" in fields else None
    if step_id in CHECKS:
        problems.add(fields["id"], f"step id {step_id!r} is the name of a check; choose another id")
    title = nodes.text(fields["title"], "title", problems) if "title" in fields else None
    why = nodes.text(fields["why"], "why", problems) if "why" in fields else None
    channel = nodes.choice(fields["channel"], "channel", CHANNELS, problems) if "channel" in fields else None
    phase = nodes.choice(fields["phase"], "phase", PHASES, problems) if "phase" in fields else None
    due = _due(fields["due"], problems) if "due" in fields else None
    when = _when(fields["when"], problems) if "when" in fields else Condition()
    per_contact: bool | None = False
    if "per_contact" in fields:
        per_contact = nodes.flag(fields["per_contact"], "per_contact", problems)
    message_kind = None
    if "message_kind" in fields:
        message_kind = nodes.choice(fields["message_kind"], "message_kind", MESSAGE_KINDS, problems)
        if message_kind is not None and channel in CONVERSATIONS:
            problems.add(
                fields["message_kind"],
                f"message_kind is for written steps (email, task), not a {channel}; "
                "give a call or meeting talking_points instead",
            )
    talking_points: list[str] = []
    if "talking_points" in fields:
        talking_points = nodes.text_list(fields["talking_points"], "talking_points", problems) or []
        if channel is not None and channel not in CONVERSATIONS:
            problems.add(
                fields["talking_points"], f"talking_points are for calls and meetings, not an {channel}"
            )
    if title is not None and per_contact is not None:  # a bad per_contact is reported once, above
        _check_title(fields["title"], title, per_contact, problems)
    gates = _gates(fields["gates"], step_id, index, places, problems) if "gates" in fields else ()
    if len(problems.found) != before:
        return None
    assert step_id and title and why and channel and phase and due and when is not None  # all were checked
    return Step(
        id=step_id,
        title=" ".join(title.split()),
        why=" ".join(why.split()),
        channel=channel,
        due=due,
        phase=phase,
        when=when,
        message_kind=message_kind,
        gates=gates,
        per_contact=bool(per_contact),
        talking_points=tuple(" ".join(point.split()) for point in talking_points),
        line=nodes.line_of(node),
    )


def _check_title(node: Node, title: str, per_contact: bool, problems: Problems) -> None:
    if "{" in title.replace(CONTACT_PLACEHOLDER, "") or "}" in title.replace(CONTACT_PLACEHOLDER, ""):
        problems.add(node, f"title {title!r} may use only {CONTACT_PLACEHOLDER} in braces")
    elif per_contact and CONTACT_PLACEHOLDER not in title:
        problems.add(
            node,
            f"a per-contact step's title needs {CONTACT_PLACEHOLDER} where the name goes, "
            f'like "Say goodbye to {CONTACT_PLACEHOLDER}"',
        )
    elif not per_contact and CONTACT_PLACEHOLDER in title:
        problems.add(node, f"the title uses {CONTACT_PLACEHOLDER}, so the step needs per_contact: true")


def _due(node: Node, problems: Problems) -> Offset | None:
    if isinstance(node, MappingNode):
        return _due_mapping(node, problems)
    if not isinstance(node, ScalarNode) or node.tag != nodes.STR:
        problems.add(node, f"due must be text or a mapping; {DUE_HELP}")
        return None
    value = " ".join(str(node.value).lower().split())
    match = SHORT_DUE.fullmatch(value)
    if match is None:
        problems.add(node, f"cannot read due {node.value!r}; {DUE_HELP}")
        return None
    if match["on"]:
        return Offset(days=0, unit="calendar", anchor=match["on"])
    count = int(match["count"])
    if count > MAX_DAYS:
        problems.add(node, f"due is {count} days away from the {match['anchor']}; at most {MAX_DAYS} allowed")
        return None
    unit = "business" if match["unit"] == "business " else "calendar"
    return Offset(days=-count if match["side"] == "before" else count, unit=unit, anchor=match["anchor"])


def _due_mapping(node: Node, problems: Problems) -> Offset | None:
    before = len(problems.found)
    fields = nodes.mapping(node, "due", problems)
    if fields is None:
        return None
    _unknown_keys(node, DUE_KEYS, "due", problems)
    for key in DUE_KEYS:
        if key not in fields:
            problems.add(node, f"due needs {key}:; {DUE_HELP}")
    count = nodes.whole_number(fields["days"], "days", problems) if "days" in fields else None
    if count is not None and abs(count) > MAX_DAYS:
        problems.add(fields["days"], f"days must be between -{MAX_DAYS} and {MAX_DAYS}")
    unit = nodes.choice(fields["unit"], "unit", UNITS, problems) if "unit" in fields else None
    anchor = nodes.choice(fields["anchor"], "anchor", ANCHORS, problems) if "anchor" in fields else None
    if len(problems.found) != before or count is None or unit is None or anchor is None:
        return None
    return Offset(days=count, unit=unit, anchor=anchor)


def _choices(node: Node, what: str, options: tuple[str, ...], problems: Problems) -> frozenset[str] | None:
    """One value or a list of them, each from `options`."""
    if isinstance(node, ScalarNode):
        value = nodes.choice(node, what, options, problems)
        return None if value is None else frozenset((value,))
    values = nodes.text_list(node, what, problems)
    if values is None:
        return None
    bad = [value for value in values if value not in options]
    if bad:
        problems.add(node, f"unknown {what} {bad[0]!r}; allowed: {nodes.allowed(options)}")
        return None
    return frozenset(values)


def _when(node: Node, problems: Problems) -> Condition | None:
    before = len(problems.found)
    fields = nodes.mapping(node, "when", problems)
    if fields is None:
        return None
    if not fields:
        problems.add(node, "when: is empty; leave it out for a step that is always in the plan")
    _unknown_keys(node, WHEN_KEYS, "when", problems)
    initiated_by = (
        _choices(fields["initiated_by"], "initiated_by", INITIATORS, problems)
        if "initiated_by" in fields
        else None
    )
    reasons = _choices(fields["reasons"], "reason", REASONS, problems) if "reasons" in fields else None
    money = (
        nodes.flag(fields["money_affected"], "money_affected", problems)
        if "money_affected" in fields
        else None
    )
    sour = nodes.flag(fields["sour"], "sour", problems) if "sour" in fields else None
    if len(problems.found) != before:
        return None
    return Condition(initiated_by=initiated_by, reasons=reasons, money_affected=money, sour=sour)


def _gates(
    node: Node, step_id: str | None, index: int, places: dict[str, tuple[int, int]], problems: Problems
) -> tuple[str, ...]:
    """Checks, and ids of steps written above this one (so a playbook has no cycles)."""
    if isinstance(node, SequenceNode) and not node.value:
        return ()  # gates: [] is the same as no gates
    values = nodes.text_list(node, "gates", problems)
    if values is None:
        return ()
    items = node.value if isinstance(node, SequenceNode) else []
    seen: set[str] = set()
    for gate, item in zip(values, items, strict=True):
        if gate in seen:
            problems.add(item, f"gate {gate!r} is listed twice")
        elif gate == step_id:
            problems.add(item, f"a step cannot wait for itself ({gate!r})")
        elif gate in CHECKS or (gate in places and places[gate][0] < index):
            pass
        elif gate in places:
            problems.add(
                item,
                f"gate {gate!r} is a later step (line {places[gate][1]}); "
                "a step can wait only for steps above it",
            )
        else:
            problems.add(
                item,
                f"gate {gate!r} is neither a step above this one nor a check; "
                f"checks: {nodes.allowed(CHECKS)}",
            )
        seen.add(gate)
    return tuple(values)
