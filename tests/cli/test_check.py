"""`goodterms check` through the real entry point: formats, exit codes, inputs, emails, rule options."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

from tests.cli.conftest import Run

# Clear-cut texts, so that these tests do not depend on the fine print of any rule.
GOODBYE_TO_ALL = (
    "Hi all,\n\nToday is my last day on the account. Thank you for three wonderful years; the files are in "
    "the shared folder.\n\nBest,\nMaya\n"
)
BLAME = "Hi Anna,\n\nYou never send the files on time.\n\nMaya\n"
KIND_WORDS = (
    "Hi Anna,\n\nThank you for the three years we worked together on the shop. All the files are in the "
    "shared folder, and I have written down how to deploy a change. I enjoyed every part of it, and I hope "
    "our paths cross again.\n\nBest wishes,\nMaya\n"
)
FRENCH = (
    "Bonjour Anna,\n\nJe vous écris pour vous dire que notre collaboration se termine à la fin du mois. "
    "Merci pour ces trois années de travail ensemble, et à bientôt j'espère.\n\nMaya\n"
)
FINDING_LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>\S+) (?P<category>\S+) (?P<rule>\S+) "
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _findings(stdout: str) -> list[dict[str, str]]:
    return [m.groupdict() for line in stdout.splitlines() if (m := FINDING_LINE.match(line))]


# --- text output and exit codes ------------------------------------------------------------------------


def test_an_error_finding_prints_linter_style_with_a_suggestion_and_exits_1(goodterms: Run, tmp_path: Path):
    path = _write(tmp_path, "goodbye.txt", GOODBYE_TO_ALL)
    result = goodterms("check", "--kind", "goodbye", str(path), check=False)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(f"{path}:1:1: error mass-greeting "))
    assert lines[first].split()[3] == "mass-greeting.hi-all"
    assert lines[first + 1].startswith("    suggestion: ")
    summary = lines[-1]
    assert re.fullmatch(
        rf"{re.escape(str(path))} \(goodbye\): politeness [01]\.\d\d; [1-9]\d* errors?, .*", summary
    )


def test_line_and_column_count_from_1_in_characters(goodterms: Run, tmp_path: Path):
    # The finding is on line 3; "é" before it on line 1 is one character, two bytes: columns count characters.
    path = _write(tmp_path, "blame.txt", "Hi Renée,\n\nThanks. You never send the files on time.\n")
    out = goodterms("check", str(path), check=False).stdout
    blame = [f for f in _findings(out) if f["category"] == "blame"]
    assert blame, out
    assert (blame[0]["line"], blame[0]["col"]) == ("3", "9")


def test_kind_words_exit_0_with_a_summary(goodterms: Run, tmp_path: Path):
    path = _write(tmp_path, "kind.txt", KIND_WORDS)
    result = goodterms("check", "--kind", "goodbye", str(path))
    assert not [f for f in _findings(result.stdout) if f["severity"] == "error"]
    assert re.search(
        r"politeness \d\.\d\d; 0 errors, \d+ warnings?, \d+ suggestions?$", result.stdout.splitlines()[-1]
    )


def test_several_files_each_get_their_findings_and_summary(goodterms: Run, tmp_path: Path):
    one = _write(tmp_path, "one.txt", KIND_WORDS)
    two = _write(tmp_path, "two.txt", BLAME)
    out = goodterms("check", str(one), str(two), check=False).stdout
    assert {f["file"] for f in _findings(out)} <= {str(one), str(two)}
    assert any(f["file"] == str(two) and f["category"] == "blame" for f in _findings(out))
    summaries = [line for line in out.splitlines() if ": politeness " in line]
    assert [s.split(":")[0] for s in summaries] == [str(one), str(two)]


# --- json ----------------------------------------------------------------------------------------------


def test_json_is_one_document_with_the_report_and_positions(goodterms: Run, tmp_path: Path):
    path = _write(tmp_path, "goodbye.txt", GOODBYE_TO_ALL)
    result = goodterms("check", "--kind", "goodbye", "--format", "json", str(path), check=False)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) == 1
    entry = data[0]
    assert entry["file"] == str(path) and entry["part"] is None
    report = entry["report"]
    assert 0.0 <= report["politeness"] <= 1.0 and report["kind"] == "goodbye" and report["language"] == "en"
    assert report["stats"]["words"] > 10
    hi_all = next(f for f in report["findings"] if f["rule"] == "mass-greeting.hi-all")
    assert (hi_all["line"], hi_all["col"], hi_all["start"]) == (1, 1, 0)
    assert hi_all["end_line"] == 1 and hi_all["end_col"] == hi_all["end"] + 1
    assert GOODBYE_TO_ALL[hi_all["start"] : hi_all["end"]].lower().startswith("hi all")
    assert hi_all["severity"] == "error" and hi_all["suggestion"]


def test_json_for_a_clean_file_exits_0(goodterms: Run, tmp_path: Path):
    path = _write(tmp_path, "kind.txt", KIND_WORDS)
    data = json.loads(goodterms("check", "--format", "json", "--kind", "goodbye", str(path)).stdout)
    assert not [f for f in data[0]["report"]["findings"] if f["severity"] == "error"]


# --- stdin ---------------------------------------------------------------------------------------------


def test_stdin_with_no_file_or_a_dash(goodterms: Run):
    for args in ((), ("-",)):
        result = goodterms("check", *args, stdin=BLAME, check=False)
        assert any(f["file"] == "<stdin>" and f["category"] == "blame" for f in _findings(result.stdout)), (
            result.stdout + result.stderr
        )
        assert result.returncode in (0, 1)


# --- emails --------------------------------------------------------------------------------------------


def _email(**parts: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Maya <maya@example.com>"
    message["To"] = "team@example.com"
    message["Subject"] = "Goodbye"
    if "plain" in parts:
        message.set_content(parts["plain"])
        if "html" in parts:
            message.add_alternative(parts["html"], subtype="html")
    else:
        message.set_content(parts["html"], subtype="html")
    return bytes(message)


def test_an_eml_file_is_checked_on_its_text_plain_part(goodterms: Run, tmp_path: Path):
    path = tmp_path / "goodbye.eml"
    html = "<p>Hello Anna,</p><p>A different HTML version.</p>"
    path.write_bytes(_email(plain=GOODBYE_TO_ALL, html=html))
    result = goodterms("check", "--kind", "goodbye", str(path), check=False)
    assert result.returncode == 1
    assert "text/plain part" in result.stdout.splitlines()[0]
    assert f"{path}:1:1: error mass-greeting mass-greeting.hi-all " in result.stdout  # line 1 of the body


def test_an_eml_with_only_html_is_checked_on_its_text(goodterms: Run, tmp_path: Path):
    html = (
        "<html><head><title>You never send the files on time.</title>"
        "<style>p { color: red } /* You never send the files on time. */</style></head>"
        "<body><div>Hi all,<br><br>Today is my last day on the account. Thank you for <b>three</b>&nbsp;"
        "years.</div><script>var s = 'You never send the files on time.';</script>"
        "<p>Best,<br>Maya</p><blockquote><p>Maya,</p><p>You never send the files on time.</p></blockquote>"
        "</body></html>"
    )
    path = tmp_path / "goodbye.eml"
    path.write_bytes(_email(html=html))
    result = goodterms("check", "--kind", "goodbye", "--format", "json", str(path), check=False)
    assert result.returncode == 1, result.stderr
    entry = json.loads(result.stdout)[0]
    assert entry["part"] == "text/html"
    findings = entry["report"]["findings"]
    assert any(f["rule"] == "mass-greeting.hi-all" and (f["line"], f["col"]) == (1, 1) for f in findings)
    # Title, style and script are not text, and a blockquote becomes "> " lines that the coach leaves out.
    assert not [f for f in findings if f["category"] == "blame"]

    text = goodterms("check", "--kind", "goodbye", str(path), check=False).stdout
    assert "text/html part converted to text" in text.splitlines()[0]


def test_email_headers_are_recognised_without_the_eml_extension(goodterms: Run, tmp_path: Path):
    path = tmp_path / "saved-message.txt"
    path.write_bytes(_email(plain=BLAME))
    out = goodterms("check", str(path), check=False).stdout
    assert "text/plain part" in out.splitlines()[0]
    blame = [f for f in _findings(out) if f["category"] == "blame"]
    assert blame and blame[0]["line"] == "3"  # the body's third line, not the file's


# --- usage errors: exit 2 ------------------------------------------------------------------------------


def test_invalid_utf8_names_the_file_and_the_byte_offset(goodterms: Run, tmp_path: Path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"Hi Ren\xe9e,\n\nThanks.\n")  # Latin-1, not UTF-8
    result = goodterms("check", str(path), check=False)
    assert result.returncode == 2
    assert f"{path}: not valid UTF-8 at byte offset 6" in result.stderr
    assert result.stdout == ""


def test_a_missing_file_is_a_usage_error(goodterms: Run, tmp_path: Path):
    result = goodterms("check", str(tmp_path / "nope.txt"), check=False)
    assert result.returncode == 2 and "nope.txt: no such file" in result.stderr


def test_an_unknown_kind_is_a_usage_error_that_suggests_one(goodterms: Run, tmp_path: Path):
    path = _write(tmp_path, "kind.txt", KIND_WORDS)
    result = goodterms("check", "--kind", "goodby", str(path), check=False)
    assert result.returncode == 2
    assert "unknown kind 'goodby'" in result.stderr and "did you mean 'goodbye'" in result.stderr
    assert "notice" in result.stderr


def test_an_unknown_format_is_a_usage_error(goodterms: Run):
    assert goodterms("check", "--format", "xml", check=False).returncode == 2


# --- rules: --disable and --rules ----------------------------------------------------------------------


def test_disable_removes_a_rule_or_a_category(goodterms: Run, tmp_path: Path):
    path = _write(tmp_path, "goodbye.txt", GOODBYE_TO_ALL)
    before = _findings(goodterms("check", "--kind", "goodbye", str(path), check=False).stdout)
    assert any(f["rule"] == "mass-greeting.hi-all" for f in before)
    for off in ("mass-greeting.hi-all", "mass-greeting"):
        result = goodterms("check", "--kind", "goodbye", "--disable", off, str(path), check=False)
        after = _findings(result.stdout)
        assert not any(f["rule"] == "mass-greeting.hi-all" for f in after), result.stdout
        assert not any(f["severity"] == "error" for f in after) or result.returncode == 1


def test_disabling_an_unknown_rule_is_a_usage_error(goodterms: Run, tmp_path: Path):
    path = _write(tmp_path, "kind.txt", KIND_WORDS)
    result = goodterms("check", "--disable", "blame.no-such-rule", str(path), check=False)
    assert result.returncode == 2 and "blame.no-such-rule" in result.stderr


HOUSE_RULES = """\
category: vague
rules:
  - id: house-ballpark
    kind: existence
    severity: error
    message: '"{match}" gives the client no date to plan around.'
    suggestion: Give the date ("by Friday 12 December").
    source: our studio's style guide
    phrases:
      - in the ballpark of next quarter
    examples:
      flag:
        - "The invoice will follow in the ballpark of next quarter."
      pass:
        - "The invoice will follow on 12 December."
