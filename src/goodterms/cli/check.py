"""`goodterms check`: the tone coach on text files, emails and stdin, with linter-style output.

Each finding prints as `file:line:col: severity category rule message` (line and column are 1-based and
count characters, not bytes), followed by `    suggestion: …` when the rule has one, and one summary line
per file. `--format json` prints one JSON document instead: a list of `{"file", "part", "report"}` objects
where `report` is `Report.to_dict()` and each finding also carries `line`, `col`, `end_line`, `end_col`.

An `.eml` file (or any input that starts with RFC 822 headers) is parsed with the standard library's
`email` package: the text/plain part is checked, or else the text/html part converted to text; offsets,
lines and columns then refer to that extracted body, and the output says so.

Exit status: 0 when no finding is an error, 1 when one is, 2 on bad usage (unknown kind, a missing or
unreadable file, invalid UTF-8, a bad rules file). This module never imports Django: the coach is plain
Python and `goodterms check` must start fast.
"""

from __future__ import annotations

import bisect
import difflib
import email
import email.policy
import json
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any, TextIO

from goodterms.tone import analyze, load_rules
from goodterms.tone.report import KINDS, SEVERITIES, Report
from goodterms.tone.schema import RuleError
from goodterms.tone.text import html_to_text

STDIN_NAME = "<stdin>"
BOM = b"\xef\xbb\xbf"

# An input is an email when its first lines are RFC 822 headers ("Name: value", folded lines starting with
# white space) up to a blank line, and at least two of them are headers every email has.
HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]?.*$|^[ \t]+\S.*$")
EMAIL_HEADERS = {b"from", b"to", b"cc", b"subject", b"date", b"message-id", b"mime-version", b"received"}


class UsageError(Exception):
    """Bad input or options: goodterms check prints it and exits 2."""


@dataclass(frozen=True)
class Document:
    name: str  # the file name as given, or <stdin>
    text: str  # what the coach reads; finding offsets refer to it
    part: str | None = None  # None for a text file; "text/plain" or "text/html" for an email's body


# --- reading -------------------------------------------------------------------------------------------


def _decode_utf8(data: bytes, name: str) -> str:
    skipped = len(BOM) if data.startswith(BOM) else 0
    try:
        return data[skipped:].decode("utf-8")
    except UnicodeDecodeError as error:
        offset = skipped + error.start
        raise UsageError(
            f"{name}: not valid UTF-8 at byte offset {offset} (byte 0x{data[offset]:02x}); "
            "save it as UTF-8 and try again"
        ) from None


def _looks_like_email(data: bytes) -> bool:
    lines = data[:65536].removeprefix(BOM).splitlines()  # the headers come first; a body can be long
    if lines and lines[0].startswith(b"From "):  # an mbox "From " line before the headers
        lines = lines[1:]
    names: set[bytes] = set()
    for line in lines[:200]:
        if not line.strip():
            return len(names & EMAIL_HEADERS) >= 2
        if not HEADER_LINE.match(line):
            return False
        if line[:1] not in (b" ", b"\t"):
            names.add(line.split(b":", 1)[0].strip().lower())
    return False


def _email_body(data: bytes, name: str) -> Document:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)  # policy.default always builds EmailMessage objects
    for subtype in ("plain", "html"):
        part = message.get_body(preferencelist=(subtype,))
        if part is None:
            continue
        try:
            content = part.get_content()
        except LookupError:
            raise UsageError(
                f"{name}: the text/{subtype} part has an unknown charset {part.get_content_charset()!r}"
            ) from None
        if not isinstance(content, str):  # pragma: no cover - text parts always decode to str
            continue
        content = content.replace("\r\n", "\n").replace("\r", "\n")
        if subtype == "html":
            # The coach's own reading of HTML (one converter for both), from the first visible line.
            content = html_to_text(content)[0].strip("\n") + "\n"
        return Document(name=name, text=content, part=f"text/{subtype}")
    raise UsageError(f"{name}: the email has no text/plain or text/html part to check")


def read_document(name: str) -> Document:
    """Read one input: a UTF-8 text file, an email (.eml or RFC 822 headers), or stdin for "-"."""
    if name == "-":
        data = sys.stdin.buffer.read()
        shown = STDIN_NAME
    else:
        path = Path(name)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise UsageError(f"{name}: no such file") from None
        except IsADirectoryError:
            raise UsageError(f"{name}: is a directory; give the files to check") from None
        except OSError as error:
            raise UsageError(f"{name}: cannot read it ({error.strerror})") from None
        shown = name
    if (name != "-" and Path(name).suffix.lower() == ".eml") or _looks_like_email(data):
        return _email_body(data, shown)
    return Document(name=shown, text=_decode_utf8(data, shown))


# --- output --------------------------------------------------------------------------------------------


