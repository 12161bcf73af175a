"""`goodterms plan` and `goodterms playbooks`: the plan engine from the terminal, with no database.

`plan` makes one ending's plan from a shipped playbook (--situation) or a file (--playbook) and prints it as
a timeline (warnings first, then each step with its date, weekday, channel and why) or as JSON, exactly
`Plan.to_dict()`. `playbooks` lists the shipped playbooks, or validates playbook files. Neither touches
Django: the engine is plain Python, so both start fast and work before `goodterms run` ever has.

Exit status: plan gives 0, or 2 on bad input (a bad date, an unknown situation or country, a bad playbook
file); playbooks gives 0 when every file is valid, 1 when one is not.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
import time
from collections.abc import Sequence
from datetime import date
from typing import TextIO

from goodterms.lib import words
from goodterms.playbook import (
    SITUATIONS,
    Contact,
    ExitFacts,
    NoticePolicy,
    Plan,
    PlannedStep,
    Playbook,
    PlaybookError,
    UnknownCountry,
    default_playbooks,
    describe_day,
    load_playbook,
    plan,
)
from goodterms.playbook.business_days import country_code

WIDTH = 100
DATE_COLUMN = 25  # where titles, whys and talking points start, after "2026-06-01 Mon  email    "
SHORT_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# What a situation implies when the option is not given.
SITUATION_DEFAULTS: dict[str, dict[str, object]] = {
    "project-complete": {"reason": "project-complete"},
    "i-am-ending": {"reason": "other"},
    "money-change": {"reason": "fee-change", "money_affected": True},
    "client-ended": {"reason": "client-decision", "initiated_by": "client"},
    "sour": {"reason": "conflict", "sour": True},
}


class UsageError(Exception):
    """Bad input: printed as one line (or one per problem) and exit status 2."""


def _fail(command: str, *problems: str) -> int:
    for problem in problems:
        print(f"goodterms {command}: {problem}", file=sys.stderr)
    return 2


def _date(option: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"{option}: {value!r} is not a date; write it as YYYY-MM-DD, like 2026-06-01"
        ) from None


def _days(option: str, value: int | None) -> int | None:
    if value is not None and value < 0:
        raise UsageError(f"{option}: {value} is negative; give a number of days, 0 or more")
    return value


def _today() -> date:
    """The local calendar day, the one the user has in mind when they say "today"."""
    now = time.localtime()
    return date(now.tm_year, now.tm_mon, now.tm_mday)


def _playbook(situation: str | None, path: str | None) -> Playbook:
    if path is not None:
        if not os.path.isfile(path):
            raise UsageError(f"{path}: no such playbook file")
        return load_playbook(path)  # PlaybookError: reported by main() line by line
    playbooks = default_playbooks()
    if situation not in playbooks:
        raise UsageError(f"unknown situation {situation!r}; choose from: {', '.join(SITUATIONS)}")
    return playbooks[situation]


def build_facts(
    *,
    situation: str | None,
    notice: str,
    end: str,
    initiated_by: str | None = None,
    reason: str | None = None,
    money_affected: bool | None = None,
    sour: bool | None = None,
    country: str | None = None,
    contacts: Sequence[str] = (),
    minimum_notice: int | None = None,
    money_notice: int | None = None,
    contract_notice: int | None = None,
) -> ExitFacts:
    """The facts from the options; what is not given follows the situation."""
    implied = SITUATION_DEFAULTS.get(situation or "", {})
    notice_date, end_date = _date("--notice", notice), _date("--end", end)
    minimum = _days("--minimum-notice", minimum_notice)
    money = _days("--money-notice", money_notice)
    default = NoticePolicy()
    return ExitFacts(
        notice_date=notice_date,
        end_date=end_date,
        initiated_by=initiated_by or str(implied.get("initiated_by", "me")),
        reason=reason or str(implied.get("reason", "other")),
        money_affected=bool(implied.get("money_affected", False))
        if money_affected is None
        else money_affected,
        sour=bool(implied.get("sour", False)) if sour is None else sour,
        contacts=tuple(Contact(key=str(number), name=name) for number, name in enumerate(contacts, start=1)),
        country=country,
        policy=NoticePolicy(
            minimum_days=default.minimum_days if minimum is None else minimum,
            money_days=default.money_days if money is None else money,
        ),
        contract_notice_days=_days("--contract-notice", contract_notice),
    )


# --- text output ---------------------------------------------------------------------------------------


def _wrapped(text: str, indent: int, out: TextIO, first: str | None = None) -> None:
    lead = " " * indent
    lines = textwrap.wrap(text, width=WIDTH, initial_indent=first or lead, subsequent_indent=lead)
    for line in lines:
        print(line, file=out)


def _marker(step: PlannedStep) -> str:
    if step.status == "done":
        when = f"done {step.done_on.isoformat()}" if step.done_on else "done"
        return f"  ({when}{', kept from an earlier plan' if step.kept else ''})"
    if step.status == "locked":
        return f"  [locked: {', '.join(step.closed_gates)}]"
    if step.status in ("overdue", "today"):
        return f"  ({step.status})"
    return ""


def _notice_line(result: Plan, facts: ExitFacts) -> str:
    given = f"{result.notice_days} days' notice"
    if result.required_notice_days is None:
        rule = "the client's choice"
    elif facts.contract_notice_days is not None:
        rule = f"the contract asks for {result.required_notice_days}"
    else:
        rule = f"your policy asks for {result.required_notice_days}"
    return (
        f"Told {describe_day(facts.notice_date)}, last day {describe_day(facts.end_date)}: {given} ({rule})."
    )


def write_text(result: Plan, playbook: Playbook, facts: ExitFacts, today: date, out: TextIO) -> None:
    print(f"{playbook.title} ({playbook.id})", file=out)
    print(_notice_line(result, facts), file=out)
    code = country_code(facts.country)
    days_off = f"weekends and {code} public holidays" if code else "weekends"
    print(f"Planned on {describe_day(today)}; business days skip {days_off}.", file=out)
    if result.warnings:
        print(file=out)
        print("Warnings:", file=out)
        for warning in result.warnings:
            _wrapped(warning.message, 4, out, first="  ! ")
    print(file=out)
    pad = " " * DATE_COLUMN
    for step in result.steps:
        head = f"{step.due.isoformat()} {SHORT_WEEKDAYS[step.due.weekday()]}  {step.channel:<8} "
        _wrapped(step.title + _marker(step), DATE_COLUMN, out, first=head)
        _wrapped(step.why, DATE_COLUMN, out)
        for point in step.talking_points:
            _wrapped(point, DATE_COLUMN + 2, out, first=pad + "- ")
    summary = {status: sum(step.status == status for step in result.steps) for status in ("done", "overdue")}
    print(file=out)
    print(
        f"{words.plural(len(result.steps), 'step')}: {summary['done']} done, {summary['overdue']} overdue.",
        file=out,
    )


# --- the commands --------------------------------------------------------------------------------------


def main(
    *,
    situation: str | None,
    playbook_path: str | None,
    notice: str,
    end: str,
    today: str | None = None,
    output_format: str = "text",
    initiated_by: str | None = None,
    reason: str | None = None,
    money_affected: bool | None = None,
    sour: bool | None = None,
    country: str | None = None,
    contacts: Sequence[str] = (),
    minimum_notice: int | None = None,
    money_notice: int | None = None,
    contract_notice: int | None = None,
) -> int:
    """`goodterms plan`."""
    try:
        chosen = _playbook(situation, playbook_path)
        facts = build_facts(
            situation=situation,
            notice=notice,
            end=end,
            initiated_by=initiated_by,
            reason=reason,
            money_affected=money_affected,
            sour=sour,
            country=country,
            contacts=contacts,
            minimum_notice=minimum_notice,
            money_notice=money_notice,
            contract_notice=contract_notice,
        )
        day = _today() if today is None else _date("--today", today)
        result = plan(facts, chosen, day)
    except UsageError as error:
        return _fail("plan", str(error))
    except PlaybookError as error:  # one `file:line: problem` line per problem
        return _fail("plan", *str(error).splitlines())
    except UnknownCountry as error:
        return _fail("plan", f"--country: {error}")
    try:
        if output_format == "json":
            json.dump(result.to_dict(), sys.stdout, indent=2, ensure_ascii=False)
            sys.stdout.write("\n")
        else:
            write_text(result, chosen, facts, day, sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:  # `goodterms plan … | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def playbooks_main(files: Sequence[str]) -> int:
    """`goodterms playbooks`: list the shipped playbooks, or validate files (exit 1 when one is wrong)."""
    out = sys.stdout
    if not files:
        shipped = default_playbooks()
        width = max(len(playbook_id) for playbook_id in shipped) + 2
        for playbook_id in SITUATIONS:
            playbook = shipped[playbook_id]
            print(
                f"{playbook.id:<{width}}{playbook.title} ({words.plural(len(playbook.steps), 'step')})",
                file=out,
            )
            _wrapped(playbook.description, width, out)
        return 0
    status = 0
    for path in files:
        try:
            playbook = load_playbook(path)
        except PlaybookError as error:
            print(error, file=out)
            status = 1
            continue
        print(f"{path}: ok ({playbook.id}, {words.plural(len(playbook.steps), 'step')})", file=out)
    return status
