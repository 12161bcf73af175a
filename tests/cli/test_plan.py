"""`goodterms plan` and `goodterms playbooks` through the real entry point, with no database."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from goodterms.playbook import Contact, ExitFacts, NoticePolicy, default_playbooks, plan
from tests.cli.conftest import Run
from tests.playbook.conftest import HOUSE

DATES = ("--notice", "2026-12-14", "--end", "2026-12-31", "--today", "2026-12-10")


# --- text ----------------------------------------------------------------------------------------------


def test_text_is_a_timeline_with_warnings_first(goodterms: Run):
    out = goodterms(
        "plan", "--situation", "project-complete", *DATES, "--country", "GB", "--contact", "Dana Reyes"
    ).stdout
    lines = out.splitlines()
    assert lines[0] == "The project is finished (project-complete)"
    assert lines[1] == (
        "Told Monday 14 December 2026, last day Thursday 31 December 2026: 17 days' notice "
        "(your policy asks for 30)."
    )
    assert "business days skip weekends and GB public holidays" in lines[2]
    warnings = lines.index("Warnings:")
    first_step = next(i for i, line in enumerate(lines) if line.startswith("2026-"))
    assert warnings < first_step
    assert lines[warnings + 1].startswith("  ! The notice gives the client 17 days")
    assert "2026-12-09 Wed  task     Write down what was delivered and what is still open  (overdue)" in lines
    call = lines.index("2026-12-14 Mon  call     Walk the client through the finished work")
    assert lines[call + 1].startswith(" " * 25 + "Call or meet rather than send a cold letter.")
    assert " " * 25 + "- Thank them for the project, and name one part you enjoyed" in lines
    # Over Christmas: Friday 25th and Monday 28th (Boxing Day observed) are GB holidays.
    assert (
        "2026-12-22 Tue  email    Hand over files, accounts and access  [locked: walkthrough-call]" in lines
    )
    assert any(
        line.startswith("2026-12-31 Thu  email    Say goodbye to Dana Reyes  [locked: ") for line in lines
    )
    assert lines[-1] == "10 steps: 0 done, 1 overdue."


def test_the_situation_sets_who_ended_it_and_why(goodterms: Run):
    ended = goodterms("plan", "--situation", "client-ended", *DATES, "--format", "json").stdout
    assert json.loads(ended)["required_notice_days"] is None
    money = json.loads(goodterms("plan", "--situation", "money-change", *DATES, "--format", "json").stdout)
    assert money["required_notice_days"] == 60
    told = goodterms("plan", "--situation", "money-change", *DATES, "--no-money-affected").stdout
    assert "(your policy asks for 30)" in told
    contract = goodterms("plan", "--situation", "i-am-ending", *DATES, "--contract-notice", "14").stdout
    assert "17 days' notice (the contract asks for 14)." in contract and "Warnings:" not in contract


def test_conditions_follow_the_options(goodterms: Run):
    args = ("plan", "--situation", "i-am-ending", *DATES, "--format", "json")
    retiring = {s["id"] for s in json.loads(goodterms(*args, "--reason", "retiring").stdout)["steps"]}
    fit = {s["id"] for s in json.loads(goodterms(*args, "--reason", "fit").stdout)["steps"]}
    assert retiring - fit == {"introduce-successor"}


# --- json ----------------------------------------------------------------------------------------------


def test_json_is_exactly_the_plan(goodterms: Run):
    out = goodterms(
        "plan", "--situation", "i-am-ending", *DATES, "--country", "GB", "--reason", "retiring",
        "--contact", "Dana Reyes", "--contact", "Sam Ito", "--minimum-notice", "45", "--format", "json",
    ).stdout  # fmt: skip
    facts = ExitFacts(
        notice_date=date(2026, 12, 14),
        end_date=date(2026, 12, 31),
        reason="retiring",
        country="GB",
        contacts=(Contact("1", "Dana Reyes"), Contact("2", "Sam Ito")),
        policy=NoticePolicy(minimum_days=45),
    )
    expected = plan(facts, default_playbooks()["i-am-ending"], date(2026, 12, 10)).to_dict()
    assert json.loads(out) == expected
    step = expected["steps"][0]
    assert {"id", "title", "why", "channel", "due", "message_kind", "gates"} <= set(step)
    assert expected["warnings"][0]["code"] == "notice-too-short"


def test_a_playbook_file_of_your_own(goodterms: Run, tmp_path: Path):
    path = tmp_path / "house.yaml"
    path.write_text(HOUSE)
    data = json.loads(goodterms("plan", "--playbook", str(path), *DATES, "--format", "json").stdout)
    assert data["playbook"] == "house" and [s["id"] for s in data["steps"]][:2] == ["prep", "call"]


# --- bad input: exit 2, one clear line -----------------------------------------------------------------


def test_a_bad_date_names_the_option(goodterms: Run):
    result = goodterms(
        "plan", "--situation", "sour", "--notice", "2026-13-01", "--end", "2026-12-31", check=False
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        "goodterms plan: --notice: '2026-13-01' is not a date; write it as YYYY-MM-DD, like 2026-06-01\n"
    )
    late = goodterms("plan", "--situation", "sour", *DATES[:4], "--today", "soon", check=False)
    assert late.returncode == 2 and "--today: 'soon' is not a date" in late.stderr


def test_an_unknown_situation_lists_the_ids(goodterms: Run):
    result = goodterms("plan", "--situation", "bored", *DATES, check=False)
    assert result.returncode == 2
    assert result.stderr == (
        "goodterms plan: unknown situation 'bored'; choose from: project-complete, i-am-ending, "
        "money-change, client-ended, sour\n"
    )


def test_an_unknown_country(goodterms: Run):
    result = goodterms("plan", "--situation", "sour", *DATES, "--country", "XX", check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("goodterms plan: --country: unknown country 'XX'")
    assert len(result.stderr.splitlines()) == 1


def test_a_bad_playbook_file_gives_file_line_problems(goodterms: Run, tmp_path: Path):
    path = tmp_path / "house.yaml"
    path.write_text(HOUSE.replace("channel: task", "channel: phone").replace("phase: notice", "phase: later"))
    result = goodterms("plan", "--playbook", str(path), *DATES, check=False)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"goodterms plan: {path}:8: unknown channel 'phone'; allowed: call, email, meeting, task",
        f"goodterms plan: {path}:15: unknown phase 'later'; "
        "allowed: aftercare, goodbye, notice, prepare, wrap-up",
    ]
    missing = goodterms("plan", "--playbook", str(tmp_path / "nope.yaml"), *DATES, check=False)
    assert missing.returncode == 2 and "nope.yaml: no such playbook file" in missing.stderr


def test_exactly_one_of_situation_and_playbook(goodterms: Run, tmp_path: Path):
    neither = goodterms("plan", *DATES, check=False)
    assert (
        neither.returncode == 2
        and "one of the arguments --situation --playbook is required" in neither.stderr
    )
    both = goodterms("plan", "--situation", "sour", "--playbook", "x.yaml", *DATES, check=False)
    assert both.returncode == 2 and "not allowed with argument" in both.stderr


def test_negative_days_of_notice(goodterms: Run):
    result = goodterms("plan", "--situation", "sour", *DATES, "--contract-notice", "-3", check=False)
    assert result.returncode == 2
    assert "--contract-notice: -3 is negative" in result.stderr


# --- goodterms playbooks -------------------------------------------------------------------------------


def test_playbooks_lists_the_shipped_ones(goodterms: Run):
    out = goodterms("playbooks").stdout
    for playbook in default_playbooks().values():
        assert f"{playbook.id}  " in out and f"{playbook.title} ({len(playbook.steps)} steps)" in out
    assert out.splitlines()[0].startswith("project-complete  The project is finished (10 steps)")


def test_playbooks_validates_files(goodterms: Run, tmp_path: Path):
    good = tmp_path / "house.yaml"
    good.write_text(HOUSE)
    result = goodterms("playbooks", str(good))
    assert result.stdout == f"{good}: ok (house, 5 steps)\n"
    bad = tmp_path / "broken.yaml"
    bad.write_text(HOUSE.replace("id: house", "id: broken").replace("    gates: [call]\n", ""))
    result = goodterms("playbooks", str(good), str(bad), check=False)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{good}: ok (house, 5 steps)",
        f"{bad}:27: email step 'feedback' must wait for a call or meeting (put one in its gates:, "
        "directly or through another step): nothing goes out in writing before a conversation",
    ]


def test_plan_and_playbooks_do_not_set_up_django(cli_env: dict[str, str]):
    code = (
        "import sys; from goodterms.cli.__main__ import main; "
        "assert main(['plan', '--situation', 'sour', '--notice', '2026-06-01', '--end', '2026-07-31']) == 0; "
        "assert main(['playbooks']) == 0; "
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if 'django' in m)"
    )
    subprocess.run([sys.executable, "-c", code], env=cli_env, check=True, capture_output=True, timeout=60)