"""


def test_rules_adds_a_rule_from_a_user_yaml_file(goodterms: Run, tmp_path: Path):
    rules = _write(tmp_path, "house.yaml", HOUSE_RULES)
    path = _write(
        tmp_path, "note.txt", "Hi Anna,\n\nThe last invoice follows in the ballpark of next quarter.\n"
    )
    assert "house-ballpark" not in goodterms("check", str(path), check=False).stdout
    result = goodterms("check", "--rules", str(rules), str(path), check=False)
    assert result.returncode == 1, result.stderr
    assert f"{path}:3:26: error vague vague.house-ballpark " in result.stdout
    assert "    suggestion: Give the date" in result.stdout


def test_a_bad_rules_file_prints_its_file_and_line(goodterms: Run, tmp_path: Path):
    rules = _write(tmp_path, "bad.yaml", HOUSE_RULES.replace("kind: existence", "kind: existance"))
    path = _write(tmp_path, "kind.txt", KIND_WORDS)
    result = goodterms("check", "--rules", str(rules), str(path), check=False)
    assert result.returncode == 2
    assert f"{rules}:4: unknown kind 'existance'" in result.stderr
    assert result.stdout == ""


def test_a_missing_rules_file_is_a_usage_error(goodterms: Run, tmp_path: Path):
    result = goodterms("check", "--rules", str(tmp_path / "nope.yaml"), stdin=KIND_WORDS, check=False)
    assert result.returncode == 2 and "nope.yaml: no such rules file" in result.stderr


# --- other languages, and the fast start ---------------------------------------------------------------


def test_a_text_not_in_english_gets_a_note_and_exits_0(goodterms: Run, tmp_path: Path):
    path = _write(tmp_path, "fr.txt", FRENCH)
    result = goodterms("check", "--kind", "goodbye", str(path))
    assert f"{path}: not checked (not English)" in result.stdout
    assert f"{path}: note: " in result.stdout  # the coach says why
    assert not _findings(result.stdout)
    data = json.loads(goodterms("check", "--format", "json", str(path)).stdout)
    assert data[0]["report"]["language"] == "unsupported"


def test_check_does_not_set_up_django(cli_env: dict[str, str], tmp_path: Path):
    path = _write(tmp_path, "kind.txt", KIND_WORDS)
    code = (
        "import sys\n"
        "from goodterms.cli.__main__ import main\n"
        f"code = main(['check', {str(path)!r}])\n"
        "django = any(m == 'django' or m.startswith('django.') for m in sys.modules)\n"
        "print('DJANGO' if django else 'NO-DJANGO')\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=cli_env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "NO-DJANGO"
