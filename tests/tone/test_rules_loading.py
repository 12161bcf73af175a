"""Rule files are validated at load: file:line errors naming the allowed values, and nothing half-loaded."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from goodterms.tone import analyze, default_rules, load_rules
from goodterms.tone.rules import RuleError

GOOD_RULE = """\
  - id: pinky-swear
    kind: existence
    severity: warning
    message: '"{match}" makes a promise sound like a game.'
    suggestion: Say what you will do, with a date.
    source: Our house style.
    phrases: [pinky swear]
    examples:
      flag: ["I pinky swear the files are coming."]
      pass: ["I'll send the files on Friday."]
"""


def write(tmp_path: Path, body: str, name: str = "house.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


def load_error(path: Path) -> str:
    with pytest.raises(RuleError) as caught:
        load_rules([path])
    return str(caught.value)


def test_a_user_file_adds_a_rule(tmp_path):
    path = write(tmp_path, "category: vague\nrules:\n" + GOOD_RULE)
    rules = load_rules([path])
    assert "vague.pinky-swear" in rules and len(rules) == len(default_rules()) + 1
    text = "Hi Anna, I pinky swear the files are coming."
    report = analyze(text, "handover", rules=rules)
    [finding] = [f for f in report.findings if f.rule == "vague.pinky-swear"]
    assert text[finding.start : finding.end] == "pinky swear"
    assert finding.severity == "warning" and finding.suggestion == "Say what you will do, with a date."
    assert not [f for f in analyze(text, "handover").findings if f.rule == "vague.pinky-swear"]


def test_unknown_kind_names_the_allowed_kinds(tmp_path):
    path = write(tmp_path, "category: vague\nrules:\n" + GOOD_RULE.replace("kind: existence", "kind: exists"))
    assert load_error(path) == (
        f"{path}:4: unknown kind 'exists'; "
        "allowed: capitals, existence, occurrence, readability, required_when, substitution"
    )


def test_unknown_category_names_the_allowed_categories(tmp_path):
    path = write(tmp_path, "category: rude\nrules:\n" + GOOD_RULE)
    error = load_error(path)
    assert error.startswith(f"{path}:1: unknown category 'rude'; allowed: blame, cold, defensive, emotional,")
    assert "unanswered-question" in error and "wordy" in error


def test_missing_message(tmp_path):
    body = GOOD_RULE.replace("""    message: '"{match}" makes a promise sound like a game.'\n""", "")
    path = write(tmp_path, "category: vague\nrules:\n" + body)
    assert load_error(path) == f"{path}:3: a rule needs message:"


def test_bad_regex(tmp_path):
    body = GOOD_RULE.replace("phrases: [pinky swear]", "patterns: ['pinky (swear']")
    path = write(tmp_path, "category: vague\nrules:\n" + body)
    error = load_error(path)
    assert error.startswith(
        f"{path}:9: bad regex 'pinky (swear' in patterns: missing ), unterminated subpattern"
    )


def test_a_regex_that_matches_empty_text(tmp_path):
    body = GOOD_RULE.replace("phrases: [pinky swear]", "patterns: ['(?:pinky)?']")
    path = write(tmp_path, "category: vague\nrules:\n" + body)
    assert "it matches empty text" in load_error(path)


def test_duplicate_id_in_one_file(tmp_path):
    path = write(tmp_path, "category: vague\nrules:\n" + GOOD_RULE + GOOD_RULE)
    assert load_error(path) == f"{path}:13: duplicate rule id 'vague.pinky-swear' (already at line 3)"


def test_an_id_that_clashes_with_a_shipped_rule(tmp_path):
    body = GOOD_RULE.replace("id: pinky-swear", "id: soon")
    path = write(tmp_path, "category: vague\nrules:\n" + body)
    error = load_error(path)
    assert error.startswith(f"{path}:3: duplicate rule id 'vague.soon' (already in ")
    assert "vague.yaml:" in error


def test_an_example_that_does_not_behave(tmp_path):
    body = GOOD_RULE.replace(
        'pass: ["I\'ll send the files on Friday."]', 'pass: ["Pinky swear, it is done."]'
    )
    path = write(tmp_path, "category: vague\nrules:\n" + body)
    assert load_error(path) == f"{path}:3: false positive in vague.pinky-swear: 'Pinky swear, it is done.'"
    body = GOOD_RULE.replace('flag: ["I pinky swear the files are coming."]', 'flag: ["I promise."]')
    path = write(tmp_path, "category: vague\nrules:\n" + body)
    assert load_error(path) == f"{path}:3: false negative in vague.pinky-swear: 'I promise.'"


def test_unknown_keys_name_the_allowed_keys(tmp_path):
    body = GOOD_RULE.replace("phrases: [pinky swear]", "phrases: [pinky swear]\n    swap: {a: b}")
    path = write(tmp_path, "category: vague\nrules:\n" + body)
    assert load_error(path) == (
        f"{path}:10: unknown key 'swap' for a existence rule; "
        "allowed: case, examples, id, kind, kinds, message, "
        "patterns, phrases, severity, source, suggestion"
    )


def test_unknown_kind_of_message_and_severity(tmp_path):
    body = GOOD_RULE.replace("severity: warning", "severity: fatal\n    kinds: [notice, farewell]")
    path = write(tmp_path, "category: vague\nrules:\n" + body)
    lines = load_error(path).splitlines()
    assert lines[0] == f"{path}:5: unknown severity 'fatal'; allowed: error, suggestion, warning"
    assert lines[1].startswith(
        f"{path}:6: unknown kind of message 'farewell'; allowed: call-script, check-in, completion,"
    )


def test_unknown_placeholder_in_a_message(tmp_path):
    body = GOOD_RULE.replace('"{match}" makes', '"{phrase}" makes')
    path = write(tmp_path, "category: vague\nrules:\n" + body)
    assert load_error(path) == f"{path}:6: message uses {{phrase}}; allowed placeholders: {{match}}"


def test_required_when_needs_kinds(tmp_path):
    path = write(
        tmp_path,
        """\
        category: unanswered-question
        rules:
          - id: warranty
            kind: required_when
            severity: suggestion
            message: Is there a warranty?
            source: Our house style.
            phrases: [warranty]
            examples: {flag: ["Done."], pass: ["The warranty runs a year."]}
        """,
    )
    assert load_error(path) == f"{path}:3: a required_when rule needs kinds: (the kinds of message it is for)"


def test_not_yaml(tmp_path):
    path = write(tmp_path, "category: vague\nrules:\n  - id: [unclosed\n")
    assert load_error(path).startswith(f"{path}:4: not valid YAML")


def test_every_problem_is_listed_and_nothing_is_half_loaded(tmp_path):
    bad = GOOD_RULE.replace("id: pinky-swear", "id: cross-my-heart").replace("kind: existence", "kind: nope")
    good = write(tmp_path, "category: vague\nrules:\n" + GOOD_RULE, "good.yaml")
    broken = write(
        tmp_path, "category: vague\nrules:\n" + GOOD_RULE.replace("pinky", "scout") + bad, "broken.yaml"
    )
    with pytest.raises(RuleError) as caught:
        load_rules([good, broken])
    assert [(Path(p).name, line) for p, line, _ in caught.value.problems] == [("broken.yaml", 14)]
    assert "vague.pinky-swear" not in default_rules()


def test_disabling_a_rule_or_a_category():
    text = "Hi all,\nAs per my last email, you never sent the logo. Thanks for the year, it was great."
    fired = {f.rule for f in analyze(text, "goodbye").findings}
    assert {"mass-greeting.hi-all", "passive-aggressive.as-per-my-last-email", "blame.you-never"} <= fired
    rules = load_rules(disabled={"blame.you-never", "mass-greeting"})
    fired = {f.rule for f in analyze(text, "goodbye", rules=rules).findings}
    assert "passive-aggressive.as-per-my-last-email" in fired
    assert not {r for r in fired if r == "blame.you-never" or r.startswith("mass-greeting.")}


def test_disabling_something_unknown_is_an_error():
    with pytest.raises(RuleError, match=r"unknown rule or category blame\.you-neverr"):
        load_rules(disabled={"blame.you-neverr"})


def test_the_default_rules_are_loaded_once():
    assert default_rules() is default_rules()
