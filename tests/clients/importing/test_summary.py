"""What an import did or will do, in words (goodterms.clients.importing.summary)."""

from __future__ import annotations

from goodterms.clients.importing import summary
from goodterms.clients.importing.rows import Problem


def test_the_summary_message():
    stats = {"contacts": 12, "clients": 4, "new_clients": 0, "skipped_existing": 2}
    assert (
        summary.summary_message(stats) == "Imported 12 contacts at 4 clients; skipped 2 already in goodterms."
    )
    stats = {"contacts": 1, "clients": 1, "new_clients": 2, "new_clients_without_contacts": 1,
             "skipped_existing": 1, "skipped_repeated": 3}  # fmt: skip
    assert summary.summary_message(stats) == (
        "Imported 1 contact at 1 client (1 new) and 1 new client with no contacts; "
        "skipped 1 already in goodterms and 3 repeated in the file."
    )
    assert summary.summary_message({"skipped_existing": 5}, done=False) == (
        "Importing adds nothing; it skips 5 already in goodterms."
    )


def test_problems_are_counted_by_field_most_first_and_the_whole_row_is_named():
    problems = [
        Problem(2, "Email", "Mail", "Not a valid email address"),
        Problem(3, "", "", "This row has 2 cells but the header has 3"),
        Problem(4, "Email", "Mail", "Not a valid email address"),
        Problem(5, "Client name", "Client", "The client name is empty"),
        Problem(6, "Email", "E-mail", "Not a valid email address"),  # the same words: no "(from …)"
    ]
    assert summary.problems_by_field(problems) == [
        ("Email (from “Mail”)", 2),
        ("Client name (from “Client”)", 1),
        ("Email", 1),
        ("Whole row", 1),
    ]
    assert summary.problems_by_field([]) == []
