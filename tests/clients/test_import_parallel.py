"""Committing one import twice at the same moment writes it once, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from goodterms.clients import services
from goodterms.clients.models import Client, Contact, ImportBatch

CSV = "Client,Name,Email\n" + "".join(
    f"Parallel {n // 3},Person {n},p{n}@parallel.example\n" for n in range(30)
)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("attempts", "uploads"), [(2, 1), (4, 1), (2, 2)])
def test_parallel_commits_of_one_import_write_it_once(alice, attempts, uploads):
    """One batch committed from several tabs at once; or the same file uploaded twice, both committed."""
    batches = [
        services.import_upload(org=alice.organization, user=alice, filename="people.csv", data=CSV.encode())
        for _ in range(uploads)
    ]
    barrier = threading.Barrier(attempts)
    outcomes: list[str] = []
    lock = threading.Lock()

    def commit(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            fresh = ImportBatch.objects.get(
                pk=batches[n % uploads].pk
            )  # each request loads its own copy, as a view does
            try:
                services.import_commit(batch=fresh, user=alice)
                outcome = "written"
            except services.ImportNotPossible as refused:
                outcome = (
                    "already"
                    if refused.already_committed or "already in goodterms" in refused.message
                    else refused.message
                )
            with lock:
                outcomes.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=commit, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == ["already"] * (attempts - 1) + ["written"]
    assert Client.objects.filter(organization=alice.organization, name__startswith="Parallel").count() == 10
    assert (
        Contact.objects.filter(organization=alice.organization, email__endswith="@parallel.example").count()
        == 30
    )
