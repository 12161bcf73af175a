"""The fields a column maps to (goodterms.clients.importing.fields): guessing and checking a mapping."""

from __future__ import annotations

import pytest

from goodterms.clients.importing import fields
from goodterms.clients.models import Client
from tests.clients.importing.helpers import EXPORT_HEADER


def test_the_export_header_maps_itself_completely():
    header = EXPORT_HEADER.split(",")
    mapping = fields.guess_mapping(header)
    assert [mapping[i] for i in range(len(header))] == [
        "client_name", "company", "status", "start_date", "tags", "client_notes", "contact_name", "email",
        "phone", "other_emails", "other_phones", "role", "preferred_channel", "is_primary", "together_notes",
        "private_notes",
    ]  # fmt: skip
    assert tuple(f.header for f in fields.FIELDS if f.header) == tuple(header)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["Name", "E-mail", "Organisation", "Job title", "Notes"],
         ["contact_name", "email", "client_name", "role", "private_notes"]),
        (["Full name", "Email address", "Company name", "Title"],
         ["contact_name", "email", "client_name", "role"]),
        (["CLIENT", "organization", "e_mail", "Mobile"], ["client_name", "company", "email", "phone"]),
        (["First Name", "Last Name", "Company", "Organization"],
         ["first_name", "last_name", "client_name", "company"]),
        (["Client", "Role", "Role", "Favourite colour"],  # each field once
         ["client_name", "role", "", ""]),
        (["Client", "Email", "Email", "Favourite colour"],  # but email and phone take every such column
         ["client_name", "email", "email", ""]),
    ],
)  # fmt: skip
def test_common_headers_are_guessed_case_insensitively(header, expected):
    mapping = fields.guess_mapping(header)
    assert [mapping[i] for i in range(len(header))] == expected


def test_a_mapping_needs_a_client_column_and_each_field_once():
    header = ["Name", "Mail", "Other mail"]
    errors = fields.check_mapping({0: "contact_name", 1: "role", 2: "role"}, header)
    assert (
        "Role or title is chosen for column 2 “Mail” and column 3 “Other mail”: "
        "choose it for one column only." in errors
    )
    assert fields.check_mapping({0: "client_name", 1: "email", 2: "email"}, header) == []
    assert any("the client name" in error for error in errors)
    assert fields.check_mapping({0: "client_name", 1: "email"}, header) == []
    stored = fields.mapping_to_json({0: "client_name", 2: "email"})
    assert stored == {"0": "client_name", "2": "email"}
    assert fields.mapping_from_json(stored) == {0: "client_name", 2: "email"}
    assert fields.mapping_from_json("junk") == {}


def test_the_client_name_help_states_the_model_limit():
    limit = Client._meta.get_field("name").max_length
    assert limit == fields.CLIENT_NAME_MAX_LENGTH
    (client_name,) = (f for f in fields.FIELDS if f.key == "client_name")
    assert f"Up to {limit} characters." in client_name.help
