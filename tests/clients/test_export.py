"""CSV and vCard export: the list's filters, formula cells, encodings, vCard round trips, isolation."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
from typing import Any

import pytest
import vobject
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from goodterms.accounts.models import Organization
from goodterms.clients import exporting, selectors
from goodterms.clients.models import Client, Contact

HEADER = [
    "Client",
    "Company",
    "Status",
    "Start date",
    "Tags",
    "Client notes",
    "Contact",
    "Email",
    "Phone",
    "Other email addresses",
    "Other phone numbers",
    "Role",
    "Preferred channel",
    "Primary",
    "What we did together",
    "Private notes",
]
CSV_URL = "/clients/export.csv"
VCF_URL = "/clients/export.vcf"


def _body(response: Any) -> bytes:
    assert response.status_code == 200
    assert response.streaming, "the export streams"
    return b"".join(response.streaming_content)


def _csv(response: Any) -> list[list[str]]:
    """The CSV rows after the header (which is checked on every call)."""
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = _body(response)
    assert body.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[0] == HEADER
    return rows[1:]


def _cards(response: Any) -> list[Any]:
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    return list(vobject.readComponents(_body(response).decode("utf-8")))


def _client_names(rows: list[list[str]]) -> list[str]:
    return [row[0] for row in rows]


def test_csv_has_the_header_and_one_row_per_contact(web_alice, acme):
    acme.status = Client.Status.ENDING
    acme.start_date = datetime.date(2024, 3, 1)
    acme.tags = "design, retainer"
    acme.notes = "Monthly retainer.\nPaid on time."
    acme.save()
    Contact.objects.filter(name="Dana Diaz").update(together_notes="Relaunched the shop together.")
    day_before = timezone.localdate()
    response = web_alice.get(CSV_URL)
    rows = _csv(response)
    client_part = [
        "Acme Corp",
        "Acme Corporation",
        "ending",
        "2024-03-01",
        "design, retainer",
        "Monthly retainer.\nPaid on time.",
    ]
    assert rows == [
        [
            *client_part,
            "Dana Diaz",
            "dana@acme.example",
            "",
            "",
            "",
            "CTO",
            "email",
            "yes",
            "Relaunched the shop together.",
            "",
        ],
        # A phone number of digits, spaces and + - ( ) . is written as typed, though it starts with "+".
        [
            *client_part,
            "Eli Evans",
            "eli@acme.example",
            "+44 20 7946 0000",
            "",
            "",
            "",
            "phone",
            "no",
            "",
            "",
        ],
    ]
    days = {day.isoformat() for day in (day_before, timezone.localdate())}
    disposition = response["Content-Disposition"]
    match = re.fullmatch(r'attachment; filename="goodterms-clients-(\d{4}-\d{2}-\d{2})\.csv"', disposition)
    assert match and match.group(1) in days, disposition
    assert "no-store" in response["Cache-Control"]


def test_csv_file_is_utf8_with_a_bom_and_crlf_line_ends(web_alice, org_a):
    cafe = Client.objects.create(organization=org_a, name="Café Zoë", company='Łódź, "quoted" & co')
    Contact.objects.create(
        organization=org_a, client=cafe, name="Zoë O'Brien-Łukasz", email="zoe@cafe.example"
    )
    body = _body(web_alice.get(CSV_URL))
    assert body.startswith(b"\xef\xbb\xbfClient,Company,Status,Start date,Tags,Client notes,Contact,")
    assert body.count(codecs.BOM_UTF8) == 1
    lines = body.split(b"\r\n")
    assert len(lines) == 3 and lines[-1] == b"", "two records, each ended by CRLF"
    assert lines[1].startswith('Café Zoë,"Łódź, ""quoted"" & co",active,'.encode())
    assert "Zoë O'Brien-Łukasz".encode() in lines[1]


def test_a_client_without_contacts_gets_one_row_and_no_card(web_alice, acme, org_a):
    Client.objects.create(organization=org_a, name="Zeta Lonely", company="Zeta", tags="solo")
    rows = _csv(web_alice.get(CSV_URL))
    assert rows[-1] == ["Zeta Lonely", "Zeta", "active", "", "solo", *[""] * 11]
    assert _client_names(rows) == ["Acme Corp", "Acme Corp", "Zeta Lonely"]
    cards = _cards(web_alice.get(VCF_URL))
    assert [card.org.value for card in cards] == [["Acme Corp"], ["Acme Corp"]]


@pytest.fixture
def three_clients(org_a: Organization, acme: Client) -> None:
    globex = Client.objects.create(
        organization=org_a, name="Globex", status=Client.Status.ENDED, tags="design"
    )
    Contact.objects.create(organization=org_a, client=globex, name="Hank Hill", email="hank@globex.example")
    initech = Client.objects.create(organization=org_a, name="Initech", archived_at=timezone.now())
    Contact.objects.create(
        organization=org_a, client=initech, name="Peter Gibbons", email="peter@initech.example"
    )


@pytest.mark.usefixtures("three_clients")
@pytest.mark.parametrize(
    ("query", "clients", "people"),
    [
        ("", ["Acme Corp", "Acme Corp", "Globex"], ["Dana Diaz", "Eli Evans", "Hank Hill"]),
        ("?status=ended", ["Globex"], ["Hank Hill"]),
        ("?q=hank%40globex", ["Globex"], ["Hank Hill"]),  # a contact's email finds its client, as in the list
        ("?q=acme&status=active", ["Acme Corp", "Acme Corp"], ["Dana Diaz", "Eli Evans"]),
        ("?tag=design", ["Globex"], ["Hank Hill"]),
        ("?archived=1", ["Initech"], ["Peter Gibbons"]),
        ("?archived=1&status=ended", [], []),
        ("?status=nonsense", ["Acme Corp", "Acme Corp", "Globex"], ["Dana Diaz", "Eli Evans", "Hank Hill"]),
    ],
)
def test_the_export_honours_the_list_filters(web_alice, query, clients, people):
    assert _client_names(_csv(web_alice.get(CSV_URL + query))) == clients
    assert [card.fn.value for card in _cards(web_alice.get(VCF_URL + query))] == people


def test_the_list_page_links_to_an_export_of_what_it_shows(web_alice, three_clients):
    page = web_alice.get("/clients/?status=ended&q=glo").content.decode()
    link = re.search(r'href="(/clients/export\.csv\?[^"]*)"', page)
    assert link, "the list links to the CSV export"
    assert _client_names(_csv(web_alice.get(link.group(1).replace("&amp;", "&")))) == ["Globex"]


def test_the_export_has_every_page_not_just_one(web_alice, org_a):
    count = selectors.PAGE_SIZE + 7
    Client.objects.bulk_create(Client(organization=org_a, name=f"Client {n:03}") for n in range(count))
    names = _client_names(_csv(web_alice.get(CSV_URL)))
    assert names == [f"Client {n:03}" for n in range(count)]


def test_formula_cells_are_neutralised(web_alice, org_a):
    sheet = Client.objects.create(organization=org_a, name="=SUM(A1)", company="+1", notes="-2", tags="a=b")
    Contact.objects.create(
        organization=org_a,
        client=sheet,
        name="@x",
        role="\tx",
        together_notes="\rx",
        phone="020 7946 0000",
        email="plain@sheet.example",
    )
    [row] = _csv(web_alice.get(CSV_URL))
    assert row == [
        "'=SUM(A1)",
        "'+1",
        "active",
        "",
        "a=b",
        "'-2",
        "'@x",
        "plain@sheet.example",
        "020 7946 0000",
        "",
        "",
        "'\tx",
        "email",
        "no",
        "'\rx",
        "",
    ]


def test_vcard_parses_back_with_every_field(web_alice, acme):
    Contact.objects.filter(name="Dana Diaz").update(private_notes="Shipped v2.\r\nThen the API, together.")
    response = web_alice.get(VCF_URL)
    assert re.fullmatch(
        r'attachment; filename="goodterms-clients-\d{4}-\d{2}-\d{2}\.vcf"', response["Content-Disposition"]
    )
    dana, eli = _cards(response)
    assert dana.version.value == "3.0"
    assert dana.fn.value == "Dana Diaz"
    assert (dana.n.value.given, dana.n.value.family) == ("Dana", "Diaz")
    assert dana.email.value == "dana@acme.example"
    assert dana.org.value == ["Acme Corp"]
    assert dana.title.value == "CTO"
    assert dana.note.value == "Shipped v2.\nThen the API, together."
    assert not hasattr(dana, "tel")
    assert eli.fn.value == "Eli Evans"
    assert eli.tel.value == "+44 20 7946 0000", "vCard is not a spreadsheet: no formula quote here"
    assert eli.email.value == "eli@acme.example"
    assert not hasattr(eli, "title") and not hasattr(eli, "note")


def test_names_with_commas_semicolons_and_accents_survive(web_alice, org_a):
    odd = Client.objects.create(organization=org_a, name="Łódź; Sons, Ltd", company="Łódź; Sons, Ltd")
    Contact.objects.create(
        organization=org_a,
        client=odd,
        name="Zoë O'Brien-Łukasz",
        role="Head; of, Things",
        email="zoe@lodz.example",
        private_notes="Ćwiczenia; a, b \\ c",
    )
    Contact.objects.create(organization=org_a, client=odd, name="Smith, Jr.", email="smith@lodz.example")
    rows = _csv(web_alice.get(CSV_URL))
    assert [(row[0], row[1], row[6], row[11], row[15]) for row in rows] == [
        ("Łódź; Sons, Ltd", "Łódź; Sons, Ltd", "Smith, Jr.", "", ""),
        (
            "Łódź; Sons, Ltd",
            "Łódź; Sons, Ltd",
            "Zoë O'Brien-Łukasz",
            "Head; of, Things",
            "Ćwiczenia; a, b \\ c",
        ),
    ]
    smith, zoe = _cards(web_alice.get(VCF_URL))
    assert smith.fn.value == "Smith, Jr."
    assert (smith.n.value.family, smith.n.value.given, smith.n.value.suffix) == ("Smith", "", "Jr.")
    assert zoe.fn.value == "Zoë O'Brien-Łukasz"
    assert (zoe.n.value.given, zoe.n.value.family) == ("Zoë", "O'Brien-Łukasz")
    assert zoe.org.value == ["Łódź; Sons, Ltd"]
    assert zoe.title.value == "Head; of, Things"
    assert zoe.note.value == "Ćwiczenia; a, b \\ c"


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Dana Diaz", ("Dana", "", "Diaz", "", "")),
        ("Cher", ("Cher", "", "", "", "")),
        ("Mary Ann Smith", ("Mary", "Ann", "Smith", "", "")),
        ("Ludwig van Beethoven", ("Ludwig", "", "van Beethoven", "", "")),
        ("Maria de la Cruz", ("Maria", "", "de la Cruz", "", "")),
        ("Smith, Jr.", ("", "", "Smith", "", "Jr.")),
        ("John Smith, Jr.", ("John", "", "Smith", "", "Jr.")),
        ("Dr. Ada King PhD", ("Ada", "", "King", "Dr.", "PhD")),
        ("Diaz, Dana", ("Dana", "", "Diaz", "", "")),
        ("Dana Diaz, CTO", ("Dana", "", "Diaz", "", "")),
        ("  Zoë   O'Brien-Łukasz ", ("Zoë", "", "O'Brien-Łukasz", "", "")),
    ],
)
def test_split_name(name, parts):
    n = exporting.split_name(name)
    assert (n.given, n.additional, n.family, n.prefix, n.suffix) == parts


def test_csv_chunks_streams_in_pieces_that_join_to_one_file():
    rows = [("Acme", None, True, datetime.date(2024, 1, 2)), ("Globex", "x", False, None)] * 3
    chunks = list(exporting.csv_chunks(rows, rows_per_chunk=2))
    assert len(chunks) == 4  # header + 1 row, 2 rows, 2 rows, 1 row
    parsed = list(csv.reader(io.StringIO("".join(chunks).removeprefix(exporting.BOM), newline="")))
    assert parsed[0] == list(exporting.CSV_HEADER)
    assert parsed[1:3] == [["Acme", "", "yes", "2024-01-02"], ["Globex", "x", "no", ""]]
    assert len(parsed) == 7


def test_it_checks_ownership(web_alice, web_charlie, acme, org_b):
    bravo = Client.objects.create(organization=org_b, name="Bravo Secret Client", company="Bravo Hidden Co")
    Contact.objects.create(
        organization=org_b,
        client=bravo,
        name="Quinn Quiet",
        email="quinn@bravo.example",
        together_notes="org B's private notes",
    )
    org_a_secrets = [
        "Acme Corp",
        "Acme Corporation",
        "Dana Diaz",
        "dana@acme.example",
        "Eli Evans",
        "eli@acme.example",
    ]
    org_b_secrets = [
        "Bravo Secret Client",
        "Bravo Hidden Co",
        "Quinn Quiet",
        "quinn@bravo.example",
        "org B's private notes",
    ]
    for url in (CSV_URL, VCF_URL):
        for query in ("", "?q=acme", "?q=dana", "?archived=1", "?status=active"):
            seen_by_c = _body(web_charlie.get(url + query)).decode("utf-8-sig")
            assert not [secret for secret in org_a_secrets if secret in seen_by_c], url + query
            seen_by_a = _body(web_alice.get(url + query.replace("acme", "bravo").replace("dana", "quinn")))
            assert not [secret for secret in org_b_secrets if secret in seen_by_a.decode("utf-8-sig")]
        assert "Quinn Quiet" in _body(web_charlie.get(url)).decode("utf-8-sig"), "Charlie does see his own"
        assert "Dana Diaz" in _body(web_alice.get(url)).decode("utf-8-sig"), "Alice does see her own"


def test_it_needs_a_signed_in_user_and_a_get(visitor, web_alice, org_a):
    for url in (CSV_URL, VCF_URL):
        anonymous = visitor.get(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login")
        assert web_alice.post(url).status_code == 405
    assert reverse("clients:export-csv") == CSV_URL and reverse("clients:export-vcard") == VCF_URL


def _make_contacts(org: Organization, *, first: int, clients: int, per_client: int) -> None:
    for c in range(first, first + clients):
        client = Client.objects.create(organization=org, name=f"Client {c:02}", company=f"Co {c}")
        Contact.objects.bulk_create(
            Contact(organization=org, client=client, name=f"Person {c}-{p}", email=f"p{c}-{p}@example.com")
            for p in range(per_client)
        )


def _queries_for_export(http: Any, url: str) -> tuple[int, bytes]:
    """The queries one export runs, counted while its streamed body is read, and the body."""
    with CaptureQueriesContext(connection) as captured:
        body = _body(http.get(url))
    return len(captured.captured_queries), body


@pytest.mark.parametrize("url", [CSV_URL, VCF_URL])
def test_the_export_runs_a_constant_number_of_queries(web_alice, org_a, url, monkeypatch):
    monkeypatch.setattr(selectors, "CHUNK_SIZE", 4)  # several chunks of rows, still one query
    Client.objects.create(organization=org_a, name="No contacts yet")
    _make_contacts(org_a, first=0, clients=3, per_client=1)
    web_alice.get("/clients/")  # warm the once-per-process "is goodterms set up?" cache
    few_queries, few = _queries_for_export(web_alice, url)
    _make_contacts(org_a, first=3, clients=9, per_client=3)
    many_queries, many = _queries_for_export(web_alice, url)
    assert (few.count(b"Person "), many.count(b"Person ")) == (3, 30), "the exports have 3, then 30 contacts"
    assert many_queries == few_queries
    assert many_queries <= 5, (
        "the session, the user, its session row, the organization, then the export query"
    )


def test_phone_numbers_are_exported_as_typed_and_other_formulas_stay_neutralised(web_alice, org_a):
    sheet = Client.objects.create(organization=org_a, name="Phones", company="+49 151 2345678")
    typed = ["+49 151 2345678", "+1 (555) 010-9999", "-0049.151.23", "=1+1", "+49 151 CALL ME", "@+49"]
    for index, phone in enumerate(typed):
        Contact.objects.create(organization=org_a, client=sheet, name=f"Person {index}", phone=phone)
    rows = _csv(web_alice.get(CSV_URL))
    phone_at = HEADER.index("Phone")
    assert [row[phone_at] for row in rows] == [
        "+49 151 2345678",
        "+1 (555) 010-9999",
        "-0049.151.23",
        "'=1+1",
        "'+49 151 CALL ME",
        "'@+49",
    ]
    assert {row[HEADER.index("Company")] for row in rows} == {"'+49 151 2345678"}, "only the phone column"


def test_other_emails_and_phones_are_exported_one_a_line(web_alice, org_a):
    """What the importer kept from a Google or vCard file leaves again: one a line in the CSV cell, an EMAIL
    or TEL each in the vCard; numbers as typed unless a line could be a formula."""
    many = Client.objects.create(organization=org_a, name="Many Ways")
    Contact.objects.create(
        organization=org_a,
        client=many,
        name="Noor Haddad",
        email="noor@many.example",
        phone="+971 4 123 4567",
        other_emails="noor.haddad@home.example\nنور@مثال.example",
        other_phones="+971 50 123 4567\n(04) 765-4321",
    )
    Contact.objects.create(
        organization=org_a, client=many, name="Risky Cell", other_phones="+1 555 0100\n=HYPERLINK(1)"
    )
    noor, risky = _csv(web_alice.get(CSV_URL))
    emails, phones = HEADER.index("Other email addresses"), HEADER.index("Other phone numbers")
    assert noor[emails] == "noor.haddad@home.example\nنور@مثال.example"
    assert noor[phones] == "+971 50 123 4567\n(04) 765-4321"
    assert risky[phones] == "'+1 555 0100\n=HYPERLINK(1)", "one line that is not a number: neutralised"
    card = next(card for card in _cards(web_alice.get(VCF_URL)) if card.fn.value == "Noor Haddad")
    assert [email.value for email in card.email_list] == [
        "noor@many.example",
        "noor.haddad@home.example",
        "نور@مثال.example",
    ]
    assert [tel.value for tel in card.tel_list] == ["+971 4 123 4567", "+971 50 123 4567", "(04) 765-4321"]
