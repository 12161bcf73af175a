"""SQLite is configured for a multi-process server: WAL, durable commits, foreign keys, queued writers."""

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from goodterms.accounts.models import Organization
from goodterms.clients.models import Client

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite settings")


def test_the_test_database_is_a_file_not_memory(db):
    name = connection.settings_dict["NAME"]
    assert name and ":memory:" not in str(name) and "mode=memory" not in str(name)


def test_pragmas(db):
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert connection.settings_dict["OPTIONS"]["timeout"] >= 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_read_then_write_transactions_queue_instead_of_failing():
    """With SQLite's default (deferred) transactions, two that read then write deadlock and one fails at
    once with "database is locked"; IMMEDIATE makes the second wait for the first."""
    org = Organization.objects.create(name="Concurrent")
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(15):
                with transaction.atomic():
                    count = Client.objects.filter(organization=org).count()  # read first…
                    Client.objects.create(organization=org, name=f"w{n}-{i}-{count}")  # …then write
        except BaseException as error:
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert Client.objects.filter(organization=org).count() == 60
