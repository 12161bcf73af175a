"""Docs that drift from the code fail here: every setting, command and dependency is explained."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import goodterms
from goodterms import playbook
from goodterms.cli.__main__ import build_parser

ROOT = Path(__file__).resolve().parents[2]
SRC = Path(goodterms.__file__).parent
ENV_READ = re.compile(
    r"""(?:env_(?:str|bool|int|list)\(|environ(?:\.get)?\(|environ\[)\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def _variables_read_by_the_code() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        found |= set(ENV_READ.findall(path.read_text()))
    return found


def test_the_scan_finds_the_variables():
    assert {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "EMAIL_URL", "GOODTERMS_DATA_DIR", "PORT"} <= (
        _variables_read_by_the_code()
    )


def test_every_setting_is_documented():
    text = (ROOT / "docs" / "settings.md").read_text()
    missing = sorted(name for name in _variables_read_by_the_code() if f"`{name}`" not in text)
    assert not missing, f"add these to docs/settings.md: {missing}"


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    actions = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(actions[0].choices)


def test_every_command_is_documented():
    commands = _subcommands()
    text = (ROOT / "docs" / "cli.md").read_text()
    missing = sorted(name for name in commands if f"## goodterms {name}" not in text)
    assert not missing, f"docs/cli.md lacks {missing}: run `make docs`"


def test_every_command_has_an_example():
    for name, sub in _subcommands().items():
        assert "Example:" in (sub.description or ""), f"goodterms {name}: its description needs an Example:"


def test_the_readme_leads_with_the_two_commands():
    lines = [line for line in (ROOT / "README.md").read_text().splitlines() if line.strip()]
    head = "\n".join(lines[:6])
    assert "make run" in head and "make test" in head


def test_every_dependency_says_why():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    text = (ROOT / "pyproject.toml").read_text()
    silent = [dep for dep in wanted if not re.search(rf'"{re.escape(dep)}",\s*#\s*\S', text)]
    assert not silent, f"give these dependencies a why-comment in pyproject.toml: {silent}"
    readme = (ROOT / "README.md").read_text()
    runtime = [re.split(r"[<>=\[ ]", dep, maxsplit=1)[0] for dep in project["dependencies"]]
    unexplained = [name for name in runtime if name not in readme]
    assert not unexplained, f"README.md's dependency list lacks {unexplained}"


def test_every_playbook_and_closed_set_value_is_in_docs_playbooks_md():
    text = (ROOT / "docs" / "playbooks.md").read_text()
    missing = [
        f"### `{playbook_id}`"
        for playbook_id in playbook.default_playbooks()
        if f"### `{playbook_id}`" not in text
    ]
    closed_sets = {
        "channel": playbook.CHANNELS,
        "anchor": playbook.ANCHORS,
        "unit": playbook.UNITS,
        "initiator": playbook.INITIATORS,
        "reason": playbook.REASONS,
        "message kind": playbook.MESSAGE_KINDS,
        "check": playbook.CHECKS,
        "phase": playbook.PHASES,
        "status": playbook.STATUSES,
        "warning code": playbook.WARNING_CODES,
    }
    for name, values in closed_sets.items():
        missing += [f"{name} `{value}`" for value in values if f"| `{value}` |" not in text]
    assert not missing, (
        f"docs/playbooks.md lacks {missing}: describe them, or run `make docs` for the playbooks"
    )


def test_the_generated_playbook_list_is_current():
    doc = ROOT / "docs" / "playbooks.md"
    result = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", str(doc)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"docs/playbooks.md is stale: run `make docs`\n{result.stdout}"


def test_every_template_field_and_message_kind_is_in_docs_messages_md():
    from goodterms.lib.vocabulary import MessageKind
    from goodterms.templating import FIELDS

    text = (ROOT / "docs" / "messages.md").read_text()
    missing = [f"field {name}" for name in FIELDS if f"| `{name}` |" not in text]
    missing += [f"kind {kind}" for kind in MessageKind.values() if f"| `{kind}` |" not in text]
    assert not missing, (
        f"docs/messages.md lacks {missing}: describe the kinds, or run `make docs` for the fields"
    )
    result = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", str(ROOT / "docs" / "messages.md")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"docs/messages.md is stale: run `make docs`\n{result.stdout}"


def test_every_dependency_is_pinned_with_hashes_in_the_lock_file():
    """`make run` and `make test` install from requirements.lock with --require-hashes: a dependency added
    to pyproject.toml without `make lock` would be missing there."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lock = (ROOT / "requirements.lock").read_text()
    pinned = {
        re.sub(r"[-_.]+", "-", name).lower()
        for name in re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==\S+ \\\n\s+--hash=sha256:", lock, flags=re.M)
    }
    wanted = [
        re.split(r"[<>=\[ ]", dep, maxsplit=1)[0]
        for dep in [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    ]
    missing = [name for name in wanted if re.sub(r"[-_.]+", "-", name).lower() not in pinned]
    assert not missing, f"run `make lock`: requirements.lock lacks {missing}"
    assert {"setuptools", "pip"} <= pinned, "the build tools are pinned too (--all-build-deps --allow-unsafe)"
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes --no-deps -r requirements.lock" in makefile
