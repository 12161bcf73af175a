"""A small playbook that follows the house rules, for tests to load as it is or to break on purpose."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from goodterms.playbook import Playbook, load_playbook

# Line numbers matter: the loading tests name them. Each step starts on the line given in its comment.
HOUSE = """\
id: house
title: Our house playbook
description: For tests.
steps:
  - id: prep
    title: Prepare
    why: Be ready.
    channel: task
    phase: prepare
    due: 2 business days before notice
  - id: call
    title: Call them
    why: Say it in person.
    channel: call
    phase: notice
    due: on notice
    talking_points: [Thank them]
  - id: goodbye
    title: Say goodbye to {contact}
    why: One by one.
    channel: email
    phase: goodbye
    message_kind: goodbye
    per_contact: true
    due: on end
    gates: [readiness, call]
  - id: feedback
    title: Ask for feedback
    why: Learn from it.
    channel: email
    phase: goodbye
    message_kind: feedback-request
    due: 2 business days after end
    gates: [call]
  - id: check-in
    title: Check in
    why: Keep in touch.
    channel: email
    phase: aftercare
    message_kind: check-in
    due: 30 days after end
    gates: [goodbye]
"""
# prep starts on line 5, call on 11, goodbye on 18, feedback on 27, check-in on 35.

WritePlaybook = Callable[..., Path]


@pytest.fixture
def write_playbook(tmp_path: Path) -> WritePlaybook:
    def write(text: str = HOUSE, name: str = "house.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def house(write_playbook: WritePlaybook) -> Playbook:
    return load_playbook(write_playbook())


def with_step(text: str, step: str) -> str:
    """HOUSE with one more step (YAML, indented like the others) at the end."""
    return text + step
