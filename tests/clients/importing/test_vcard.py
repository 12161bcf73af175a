"""vCard text to rows (goodterms.clients.importing.vcard): cards split by line, read, and refused by line."""

from __future__ import annotations

import pytest
import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodterms.clients.importing import decoding, upload, vcard
from goodterms.clients.importing.preview import Existing, Outcome, build_preview
from goodterms.clients.importing.rows import ImportFileError
from tests.clients.importing.helpers import LINE_BREAKS

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
    uploaded = upload.read_upload("contacts.vcf", VCARD_30.encode())
    assert (uploaded.format, uploaded.rows) == ("vcard", 2)
    source = vcard.vcard_rows(uploaded.text)
    dana, eli = source.rows
    assert (dana.line, eli.line) == (1, 12)
    assert dana.values["client_name"] == "Acme Corp"  # the first ORG component
    assert dana.values["email"] == "dana@acme.example"
    assert dana.values["phone"] == "+44 20 7946 0000"
    assert dana.values["role"] == "CTO"
    assert dana.values["private_notes"] == "Relaunched the shop together, in 2023.\nStill friends."
    assert (
        str(dana.notes[0])
        == "Line 1, Email: The card has 2 email addresses; the first, dana@acme.example, is used, and the "
        "others are kept as other email addresses."
    )
    assert (eli.values["contact_name"], eli.values["role"]) == ("Eli Evans", "Product manager")
    preview = build_preview(source, Existing())
    assert preview.problems == () and len(preview.to_write) == 2


def test_vcard_40_cards_become_rows():
    source = vcard.vcard_rows(VCARD_40)
    (hank,) = source.rows
    assert hank.values == {
        "client_name": "Globex", "contact_name": "Hank Hill", "role": "", "private_notes": "",
        "email": "hank@globex.example", "phone": "+1-555-555-0100",
    }  # fmt: skip


def test_a_card_without_organization_needs_a_client():
    card = "BEGIN:VCARD\nVERSION:3.0\nFN:Pat Lee\nEMAIL:pat@example.com\nEND:VCARD\n"
    preview = build_preview(vcard.vcard_rows(VCARD_40 + card), Existing())
    assert [str(problem) for problem in preview.problems] == [
        "Line 8, Client name (from “ORG”): No organization (ORG): "
        "goodterms needs the client this person works "
        "at. Fill in “Client for cards without an organization”, or add the organization to the card."
    ]
    preview = build_preview(vcard.vcard_rows(card, default_client="Friends & referrals"), Existing())
    assert preview.problems == ()
    assert preview.new_clients[0].name == "Friends & referrals"


def test_a_company_card_becomes_a_client_only():
    card = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:Initech\nORG:Initech\nX-ABShowAs:COMPANY\n"
        "EMAIL:info@initech.example\nEND:VCARD\n"
    )
    preview = build_preview(vcard.vcard_rows(card), Existing())
    assert preview.rows[0].outcome == Outcome.CLIENT_ONLY
    assert "a company card" in str(preview.warnings[0]).lower()


def test_a_malformed_card_line_is_named_and_blocks_the_import():
    broken = VCARD_40 + "BEGIN:VCARD\nVERSION:3.0\nFN:Pat Lee\nthis is not a property\nORG:Acme\nEND:VCARD\n"
    preview = build_preview(vcard.vcard_rows(broken), Existing())
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
        upload.read_upload("contacts.vcf", text.encode())


def test_a_vcf_extension_without_cards_says_so():
    with pytest.raises(ImportFileError, match="Line 1 is outside any vCard"):
        upload.read_upload("contacts.vcf", b"Client,Email\nAcme,a@acme.example\n")


# A name as people have them (letters, marks, digits, punctuation, spaces): not blank, no control characters.
NAME = (
    st.text(
        st.characters(categories=("L", "M", "N", "P", "S", "Zs"), exclude_characters="\x85"),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)


EMAIL = st.emails().filter(lambda address: len(address) <= 254)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(cards=st.lists(st.tuples(NAME, EMAIL, NAME, st.sampled_from(["3.0", "4.0"])), min_size=1, max_size=5))
def test_vcards_written_by_vobject_parse_back(cards):
    text = ""
    for name, email, org, version in cards:
        card = vobject.vCard()
        card.add("version").value = version
        card.add("fn").value = name
        card.add("email").value = email
        card.add("org").value = [org]
        text += card.serialize()
    source = vcard.vcard_rows(decoding.decode_text(text.encode("utf-8")))
    assert [
        (row.values["contact_name"], row.values["email"], row.values["client_name"]) for row in source.rows
    ] == [(name, email, org) for name, email, org, _ in cards]
    starts = [number for number, line in enumerate(LINE_BREAKS.split(text), start=1) if line == "BEGIN:VCARD"]
    assert [row.line for row in source.rows] == starts
    assert all(not row.problems for row in source.rows)
