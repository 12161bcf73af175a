import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

SHELL_ADD = "from goodterms.accounts.models import Organization; Organization.objects.create(name={name!r})"
SHELL_COUNT = (
    "from goodterms.accounts.models import Organization; "
    "print(sorted(o.name for o in Organization.objects.all()))"
)


@pytest.mark.slow
def test_backup_then_restore_round_trip(goodterms, tmp_path):
    goodterms("manage", "migrate", "--noinput")
    goodterms("manage", "shell", "-c", SHELL_ADD.format(name="Before backup"))
    snapshot = tmp_path / "snap.sqlite3"
    out = goodterms("backup", str(snapshot)).stdout
    assert f"wrote {snapshot}" in out
    goodterms("manage", "shell", "-c", SHELL_ADD.format(name="After backup"))
    assert "After backup" in goodterms("manage", "shell", "-c", SHELL_COUNT).stdout

    goodterms("restore", str(snapshot), "--yes")
    assert (
        goodterms("manage", "shell", "-c", SHELL_COUNT).stdout.strip().splitlines()[-1] == "['Before backup']"
    )


@pytest.mark.slow
def test_backup_is_consistent_while_another_process_writes(goodterms, cli_env, tmp_path):
    goodterms("manage", "migrate", "--noinput")
    writer_code = (
        "import django, os\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'goodterms.settings')\n"
        "django.setup()\n"
        "from goodterms.accounts.models import Organization\n"
        "for i in range(400): Organization.objects.create(name=f'org {i}')\n"
    )
    writer = subprocess.Popen([sys.executable, "-c", writer_code], env=cli_env)
    try:
        snapshots = []
        for n in range(3):
            path = tmp_path / f"during-{n}.sqlite3"
            goodterms("backup", str(path))
            snapshots.append(path)
    finally:
        writer.wait(timeout=120)
    assert writer.returncode == 0
    for path in snapshots:
        con = sqlite3.connect(path)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
        con.close()


@pytest.mark.slow
def test_backup_refuses_to_overwrite_and_restore_refuses_a_bad_file(goodterms, tmp_path):
    goodterms("manage", "migrate", "--noinput")
    existing = tmp_path / "exists.sqlite3"
    existing.write_text("keep me")
    result = goodterms("backup", str(existing), check=False)
    assert result.returncode == 1 and "exists already" in result.stderr
    assert existing.read_text() == "keep me"

    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)
    result = goodterms("restore", str(garbage), "--yes", check=False)
    assert result.returncode == 1 and "nothing was changed" in result.stderr

    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    result = goodterms("restore", str(other), "--yes", check=False)
    assert "not a goodterms one" in result.stderr


@pytest.mark.slow
def test_restore_asks_before_replacing(goodterms, tmp_path):
    goodterms("manage", "migrate", "--noinput")
    snapshot = tmp_path / "s.sqlite3"
    goodterms("backup", str(snapshot))
    result = goodterms("restore", str(snapshot), stdin="n\n", check=False)
    assert result.returncode == 1 and "nothing was changed" in result.stdout


def test_backup_on_postgresql_gives_pg_dump_advice(goodterms, cli_env):
    cli_env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/test"
    result = goodterms("backup", check=False)
    assert result.returncode == 2 and "pg_dump" in result.stderr


def test_default_backup_name_is_in_the_data_dir(goodterms, cli_env):
    goodterms("manage", "migrate", "--noinput")
    goodterms("backup")
    backups = list((Path(cli_env["GOODTERMS_DATA_DIR"]) / "backups").glob("goodterms-*.sqlite3"))
    assert len(backups) == 1


SHELL_PENDING = """
from goodterms.accounts.models import Organization
from goodterms.accounts.orgscope import scoped
from goodterms.messaging.models import Message, Outbox
org = Organization.objects.create(name="Pending Co")
for state in ("queued", "sending", "held", "draft", "sent"):
    m = scoped(Message, org).create(kind="goodbye", to_name=state, to_email=f"{state}@x.example", state=state)
    if state in ("queued", "sending"):
        scoped(Outbox, org).create(message=m, state="pending" if state == "queued" else "leased")
"""
SHELL_STATES = """
from goodterms.messaging.models import Message, Outbox
print(sorted(Message.objects.values_list("to_name", "state")), Outbox.objects.count())
"""


@pytest.mark.slow
def test_a_restore_holds_what_was_waiting_to_be_sent(goodterms, tmp_path):
    goodterms("manage", "migrate", "--noinput")
    goodterms("manage", "shell", "-c", SHELL_PENDING)
    snapshot = tmp_path / "pending.sqlite3"
    goodterms("backup", str(snapshot))
    out = goodterms("restore", str(snapshot), "--yes").stdout
    assert "3 messages waiting to be sent are held" in out
    states = goodterms("manage", "shell", "-c", SHELL_STATES).stdout.strip().splitlines()[-1]
    assert states == (
        "[('draft', 'draft'), ('held', 'held'), ('queued', 'held'), ('sending', 'held'), ('sent', 'sent')] 0"
    )
    # The worker sends none of them.
    goodterms("worker", "--once")
    assert goodterms("manage", "shell", "-c", SHELL_STATES).stdout.strip().splitlines()[-1] == states