class Positions:
    """1-based line and column (in characters) of offsets into one text."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def of(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _header(document: Document) -> str | None:
    if document.part == "text/plain":
        return f"{document.name}: email; checking its text/plain part (lines and columns count in that body)"
    if document.part == "text/html":
        return (
            f"{document.name}: email with no text/plain part; checking its text/html part converted to "
            "text (lines and columns count in that text)"
        )
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def write_text(document: Document, report: Report, out: TextIO) -> None:
    header = _header(document)
    if header:
        print(header, file=out)
    positions = Positions(document.text)
    for finding in sorted(report.findings, key=lambda f: (f.start, f.end, f.rule)):
        line, col = positions.of(finding.start)
        print(
            f"{document.name}:{line}:{col}: {finding.severity} {finding.category} {finding.rule} "
            f"{_one_line(finding.message)}",
            file=out,
        )
        if finding.suggestion:
            print(f"    suggestion: {_one_line(finding.suggestion)}", file=out)
    for note in report.notes:
        print(f"{document.name}: note: {_one_line(note)}", file=out)
    if report.language == "unsupported":  # the coach's own note above says why
        print(f"{document.name}: not checked (not English)", file=out)
        return
    counts = ", ".join(
        _plural(sum(f.severity == severity for f in report.findings), severity) for severity in SEVERITIES
    )
    kind = f" ({report.kind})" if report.kind else ""
    for reason in report.reasons:
        direction = "down" if reason.weight < 0 else "up"
        line, col = positions.of(reason.start)
        print(
            f"{document.name}:{line}:{col}: reason: pulls the score {direction} "
            f"{reason.weight:+.2f} “{document.text[reason.start : reason.end]}” ({reason.words})",
            file=out,
        )
    politeness = "not scored" if report.politeness is None else f"{report.politeness:.2f}"
    print(f"{document.name}{kind}: politeness {politeness}; {counts}", file=out)


def _finding_dict(finding: dict[str, Any], positions: Positions) -> dict[str, Any]:
    line, col = positions.of(finding["start"])
    end_line, end_col = positions.of(finding["end"])
    return {**finding, "line": line, "col": col, "end_line": end_line, "end_col": end_col}


def to_json_entry(document: Document, report: Report) -> dict[str, Any]:
    positions = Positions(document.text)
    data = report.to_dict()
    data["findings"] = [_finding_dict(finding, positions) for finding in data["findings"]]
    data["reasons"] = [_finding_dict(reason, positions) for reason in data["reasons"]]
    return {"file": document.name, "part": document.part, "report": data}


# --- the command ---------------------------------------------------------------------------------------


def _check_kind(kind: str | None) -> None:
    if kind is None or kind in KINDS:
        return
    close = difflib.get_close_matches(kind, KINDS, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise UsageError(f"unknown kind {kind!r}; {hint}choose from: {', '.join(KINDS)}")


def _split(values: Sequence[str] | None) -> list[str]:
    return [item.strip() for value in values or () for item in value.split(",") if item.strip()]


def _fail(*problems: str) -> int:
    for problem in problems:
        print(f"goodterms check: {problem}", file=sys.stderr)
    return 2


def main(
    files: Sequence[str],
    *,
    kind: str | None = None,
    output_format: str = "text",
    rule_files: Sequence[str] = (),
    disabled: Sequence[str] = (),
) -> int:
    try:
        _check_kind(kind)
        missing = [f"{path}: no such rules file" for path in rule_files if not Path(path).is_file()]
        if missing:
            return _fail(*missing)
        rules = load_rules(paths=tuple(rule_files), disabled=tuple(_split(disabled)))
    except UsageError as error:
        return _fail(str(error))
    except RuleError as error:  # one `file:line: problem` line per problem
        return _fail(*str(error).splitlines())
    names = list(files) or ["-"]
    if names.count("-") > 1:
        return _fail("- (stdin) can be given only once")
    if "-" in names and sys.stdin.isatty():
        print("goodterms check: reading the message from stdin; end it with Ctrl-D", file=sys.stderr)
    documents: list[Document] = []
    problems: list[str] = []
    for name in names:
        try:
            documents.append(read_document(name))
        except UsageError as error:
            problems.append(str(error))
    if problems:  # every unreadable input is named before anything is checked
        return _fail(*problems)

    reports = [(document, analyze(document.text, kind, rules=rules)) for document in documents]
    status = 1 if any(report.has_errors for _, report in reports) else 0
    try:
        if output_format == "json":
            json.dump([to_json_entry(d, r) for d, r in reports], sys.stdout, indent=2, ensure_ascii=False)
            sys.stdout.write("\n")
        else:
            for document, report in reports:
                write_text(document, report, sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:  # `goodterms check … | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return status
