"""Races between real worker processes on the one database (SQLite or PostgreSQL, as the suite runs): a due
touchpoint drafts one check-in, a day's digest reaches the mail server once, and two asks of one person at
the same moment record one."""

from __future__ import annotations

import subprocess
import sys
from datetime import time
from pathlib import Path

import pytest

from goodterms.accounts.models import User
from goodterms.aftercare import jobs, services
from goodterms.aftercare.models import Ask, DigestSent, Touchpoint
from goodterms.exits.models import Exit
from goodterms.lib.vocabulary import MessageKind
from goodterms.messaging.models import Message
from tests.realservers import SmtpServer, app_env

WORKERS = 4
HERE = Path(__file__).parent


def _race(tmp_path: Path, env: dict[str, str], *args: str, workers: int = WORKERS) -> list[str]:
    """Start the workers, let them set up, then let them all go at once; what each printed."""
    start = tmp_path / "start"
    processes = [
        subprocess.Popen(
            [sys.executable, str(HERE / "run_job.py"), str(start), str(workers), *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(workers)
    ]
    start.touch()
    outputs = [process.communicate(timeout=180) for process in processes]
    errors = [err for _out, err in outputs if err.strip()]
    assert all(process.returncode == 0 for process in processes), errors[:1]
    return sorted(out.strip() for out, _err in outputs)


def _due_touchpoint(exit_: Exit) -> Touchpoint:
    """The exit's first touchpoint, due nine days ago and not drafted yet."""
    jobs.touchpoints_start()
    return Touchpoint.objects.get(exit=exit_, number=1)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_workers_in_processes_at_once_draft_a_due_touchpoint_once(former: Exit, tmp_path: Path):
    first = _due_touchpoint(former)
    printed = _race(tmp_path, app_env(tmp_path, email_url="console:"), "touchpoints")
    assert printed == ["0"] * (WORKERS - 1) + ["1"]
    assert Message.objects.filter(exit=former, kind=MessageKind.CHECK_IN).count() == 1
    first.refresh_from_db()
    assert first.state == Touchpoint.State.DRAFTED and first.message is not None
    # The next one was written with the draft, once.
    assert list(Touchpoint.objects.filter(exit=former).values_list("number", flat=True)) == [1, 2]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_workers_in_processes_at_once_send_the_digest_once(
    former: Exit, alice: User, tmp_path: Path, smtp: SmtpServer
):
    _due_touchpoint(former)
    services.digest_choose(user=alice, enabled=True, at=time(0, 0))  # due from midnight: any time today
    env = app_env(tmp_path, email_url=f"smtp://127.0.0.1:{smtp.port}?timeout=5")
    printed = _race(tmp_path, env, "digests")
    assert printed == ["0"] * (WORKERS - 1) + ["1"]
    delivered = smtp.deliveries()
    assert [d["rcpt_tos"] for d in delivered] == [["alice@alpha.example"]]
    assert "check in with Dana Diaz" in delivered[0]["body"]
    assert DigestSent.objects.get(user=alice).state == DigestSent.State.SENT
    # The workers' next passes the same day send nothing more.
    again = tmp_path / "again"
    again.mkdir()
    assert _race(again, env, "digests") == ["0"] * WORKERS
    assert len(smtp.deliveries()) == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_asks_of_one_person_at_once_record_one_and_refuse_the_other(former: Exit, tmp_path: Path):
    dana = former.client.contacts.get(name="Dana Diaz")
    env = app_env(tmp_path, email_url="console:")
    printed = _race(tmp_path, env, "ask", str(former.pk), str(dana.pk), workers=2)
    assert printed[0] == "asked"
    assert printed[1].startswith("refused: You asked Dana Diaz on ") and "ask again from" in printed[1]
    assert Ask.objects.filter(contact=dana, kind=Ask.Kind.REFERRAL).count() == 1
