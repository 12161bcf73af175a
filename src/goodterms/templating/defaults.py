"""The shipped template of each kind of message: defaults/<kind>.txt, `Subject: …`, a blank line, the body.

Each file is checked like an organization's own template when it is first read, and a broken one is reported
by file and line.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from goodterms.lib.vocabulary import MessageKind
from goodterms.lib.yamlnodes import FileProblemsError
from goodterms.templating.sandbox import check_template

DEFAULTS_DIR = Path(__file__).parent / "defaults"


def read_template_file(kind: str, directory: Path = DEFAULTS_DIR) -> tuple[str, str]:
    """(subject, body) of `directory`/<kind>.txt, checked; FileProblemsError names the file and line."""
    path = directory / f"{kind}.txt"
    shown = f"templating/defaults/{kind}.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    first = lines[0]
    if not first.startswith("Subject:") or not first.removeprefix("Subject:").strip():
        raise FileProblemsError([(shown, 1, "the first line must be `Subject: …` with a subject")])
    if len(lines) < 3 or lines[1].strip():
        raise FileProblemsError([(shown, 2, "the subject must be followed by one blank line, then the body")])
    subject = first.removeprefix("Subject:").strip()
    body = "\n".join(lines[2:]).rstrip("\n")
    problems = check_template(subject, body)
    if problems:
        # The subject is the file's line 1; the body's line n is the file's line n + 2.
        raise FileProblemsError(
            [(shown, 1 if p.part == "subject" else (p.line or 1) + 2, p.message) for p in problems]
        )
    return subject, body


@cache
def default_template(kind: str) -> tuple[str, str]:
    """The shipped (subject, body) of a kind of message, read once and checked like an edited one.

    Raises ValueError for an unknown kind, and FileProblemsError (file:line) for a broken file.
    """
    if kind not in MessageKind.values():
        allowed = ", ".join(MessageKind.values())
        raise ValueError(f"unknown kind of message {kind!r}; allowed: {allowed}")
    return read_template_file(kind)
