"""Files shaped like Google Contacts', Outlook's and Apple Contacts' own exports, read as an upload would be.

The fixtures in vendor/ carry each vendor's full header row (Google's 36 columns, Outlook's 88) and the
quirks of their cells: Google's " ::: " multi-value cells and "* myContacts" system labels, Outlook's quoted
cells, its "Title" (Mr, Ms) beside "Job Title" and its empty "Account" column, Apple's vCard 3.0 with
type=pref, item groups, CATEGORIES and a company card.
"""

from __future__ import annotations

from pathlib import Path

from goodterms.clients.importing import csvfile, fields, upload, vcard
from goodterms.clients.importing.preview import Existing, Preview, build_preview

VENDOR = Path(__file__).parent / "vendor"


def _csv_preview(name: str) -> tuple[Preview, dict[int, str], tuple[str, ...]]:
    uploaded = upload.read_upload(name, (VENDOR / name).read_bytes())
    table = csvfile.parse_csv(uploaded.text, uploaded.delimiter)
    mapping = fields.guess_mapping(table.header, uploaded.empty_columns)
    return build_preview(csvfile.csv_rows(table, mapping), Existing()), mapping, table.header


def _mapped(mapping: dict[int, str], header: tuple[str, ...]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for index, key in sorted(mapping.items()):
        if key:
            result.setdefault(key, []).append(header[index])
    return result


def test_a_google_contacts_export_maps_role_labels_and_multi_value_cells():
    preview, mapping, header = _csv_preview("google_contacts.csv")
    assert len(header) == 36
    assert _mapped(mapping, header) == {
        "first_name": ["First Name"],
        "middle_name": ["Middle Name"],
        "last_name": ["Last Name"],
        "client_name": ["Organization Name"],
        "role": ["Organization Title"],
        "private_notes": ["Notes"],
        "tags": ["Labels"],
        "email": ["E-mail 1 - Value", "E-mail 2 - Value"],
        "phone": ["Phone 1 - Value"],
    }
    assert preview.problems == ()
    dana, eli, hank = (row.contact for row in preview.to_write)
    assert dana is not None and eli is not None and hank is not None
    assert (dana.name, dana.role, dana.email, dana.phone) == (
        "Dana Diaz",
        "CTO",
        "dana@acme.example",
        "+44 20 7946 0000",
    )
    assert dana.other_emails == "dana.diaz@acme.example\ndana@home.example"
    assert dana.other_phones == "+44 7700 900123"
    assert dana.private_notes == "Met at the 2023 conference; prefers short calls."
    assert dana.together_notes == "", "Google's notes are private: never quoted to the client"
    assert (hank.name, hank.role) == ("Hank Rutherford Hill", "CEO")
    assert (eli.phone, eli.other_emails) == ("+1 (555) 010-2000", "")
    tags = {client.name: client.tags for client in preview.new_clients}
    assert tags == {"Acme Corp": "clients", "Globex": "clients, retainer"}, "no '* myContacts' or '* starred'"


def test_an_outlook_export_maps_job_title_company_categories_and_every_email_and_phone():
    preview, mapping, header = _csv_preview("outlook_contacts.csv")
    assert len(header) == 88
    mapped = _mapped(mapping, header)
    assert mapped["client_name"] == ["Company"], "the empty Account column does not take the client"
    assert mapped["role"] == ["Job Title"], "Outlook's Title is Mr or Ms"
    assert mapped["email"] == ["E-mail Address", "E-mail 2 Address"], "E-mail 3 is empty in every row"
    assert "Business Phone" in mapped["phone"] and "Mobile Phone" in mapped["phone"]
    assert mapped["tags"] == ["Categories"] and mapped["private_notes"] == ["Notes"]
    assert mapped["first_name"] == ["First Name"] and mapped["last_name"] == ["Last Name"]
    assert preview.problems == ()
    maria, tom, sara = (row.contact for row in preview.to_write)
    assert maria is not None and tom is not None and sara is not None
    assert (maria.name, maria.role, maria.email) == (
        "Maria Lopez",
        "Finance director",
        "maria.lopez@initech.example",
    )
    assert maria.phone == "+34 91 123 4567", "the business phone before the mobile"
    assert (maria.other_phones, maria.other_emails) == ("+34 600 123 456", "maria@lopez.example")
    assert (tom.phone, tom.other_phones) == ("07700 900456", "")
    assert sara.role == ""
    tags = {client.name: client.tags for client in preview.new_clients}
    assert tags == {"Initech": "clients, key account", "Umbrella Health": ""}


def test_an_apple_contacts_export_maps_org_title_categories_and_keeps_every_address():
    text = (VENDOR / "apple_contacts.vcf").read_text()
    uploaded = upload.read_upload("Contacts.vcf", text.encode())
    assert (uploaded.format, uploaded.rows) == ("vcard", 3)
    preview = build_preview(vcard.vcard_rows(uploaded.text), Existing())
    assert preview.problems == ()
    dana, eli = (row.contact for row in preview.to_write)
    assert dana is not None and eli is not None
    assert (dana.name, dana.role, dana.email, dana.phone) == (
        "Dana Diaz",
        "CTO",
        "dana@acme.example",
        "+44 20 7946 0000",
    ), "the type=pref address and number first"
    assert (dana.other_emails, dana.other_phones) == ("dana@home.example", "+44 7700 900123")
    assert dana.private_notes == "Met at the 2023 conference.\nPrefers short calls."
    assert dana.together_notes == ""
    assert (eli.role, eli.email) == ("Head of marketing", "eli@globex.example")
    clients = {client.name: client.tags for client in preview.new_clients}
    assert clients == {"Acme Corp": "clients, retainer", "Globex": ""}, "the company card is its client"
