"""Twenty Sends of one link at the same moment store one response, from threads and from processes, on
SQLite and PostgreSQL (the OneToOne constraint decides)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client as HttpClient

from goodterms.accounts.orgscope import across_orgs
from goodterms.survey.models import SurveyResponse
from tests.realservers import app_env
from tests.survey.conftest import ask, open_page

PARALLEL = 20
HERE = Path(__file__).parent


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_sends_from_threads_store_one(acme_exit):
    asked = ask(acme_exit)
    http = HttpClient()
    nonce = open_page(http, asked)
    # A first save creates the link's and the address's rate-limit counters, as a person's first autosave
    # would: twenty first-ever POSTs at once would race to create them (and some get 429, nothing written).
    http.post(asked.url, {"nonce": nonce, "action": "save", "q-worked": "draft"})
    barrier = threading.Barrier(PARALLEL)
    statuses: list[int] = []
    lock = threading.Lock()

    def send(n: int) -> None:
        try:
            http = HttpClient()
            barrier.wait(timeout=30)
            response = http.post(asked.url, {"nonce": nonce, "action": "send", "q-worked": f"thread {n}"})
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(statuses) == PARALLEL
    assert statuses.count(200) >= 1 and set(statuses) <= {200, 404}
    assert across_orgs(SurveyResponse).count() == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_sends_from_processes_store_one(acme_exit, tmp_path):
    asked = ask(acme_exit)
    start = tmp_path / "start"
    env = app_env(tmp_path, email_url="console:")
    workers = [
        subprocess.Popen(
            [sys.executable, str(HERE / "send_answer.py"), str(asked.invitation.pk), str(start)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PARALLEL)
    ]
    start.touch()
    outputs = [worker.communicate(timeout=180) for worker in workers]
    results = [out.strip() for out, _err in outputs]
    assert all(worker.returncode == 0 for worker in workers), [err for _out, err in outputs if err][:1]
    assert sorted(results) == ["not stored"] * (PARALLEL - 1) + ["stored"]
    assert across_orgs(SurveyResponse).count() == 1
