"""Every row checked before anything is written (goodterms.clients.importing.preview)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import goodterms
from goodterms.clients.importing import csvfile, fields, rows, summary, upload
from goodterms.clients.importing.preview import SAMPLE_ROWS, Existing, ExistingClient, Outcome, build_preview
from goodterms.clients.models import Client, Contact
from tests.clients.importing.helpers import (
    DELIMITERS,
    EXPORT_HEADER,
    preview_of,
    problems_of,
    tables,
    write,
)


def test_line_breaks_in_a_name_or_email_name_the_row_and_the_field():
    preview = preview_of(
        "Client,Contact,Email\n"
        'Acme,"Mallory\nBcc: everyone@example.com",mallory@example.com\n'  # starts on line 2
        'Acme,Eve,"eve@example.com\r\nBcc: all@example.com"\n'  # starts on line 4
        '"Acme\rCorp",Trent,\n'  # line 6
    )
    assert problems_of(preview) == [
        "Line 2, Contact name (from “Contact”): Contains a line feed (LF); this field must be a single line.",
        "Line 4, Email: Contains a carriage return (CR); this field must be a single line.",
        "Line 6, Client name (from “Client”): Contains a carriage return (CR); "
        "this field must be a single line.",
    ]
    assert not preview.can_commit


def test_over_long_values_name_the_limit_taken_from_the_model():
    limit = Contact._meta.get_field("name").max_length or 0
    client_limit = Client._meta.get_field("name").max_length or 0
    preview = preview_of(f"Client,Contact,Phone\n{'C' * (client_limit + 1)},{'D' * (limit + 5)},{'9' * 51}\n")
    problems = problems_of(preview)
    assert f"at most {client_limit} characters (it has {client_limit + 1})" in problems[0]
    assert f"at most {limit} characters (it has {limit + 5})" in problems[1]
    assert "Phone" in problems[2] and "at most 50 characters" in problems[2]


def test_values_are_normalised_like_the_forms_do():
    preview = preview_of(
        "Client,Status,Start date,Tags,Contact,Email,Preferred channel,Primary\n"
        '  Acme Corp ,ENDING,2024-02-29,"Retainer; design, retainer",Dana,Dana@ACME.Example,In person,X\n'
    )
    assert preview.problems == ()
    (client,) = preview.new_clients
    assert (client.name, client.status, client.start_date, client.tags) == (
        "Acme Corp", "ending", date(2024, 2, 29), "design, retainer",
    )  # fmt: skip
    contact = preview.to_write[0].contact
    assert contact is not None
    assert (contact.email, contact.preferred_channel, contact.is_primary) == (
        "Dana@acme.example",
        "in_person",
        True,
    )


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("Status", "paused", "“paused” is not a status; use one of Active, Ending, Ended, Alumni."),
        (
            "Start date",
            "01/03/2024",
            "“01/03/2024” is not a date in the form YYYY-MM-DD (for example 2024-03-01).",
        ),
        ("Start date", "2023-02-29", "2023-02-29 is not a date in the calendar."),
        ("Preferred channel", "carrier pigeon", "is not a channel; use one of Email, Phone, In person."),
        ("Primary", "maybe", "“maybe” is not yes or no"),
        ("Email", "dana at acme", "Not a valid email address"),
    ],
)
def test_unreadable_values_say_what_is_accepted(column, value, message):
    preview = preview_of(f"Client,Contact,{column}\nAcme,Dana,{value}\n")
    assert len(preview.problems) == 1
    assert preview.problems[0].line == 2
    assert message in preview.problems[0].message


def test_a_row_needs_a_client_and_a_contact_needs_a_name():
    preview = preview_of("Client,Contact,Email\n,Dana,dana@acme.example\nAcme,,eli@acme.example\nInitech,,\n")
    assert problems_of(preview) == [
        "Line 2, Client name (from “Client”): The client name is empty; "
        "every row needs the client it belongs to.",
        "Line 3, Contact name (from “Contact”): The contact name is empty, "
        "but the row has details of a contact; "
        "add the person's name.",
    ]
    assert preview.rows[2].outcome == Outcome.CLIENT_ONLY


def test_duplicates_by_email_within_the_file_and_against_the_organization():
    existing = Existing(
        clients={"acme corp": ExistingClient(pk=7, name="Acme Corp", archived=False)},
        emails={"dana@acme.example": "Acme Corp"},
        contact_names=frozenset({(7, "eli evans")}),
    )
    preview = preview_of(
        "Client,Contact,Email\n"
        "Globex,Dana D.,DANA@acme.example\n"  # already in goodterms, at another client
        "Globex,Hank,hank@globex.example\n"
        "Globex,Hank Hill,Hank@Globex.example\n"  # repeated in the file
        "acme corp,Eli Evans,\n"  # same name, no email, at the existing client
        "Initech,Peter,\n"
        "Initech,peter,\n",  # same name, no email, repeated
        existing,
    )
    outcomes = [(row.line, row.outcome, row.detail) for row in preview.rows]
    assert outcomes == [
        (2, Outcome.EXISTING, "DANA@acme.example is already in goodterms, at Acme Corp."),
        (3, Outcome.CONTACT, ""),
        (
            4,
            Outcome.REPEATED,
            "Repeated on line 3 of this file (same email, Hank@globex.example); only that row is imported.",
        ),
        (5, Outcome.EXISTING, "Eli Evans is already a contact at Acme Corp (no email to compare)."),
        (6, Outcome.CONTACT, ""),
        (
            7,
            Outcome.REPEATED,
            "Repeated on line 6 of this file (same name and client, no email); only that row is imported.",
        ),
    ]
    stats = preview.stats()
    assert (stats["contacts"], stats["skipped_existing"], stats["skipped_repeated"]) == (2, 2, 2)
    assert preview.can_commit  # duplicates are skipped, not errors


def test_each_row_has_one_of_the_outcomes_and_says_what_a_commit_does_with_it():
    preview = preview_of(
        "Client,Contact,Email\n"
        "Acme,Dana,dana@acme.example\n"
        "Globex,Hank,hank@globex.example\n"
        "Globex,Hank Hill,hank@globex.example\n"
        "Initech,,\n"
        ",Pat,\n",
        Existing(emails={"dana@acme.example": "Acme Corp"}),
    )
    assert {row.outcome for row in preview.rows} == set(Outcome)  # each outcome once
    assert [row.outcome for row in preview.rows] == [
        Outcome.EXISTING, Outcome.CONTACT, Outcome.REPEATED, Outcome.CLIENT_ONLY, Outcome.ERROR,
    ]  # fmt: skip
    assert all(type(row.outcome) is Outcome for row in preview.rows)  # never a bare string
    assert [row.skipped for row in preview.rows] == [True, False, True, False, False]
    assert [preview.describe(row) for row in preview.rows] == [
        "Skipped: dana@acme.example is already in goodterms, at Acme Corp.",
        "New contact at a new client",
        "Skipped: Repeated on line 3 of this file (same email, hank@globex.example); "
        "only that row is imported.",
        "New client, no contact",
        "Not imported: see the problems above",
    ]
    assert preview.to_write == (preview.rows[1],)
    assert (preview.stats()["skipped_existing"], preview.stats()["skipped_repeated"]) == (1, 1)


def test_clients_match_existing_ones_by_name_in_any_case_and_new_ones_take_the_first_values():
    existing = Existing(
        clients={"acme corp": ExistingClient(pk=7, name="Acme Corp", archived=True)},
        shared_names=frozenset({"acme corp"}),
    )
    preview = preview_of(
        "Client,Status,Tags,Contact,Email\n"
        "ACME CORP,ended,,Dana,dana@acme.example\n"
        "Globex,,,Hank,hank@globex.example\n"
        "globex,ending,legacy,Iris,iris@globex.example\n"
        "Globex,ended,legacy,Jo,jo@globex.example\n",
        existing,
    )
    assert list(preview.existing_clients) == ["acme corp"]
    (globex,) = preview.new_clients
    assert (globex.name, globex.status, globex.tags, globex.line) == ("Globex", "ending", "legacy", 3)
    warnings = [str(warning) for warning in preview.warnings]
    assert "Acme Corp is archived" in warnings[0]
    assert "More than one client is named Acme Corp" in warnings[1]
    assert (
        warnings[2]
        == "Line 5, Status: Line 4 already gave Globex the status “ending”; this row's “ended” is not used."
    )
    assert preview.stats()["clients"] == 2 and preview.stats()["existing_clients"] == 1


def test_one_primary_contact_per_client_the_last_one_wins():
    preview = preview_of("Client,Contact,Primary\nAcme,Dana,yes\nAcme,Eli,no\nAcme,Fay,1\nGlobex,Hank,true\n")
    assert preview.primary_lines == {4, 5}
    assert "Lines 2 and 4 each mark a primary contact at Acme" in str(preview.warnings[0])


def test_a_file_of_clients_only_can_be_committed():
    preview = preview_of("Client,Status\nAcme,active\nGlobex,alumni\n")
    assert preview.can_commit
    assert [client.status for client in preview.new_clients] == ["active", "alumni"]
    assert (
        summary.summary_message(preview.stats(), done=False)
        == "Importing adds 2 new clients with no contacts."
    )


def test_the_example_file_on_the_upload_page_imports_without_a_problem():
    path = Path(goodterms.__file__).parent / "static" / "examples" / "import-example.csv"
    preview = preview_of(path.read_text(encoding="utf-8"))
    assert preview.problems == ()
    assert [client.name for client in preview.new_clients] == ["Acme Corp", "Globex", "Initech"]
    assert len(preview.to_write) == 3


@pytest.mark.slow
def test_fifty_thousand_rows_parse_and_preview():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADER.split(","))
    for n in range(rows.MAX_ROWS):
        notes = f"Project {n}\nwith two lines" if n % 10 == 0 else ""
        writer.writerow([f"Client {n // 5}", "", "active", "2024-01-31", "bulk", "", f"Person {n}",
                         f"person{n}@example.com", "+1 555 0100", "", "", "", "email", "no", notes,
                         ""])  # fmt: skip
    data = ("\ufeff" + out.getvalue()).encode("utf-8")
    uploaded = upload.read_upload("big.csv", data)
    assert uploaded.rows == rows.MAX_ROWS
    existing = Existing(emails={"person7@example.com": "Client 1"})
    source = upload.read_source(
        file_format="csv", text=uploaded.text, delimiter=uploaded.delimiter,
        mapping=fields.guess_mapping(uploaded.header),
    )  # fmt: skip
    preview = build_preview(source, existing)
    assert preview.problems == ()
    stats = preview.stats()
    assert (stats["rows"], stats["contacts"], stats["skipped_existing"]) == (50_000, 49_999, 1)
    assert stats["new_clients"] == 10_000
    assert preview.rows[-1].line == 1 + 50_000 + 5_000  # every tenth row has a quoted line break
    assert len(preview.sample) == SAMPLE_ROWS


@given(table=tables(), delimiter=DELIMITERS, mapped=st.lists(st.sampled_from([f.key for f in fields.FIELDS])))
def test_every_problem_names_a_row_of_the_file_and_blocks_only_that_row(table, delimiter, mapped):
    header, rows = table
    text, lines = write(header, rows, delimiter)
    mapping = dict(enumerate(dict.fromkeys(mapped)))  # each field once, in some column
    source = csvfile.csv_rows(csvfile.parse_csv(text, delimiter), mapping)
    preview = build_preview(source, Existing())
    assert {problem.line for problem in preview.problems} <= set(lines)
    assert [row.line for row in preview.rows] == lines
    assert {row.line for row in preview.rows if row.outcome == Outcome.ERROR} == {
        p.line for p in preview.problems
    }
    written = [row for row in preview.to_write if row.contact is not None]
    assert all(row.client_name and row.contact.name for row in written)  # type: ignore[union-attr]
