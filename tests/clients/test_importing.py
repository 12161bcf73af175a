"""The import parser and checks (goodterms.clients.importing): bytes in, rows, problems and a preview out."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

import goodterms
from goodterms.clients import importing
from goodterms.clients.importing import Existing, ExistingClient, ImportFileError, csvfile
from goodterms.clients.models import Client, Contact

EXPORT_HEADER = (
    "Client,Company,Status,Start date,Tags,Client notes,Contact,Email,Phone,Role,Preferred channel,Primary,"
    "What we did together"
)


def preview_of(text: str, existing: Existing | None = None, *, mapping: dict[int, str] | None = None):
    """Reads `text` as an uploaded CSV would be, with the guessed mapping unless one is given."""
    uploaded = importing.read_upload("people.csv", text.encode("utf-8"))
    table = importing.parse_csv(uploaded.text, uploaded.delimiter)
    source = importing.csv_rows(table, mapping or importing.guess_mapping(table.header))
    return importing.build_preview(source, existing or Existing())


def problems_of(preview: importing.Preview) -> list[str]:
    return [str(problem) for problem in preview.problems]


# --- bytes to text ------------------------------------------------------------------------------------


def test_a_utf8_bom_is_accepted_and_removed():
    text = importing.decode_text(b"\xef\xbb\xbfClient,Email\r\nAcme,a@acme.example\r\n")
    assert text.startswith("Client,")
    assert importing.parse_csv(text, ",").header == ("Client", "Email")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_bom_are_read(codec):
    source = "Client\tContact\r\nZoë's Café\tRenée Ødegård\r\n"
    data = source.encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    uploaded = importing.read_upload("people.txt", data)
    assert uploaded.delimiter == "\t"
    assert importing.parse_csv(uploaded.text, "\t").records[0].cells == ("Zoë's Café", "Renée Ødegård")


def test_a_file_that_is_not_utf8_names_the_line_the_byte_and_the_fix():
    data = "Client,Contact\nAcme,Dana\nCafé Noir,Zoë\n".encode("cp1252")
    with pytest.raises(ImportFileError) as caught:
        importing.read_upload("people.csv", data)
    message = caught.value.message
    assert "not UTF-8" in message
    assert "line 3 has the byte 0xE9 at byte 4 of the line" in message
    assert "CSV UTF-8" in message


def test_utf16_without_a_bom_is_recognised():
    with pytest.raises(ImportFileError, match="UTF-16 text without a byte-order mark"):
        importing.decode_text("Client,Email\nAcme,a@acme.example\n".encode("utf-16-le"))


def test_a_nul_byte_is_refused_with_its_line():
    with pytest.raises(ImportFileError, match=r"Line 2 contains a NUL \(zero\) byte"):
        importing.decode_text(b"Client,Email\nAc\x00me,a@acme.example\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\r\n \n\t\n", "only blank lines"),
        (b"\xef\xbb\xbf", "only blank lines"),
        (b"PK\x03\x04\x14\x00\x06\x00binary", "Excel (.xlsx)"),
        (b"%PDF-1.7\n%\xe2\xe3", "a PDF document"),
        (bytes(range(256)) * 4, "not UTF-8"),
    ],
)
def test_empty_and_binary_files_get_a_clear_message(data, message):
    with pytest.raises(
        ImportFileError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")
    ):
        importing.read_upload("people.csv", data)


def test_a_workbook_extension_is_refused_before_reading():
    with pytest.raises(ImportFileError, match=r"“clients.xlsx” is a \.xlsx file.*CSV UTF-8"):
        importing.read_upload("clients.xlsx", b"Client\nAcme\n")


# --- delimiters and records ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("Client,Email,Phone", ","),
        ("Client;Email;Phone", ";"),
        ("Client\tEmail\tPhone", "\t"),
        ('"Client, the company";Email;"Notes, long"', ";"),  # commas inside quotes do not count
        ('"Client\nname"\t"a;b;c"\tEmail', "\t"),  # nor do quoted line breaks
        ("Client", ","),  # one column: nothing to tell, comma it is
        ("\n\nClient;Email", ";"),  # blank lines before the header
    ],
)
def test_the_delimiter_comes_from_the_header_outside_quotes(header, delimiter):
    assert importing.sniff_delimiter(header + "\r\nAcme,x;y\tz\r\n") == delimiter


def test_records_carry_the_line_where_they_start_across_quoted_newlines_and_blank_lines():
    text = (
        "Client,Contact,What we did together\r\n"  # line 1
        'Acme,Dana,"Launched\r\nthe shop\r\ntogether"\r\n'  # lines 2-4
        "\r\n"  # line 5: blank, skipped
        "Globex,Hank,Reports\r"  # line 6: a lone CR ends a line too
        'Initech,"Peter\nGibbons",\n'  # lines 7-8
        ",,\n"  # line 9: empty cells only, skipped
        "Umbrella,Alice,Done\n"  # line 10
    )
    table = importing.parse_csv(text, ",")
    assert table.header_line == 1
    assert [(r.line, r.cells[0]) for r in table.records] == [
        (2, "Acme"),
        (6, "Globex"),
        (7, "Initech"),
        (10, "Umbrella"),
    ]
    assert table.records[0].cells[2] == "Launched\r\nthe shop\r\ntogether"


def test_a_header_alone_is_refused():
    with pytest.raises(ImportFileError, match=r"header row \(line 1\) but no rows below it"):
        importing.read_upload("people.csv", b"Client,Email\r\n\r\n,\r\n")


def test_an_unclosed_quote_names_the_line_it_opens_on():
    with pytest.raises(ImportFileError, match=r'Line 3: a quote \(".*never closed; the file ends on line 5'):
        importing.parse_csv('Client,Notes\nAcme,ok\nGlobex,"never closed\nmore\nand more\n', ",")


def test_text_after_a_closing_quote_is_explained():
    with pytest.raises(
        ImportFileError, match=r'Line 2: a quoted cell must end right after its closing quote.*\(""\)'
    ):
        importing.parse_csv('Client,Notes\n"Acme" Corp,x\n', ",")


def test_more_than_the_row_limit_is_refused_by_name(monkeypatch):
    monkeypatch.setattr(csvfile, "MAX_ROWS", 5)
    text = "Client\n" + "".join(f"C{n}\n" for n in range(6))
    with pytest.raises(ImportFileError, match="more than 5 rows; goodterms imports up to 5 at a time"):
        importing.parse_csv(text, ",")
    assert len(importing.parse_csv(text, ",", limit=3).records) == 3  # the mapping page reads only the start


def test_too_many_columns_are_refused():
    header = ",".join(f"c{n}" for n in range(importing.MAX_COLUMNS + 1))
    with pytest.raises(ImportFileError, match=f"has {importing.MAX_COLUMNS + 1} columns"):
        importing.parse_csv(header + "\n" + "x\n", ",")


def test_ragged_rows_are_named_and_trailing_empty_cells_are_tolerated():
    preview = preview_of(
        "Client,Contact,Email\n"
        "Acme,Dana,dana@acme.example\n"
        "Acme,Eli\n"  # line 3: one cell short
        "Globex,Hank,hank@globex.example,,\n"  # line 4: two extra empty cells, as spreadsheets write
        "Initech,Peter,peter@initech.example,Bill Lumbergh\n"  # line 5: an extra value
        'Umbrella, "Wesker, Albert",albert@umbrella.example\n'  # line 6: a space before a quote
    )
    problems = problems_of(preview)
    assert problems[0].startswith("Line 3: This row has 2 cells but the header has 3")
    assert problems[1].startswith("Line 5: This row has 4 cells but the header has 3")
    assert "put that value in quotes" in problems[1]
    assert problems[2].startswith("Line 6: This row has 4 cells") and "remove the space" in problems[2]
    assert len(problems) == 3  # one problem per ragged row: its misaligned values are not checked one by one
    assert [row.outcome for row in preview.rows] == ["contact", "error", "contact", "error", "error"]


# --- the mapping --------------------------------------------------------------------------------------


def test_the_export_header_maps_itself_completely():
    header = EXPORT_HEADER.split(",")
    mapping = importing.guess_mapping(header)
    assert [mapping[i] for i in range(len(header))] == [
        "client_name", "company", "status", "start_date", "tags", "client_notes", "contact_name", "email",
        "phone", "role", "preferred_channel", "is_primary", "together_notes",
    ]  # fmt: skip
    assert tuple(f.header for f in importing.FIELDS if f.header) == tuple(header)


def test_the_export_module_writes_the_headers_the_importer_reads():
    from goodterms.clients import exporting

    assert ",".join(exporting.CSV_HEADER) == EXPORT_HEADER
    for value in ("+44 20 7946 0000", "=SUM(A1)", "-5", "@home", "plain", "'quoted"):
        assert importing.unneutralise(exporting.neutralise(value)) == value


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["Name", "E-mail", "Organisation", "Job title", "Notes"],
         ["contact_name", "email", "client_name", "role", "together_notes"]),
        (["Full name", "Email address", "Company name", "Title"],
         ["contact_name", "email", "client_name", "role"]),
        (["CLIENT", "organization", "e_mail", "Mobile"], ["client_name", "company", "email", "phone"]),
        (["First Name", "Last Name", "Company", "Organization"],
         ["first_name", "last_name", "client_name", "company"]),
        (["Client", "Email", "Email", "Favourite colour"],  # each field once
         ["client_name", "email", "", ""]),
    ],
)  # fmt: skip
def test_common_headers_are_guessed_case_insensitively(header, expected):
    mapping = importing.guess_mapping(header)
    assert [mapping[i] for i in range(len(header))] == expected


def test_a_mapping_needs_a_client_column_and_each_field_once():
    header = ["Name", "Mail", "Other mail"]
    errors = importing.check_mapping({0: "contact_name", 1: "email", 2: "email"}, header)
    assert (
        "Email is chosen for column 2 “Mail” and column 3 “Other mail”: choose it for one column only."
        in errors
    )
    assert any("the client name" in error for error in errors)
    assert importing.check_mapping({0: "client_name", 1: "email"}, header) == []
    stored = importing.mapping_to_json({0: "client_name", 2: "email"})
    assert stored == {"0": "client_name", "2": "email"}
    assert importing.mapping_from_json(stored) == {0: "client_name", 2: "email"}
    assert importing.mapping_from_json("junk") == {}


def test_the_client_name_help_states_the_model_limit():
    limit = Client._meta.get_field("name").max_length
    assert limit == importing.fields.CLIENT_NAME_MAX_LENGTH
    (client_name,) = (f for f in importing.FIELDS if f.key == "client_name")
    assert f"Up to {limit} characters." in client_name.help


def test_first_and_last_name_columns_make_the_contact_name():
    preview = preview_of(
        "Company,First name,Last name,Email\nAcme,Dana,Diaz,dana@acme.example\nAcme,,Evans,\n"
    )
    assert [row.contact.name for row in preview.to_write if row.contact] == ["Dana Diaz", "Evans"]


# --- the same checks as the forms -----------------------------------------------------------------------


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
    assert preview.rows[2].outcome == "client-only"


# --- duplicates and existing data --------------------------------------------------------------------


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
        (2, "existing", "DANA@acme.example is already in goodterms, at Acme Corp."),
        (3, "contact", ""),
        (4, "repeated", "Same email as line 3; only that row is imported."),
        (5, "existing", "Eli Evans is already a contact at Acme Corp (no email to compare)."),
        (6, "contact", ""),
        (7, "repeated", "Same name and client as line 6, and no email; only that row is imported."),
    ]
    stats = preview.stats()
    assert (stats["contacts"], stats["skipped_existing"], stats["skipped_repeated"]) == (2, 2, 2)
    assert preview.can_commit  # duplicates are skipped, not errors


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
        importing.summary_message(preview.stats(), done=False)
        == "Importing adds 2 new clients with no contacts."
    )


def test_the_summary_message():
    stats = {"contacts": 12, "clients": 4, "new_clients": 0, "skipped_existing": 2}
    assert (
        importing.summary_message(stats)
        == "Imported 12 contacts at 4 clients; skipped 2 already in goodterms."
    )
    stats = {"contacts": 1, "clients": 1, "new_clients": 2, "new_clients_without_contacts": 1,
             "skipped_existing": 1, "skipped_repeated": 3}  # fmt: skip
    assert importing.summary_message(stats) == (
        "Imported 1 contact at 1 client (1 new) and 1 new client with no contacts; "
        "skipped 1 already in goodterms and 3 repeated in the file."
    )
    assert importing.summary_message({"skipped_existing": 5}, done=False) == (
        "Importing adds nothing; it skips 5 already in goodterms."
    )


def test_the_example_file_on_the_upload_page_imports_without_a_problem():
    path = Path(goodterms.__file__).parent / "static" / "examples" / "import-example.csv"
    preview = preview_of(path.read_text(encoding="utf-8"))
    assert preview.problems == ()
    assert [client.name for client in preview.new_clients] == ["Acme Corp", "Globex", "Initech"]
    assert len(preview.to_write) == 3


def test_an_export_with_formula_guards_reimports_the_original_values():
    preview = preview_of(
        f"{EXPORT_HEADER}\nAcme,,active,,,,Dana,dana@acme.example,'+44 20 7946 0000,'=CTO,,no,\n"
    )
    contact = preview.to_write[0].contact
    assert contact is not None
    assert (contact.phone, contact.role) == ("+44 20 7946 0000", "=CTO")


# --- vCard --------------------------------------------------------------------------------------------

VCARD_30 = (
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "N:Diaz;Dana;;;\r\n"
    "FN:Dana Diaz\r\n"
    "ORG:Acme Corp;Engineering\r\n"
    "TITLE:CTO\r\n"
    "EMAIL;TYPE=INTERNET,WORK:dana@acme.example\r\n"
    "EMAIL;TYPE=INTERNET,HOME:dana@home.example\r\n"
    "TEL;TYPE=WORK:+44 20 7946 0000\r\n"
    "NOTE:Relaunched the shop together\\, in 2023.\\nStill friends.\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "N:Evans;Eli;;;\r\n"  # no FN: the name comes from N
    "ORG:Acme Corp\r\n"
    "ROLE:Product\r\n"
    "  manager\r\n"  # a folded line
    "END:VCARD\r\n"
)
VCARD_40 = (
    "BEGIN:VCARD\n"
    "VERSION:4.0\n"
    "FN:Hank Hill\n"
    "ORG:Globex\n"
    "EMAIL;TYPE=work;PREF=1:hank@globex.example\n"
    'TEL;VALUE=uri;TYPE="voice,work":tel:+1-555-555-0100\n'
    "END:VCARD\n"
)


def test_vcard_30_cards_become_rows():
    uploaded = importing.read_upload("contacts.vcf", VCARD_30.encode())
    assert (uploaded.format, uploaded.rows) == ("vcard", 2)
    source = importing.vcard_rows(uploaded.text)
    dana, eli = source.rows
    assert (dana.line, eli.line) == (1, 12)
    assert dana.values["client_name"] == "Acme Corp"  # the first ORG component
    assert dana.values["email"] == "dana@acme.example"
    assert dana.values["phone"] == "+44 20 7946 0000"
    assert dana.values["role"] == "CTO"
    assert dana.values["together_notes"] == "Relaunched the shop together, in 2023.\nStill friends."
    assert (
        str(dana.notes[0])
        == "Line 1, Email: The card has 2 email addresses; the first, dana@acme.example, is imported."
    )
    assert (eli.values["contact_name"], eli.values["role"]) == ("Eli Evans", "Product manager")
    preview = importing.build_preview(source, Existing())
    assert preview.problems == () and len(preview.to_write) == 2


def test_vcard_40_cards_become_rows():
    source = importing.vcard_rows(VCARD_40)
    (hank,) = source.rows
    assert hank.values == {
        "client_name": "Globex", "contact_name": "Hank Hill", "role": "", "together_notes": "",
        "email": "hank@globex.example", "phone": "+1-555-555-0100",
    }  # fmt: skip


def test_a_card_without_organization_needs_a_client():
    card = "BEGIN:VCARD\nVERSION:3.0\nFN:Pat Lee\nEMAIL:pat@example.com\nEND:VCARD\n"
    preview = importing.build_preview(importing.vcard_rows(VCARD_40 + card), Existing())
    assert [str(problem) for problem in preview.problems] == [
        "Line 8, Client name (from “ORG”): No organization (ORG): "
        "goodterms needs the client this person works "
        "at. Fill in “Client for cards without an organization”, or add the organization to the card."
    ]
    preview = importing.build_preview(
        importing.vcard_rows(card, default_client="Friends & referrals"), Existing()
    )
    assert preview.problems == ()
    assert preview.new_clients[0].name == "Friends & referrals"


def test_a_company_card_becomes_a_client_only():
    card = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:Initech\nORG:Initech\nX-ABShowAs:COMPANY\n"
        "EMAIL:info@initech.example\nEND:VCARD\n"
    )
    preview = importing.build_preview(importing.vcard_rows(card), Existing())
    assert preview.rows[0].outcome == "client-only"
    assert "a company card" in str(preview.warnings[0]).lower()


def test_a_malformed_card_line_is_named_and_blocks_the_import():
    broken = VCARD_40 + "BEGIN:VCARD\nVERSION:3.0\nFN:Pat Lee\nthis is not a property\nORG:Acme\nEND:VCARD\n"
    preview = importing.build_preview(importing.vcard_rows(broken), Existing())
    assert [str(p) for p in preview.problems] == [
        "Line 11: “this is not a property” is not a vCard property line (NAME:value); "
        "the card cannot be read."
    ]
    assert not preview.can_commit


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("BEGIN:VCARD\nVERSION:3.0\nFN:Dana\n", "The vCard that starts on line 1 is never closed"),
        ("BEGIN:VCARD\nFN:Dana\nBEGIN:VCARD\nFN:Eli\nEND:VCARD\n",
         "Line 3 starts a new vCard, but the card that starts on line 1"),
        ("BEGIN:VCARD\nFN:Dana\nEND:VCARD\nFN:stray\n", "Line 4 is outside any vCard: “FN:stray”"),
        ("FN:Dana\n", "Line 1 is outside any vCard"),
    ],
)  # fmt: skip
def test_a_broken_vcard_file_is_refused_with_the_line(text, message):
    with pytest.raises(ImportFileError, match=message):
        importing.read_upload("contacts.vcf", text.encode())


def test_a_vcf_extension_without_cards_says_so():
    with pytest.raises(ImportFileError, match="Line 1 is outside any vCard"):
        importing.read_upload("contacts.vcf", b"Client,Email\nAcme,a@acme.example\n")


# --- size -------------------------------------------------------------------------------------------------


def test_fifty_thousand_rows_parse_and_preview():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADER.split(","))
    for n in range(importing.MAX_ROWS):
        notes = f"Project {n}\nwith two lines" if n % 10 == 0 else ""
        writer.writerow([f"Client {n // 5}", "", "active", "2024-01-31", "bulk", "", f"Person {n}",
                         f"person{n}@example.com", "+1 555 0100", "", "email", "no", notes])  # fmt: skip
    data = ("\ufeff" + out.getvalue()).encode("utf-8")
    uploaded = importing.read_upload("big.csv", data)
    assert uploaded.rows == importing.MAX_ROWS
    existing = Existing(emails={"person7@example.com": "Client 1"})
    source = importing.read_source(
        file_format="csv", text=uploaded.text, delimiter=uploaded.delimiter,
        mapping=importing.guess_mapping(uploaded.header),
    )  # fmt: skip
    preview = importing.build_preview(source, existing)
    assert preview.problems == ()
    stats = preview.stats()
    assert (stats["rows"], stats["contacts"], stats["skipped_existing"]) == (50_000, 49_999, 1)
    assert stats["new_clients"] == 10_000
    assert preview.rows[-1].line == 1 + 50_000 + 5_000  # every tenth row has a quoted line break
    assert len(preview.sample) == importing.SAMPLE_ROWS
