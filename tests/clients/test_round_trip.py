"""What goodterms exports, it imports unchanged: Alice's export becomes Charlie's organization's data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from goodterms.clients.models import Client, Contact, ImportBatch

CLIENT_FIELDS = ("name", "company", "status", "start_date", "tags", "notes")
CONTACT_FIELDS = (
    "client__name",
    "name",
    "email",
    "phone",
    "role",
    "preferred_channel",
    "is_primary",
    "together_notes",
    "private_notes",
    "other_emails",
    "other_phones",
)


@pytest.fixture
def tricky(org_a):
    """Values a spreadsheet or a vCard could mangle: formulas, a leading +, accents, commas, newlines."""
    first = Client.objects.create(
        organization=org_a,
        name="=Zoë & Søn, Ltd",
        company="-minus Holdings",
        status="ending",
        start_date=dt.date(2021, 2, 28),
        tags="design, retainer",
        notes="Line one.\nLine two; with a semicolon.",
    )
    Contact.objects.create(
        organization=org_a,
        client=first,
        name="Łukasz O'Brien-Smith",
        email="lukasz@zoe.example",
        phone="+44 20 7946 0000",
        role="@head of ops",
        preferred_channel="in_person",
        is_primary=True,
        together_notes="the spring relaunch",
        private_notes='The "big" relaunch,\nthen the shop.',
        other_emails="l.obrien@home.example\nłukasz@zoë.example",
        other_phones="+48 22 123 45 67\n+44 (0)7700 900123\next. 12",
    )
    Contact.objects.create(
        organization=org_a,
        client=first,
        name="Smith, Jr.",
        email="jr@zoe.example",
        phone="",
        role="",
        preferred_channel="phone",
    )
    Client.objects.create(organization=org_a, name="Quiet Client", status="alumni")  # no contacts
    return first


def _import(http, name: str, data: bytes) -> None:
    response = http.post(reverse("clients:import"), {"file": SimpleUploadedFile(name, data)})
    batch = ImportBatch.objects.get(filename=name)
    if response["Location"].endswith("/map/"):
        form = http.get(response["Location"]).context["form"]
        guessed = {field.html_name: field.value() for field in form}
        http.post(response["Location"], guessed)
    preview = http.get(reverse("clients:import-preview", kwargs={"pk": batch.pk}))
    assert not preview.context["preview"].problems, preview.context["preview"].problems
    http.post(reverse("clients:import-commit", kwargs={"pk": batch.pk}))
    batch.refresh_from_db()
    assert batch.committed_at is not None


def _data(org, client_fields, contact_fields):
    return (
        sorted(Client.objects.filter(organization=org).values_list(*client_fields)),
        sorted(Contact.objects.filter(organization=org).values_list(*contact_fields)),
    )


def test_a_csv_export_imports_unchanged(web_alice, web_charlie, org_a, org_b, tricky):
    exported = b"".join(web_alice.get(reverse("clients:export-csv")).streaming_content)
    _import(web_charlie, "from-alpha.csv", exported)
    assert _data(org_b, CLIENT_FIELDS, CONTACT_FIELDS) == _data(org_a, CLIENT_FIELDS, CONTACT_FIELDS)


def test_a_vcard_export_imports_the_people_unchanged(web_alice, web_charlie, org_a, org_b, tricky):
    exported = b"".join(web_alice.get(reverse("clients:export-vcard")).streaming_content)
    _import(web_charlie, "from-alpha.vcf", exported)
    # A vCard carries the person and their organization's name, not the client's status or tags.
    people = (
        "client__name",
        "name",
        "email",
        "phone",
        "role",
        "private_notes",
        "other_emails",
        "other_phones",
    )
    imported = sorted(Contact.objects.filter(organization=org_b).values_list(*people))
    assert imported == sorted(Contact.objects.filter(organization=org_a).values_list(*people))
    assert len(imported) == 2
