"""Private notes are a field of their own: typed, imported and exported, never what a client reads."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from goodterms.clients.models import Client, Contact, ImportBatch

GOOGLE_LIKE = (
    b"Name,E-mail 1 - Value,Organization Name,Notes\r\n"
    b"Dana Diaz,dana@acme.example,Acme Corp,Met at Web Summit 2023. Likes short emails.\r\n"
)


def test_a_notes_column_is_imported_as_private_notes(web_alice, org_a):
    response = web_alice.post(
        reverse("clients:import"), {"file": SimpleUploadedFile("google.csv", GOOGLE_LIKE)}
    )
    batch = ImportBatch.objects.get()
    assert batch.mapping.get("3") == "private_notes"
    web_alice.post(response["Location"])
    web_alice.post(reverse("clients:import-commit", args=[batch.pk]))
    dana = Contact.objects.get(name="Dana Diaz")
    assert dana.private_notes == "Met at Web Summit 2023. Likes short emails."
    assert dana.together_notes == ""


def test_the_contact_form_keeps_both_and_says_which_is_private(web_alice, acme):
    dana = acme.contacts.get(name="Dana Diaz")
    web_alice.post(
        reverse("clients:contact-edit", args=[acme.pk, dana.pk]),
        {
            "name": "Dana Diaz",
            "email": "dana@straße.example",
            "preferred_channel": "email",
            "together_notes": "the spring relaunch",
            "private_notes": "Prefers calls after 4pm.",
        },
    )
    dana.refresh_from_db()
    assert (dana.together_notes, dana.private_notes) == ("the spring relaunch", "Prefers calls after 4pm.")
    assert dana.email == "dana@straße.example"  # as typed; the outbox encodes the domain (IDNA 2008)
    page = web_alice.get(reverse("clients:detail", args=[acme.pk])).content.decode()
    assert "Private notes" in page and "only for you" in page


def test_an_address_no_encoding_can_write_is_refused_where_it_is_typed(web_alice, acme):
    dana = acme.contacts.get(name="Dana Diaz")
    page = web_alice.post(
        reverse("clients:contact-edit", args=[acme.pk, dana.pk]),
        {"name": "Dana Diaz", "email": "dana@" + "a" * 64 + ".example", "preferred_channel": "email"},
    ).content.decode()
    assert "Not a valid email address" in page
    dana.refresh_from_db()
    assert dana.email == "dana@acme.example"


def test_the_upgrade_moves_imported_notes_and_leaves_typed_ones(org_a):
    migration = import_module("goodterms.clients.migrations.0006_imported_notes_become_private")
    client = Client.objects.create(organization=org_a, name="Acme Corp")
    long_ago = timezone.now() - timedelta(days=30)
    typed = Contact.objects.create(
        organization=org_a, client=client, name="Typed", together_notes="the relaunch", created_at=long_ago
    )
    committed = timezone.now() - timedelta(days=3)
    ImportBatch.objects.create(
        organization=org_a, filename="google.csv", format="csv", text="", committed_at=committed
    )
    imported = Contact.objects.create(
        organization=org_a,
        client=client,
        name="Imported",
        together_notes="Met at Web Summit 2023.",
        created_at=committed + timedelta(seconds=2),
    )
    migration.move_imported_notes(apps, None)
    typed.refresh_from_db()
    imported.refresh_from_db()
    assert (typed.together_notes, typed.private_notes, typed.notes_moved) == ("the relaunch", "", False)
    assert (imported.together_notes, imported.private_notes) == ("", "Met at Web Summit 2023.")
    assert imported.notes_moved


def test_address_fields_are_text_so_the_browser_cannot_rewrite_the_domain(web_alice, acme):
    """<input type="email"> makes browsers convert straße.example to strasse.example before sending."""
    page = web_alice.get(reverse("clients:contact-create", args=[acme.pk])).content.decode()
    assert 'type="email"' not in page and 'inputmode="email"' in page
    web_alice.post(
        reverse("clients:contact-create", args=[acme.pk]),
        {"name": "José Núñez", "email": "josé@acme.example", "preferred_channel": "email"},
    )
    assert acme.contacts.get(name="José Núñez").email == "josé@acme.example"  # sent later with SMTPUTF8
