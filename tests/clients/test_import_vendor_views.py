"""Import pages with real address-book exports: the mapping remembered per layout, empty columns hidden,
the good rows imported and the rest downloaded, and an untouched import undone."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from goodterms.clients.models import Client, Contact, ImportBatch, ImportLayout

VENDOR = Path(__file__).parent / "importing" / "vendor"


def upload(http, name: str, data: bytes):
    return http.post(reverse("clients:import"), {"file": SimpleUploadedFile(name, data)})


def mapping_shown(http, batch: ImportBatch) -> dict[str, str]:
    """The map page's choices, as its form would post them unchanged."""
    form = http.get(reverse("clients:import-map", kwargs={"pk": batch.pk})).context["form"]
    return {name: form[name].value() or "" for name in form.fields}


def import_file(http, name: str, data: bytes, **post: str):
    upload(http, name, data)
    batch = ImportBatch.objects.latest("pk")
    if batch.format == ImportBatch.Format.CSV:
        http.post(reverse("clients:import-map", kwargs={"pk": batch.pk}), mapping_shown(http, batch))
    response = http.post(reverse("clients:import-commit", kwargs={"pk": batch.pk}), post)
    batch.refresh_from_db()
    return batch, response


def test_a_google_export_imports_with_role_labels_and_the_other_emails_kept(web_alice, org_a):
    data = (VENDOR / "google_contacts.csv").read_bytes()
    upload(web_alice, "contacts.csv", data)
    batch = ImportBatch.objects.get()
    html = web_alice.get(reverse("clients:import-map", kwargs={"pk": batch.pk})).content.decode()
    assert "12 empty columns hidden" in html and "Phonetic First Name" in html
    assert 'name="col_3"' not in html, "an empty column is not offered"
    web_alice.post(reverse("clients:import-map", kwargs={"pk": batch.pk}), mapping_shown(web_alice, batch))
    preview = web_alice.get(reverse("clients:import-preview", kwargs={"pk": batch.pk})).content.decode()
    for label in ("Role or title", "Tags", "Email", "Phone", "Other email addresses", "Private notes"):
        assert f'<th scope="col">{label}</th>' in preview
    assert '<td class="prewrap">CTO</td>' in preview
    web_alice.post(reverse("clients:import-commit", kwargs={"pk": batch.pk}))
    dana = Contact.objects.get(name="Dana Diaz")
    assert (dana.role, dana.email, dana.phone) == ("CTO", "dana@acme.example", "+44 20 7946 0000")
    assert dana.other_emails == "dana.diaz@acme.example\ndana@home.example"
    assert dana.private_notes.startswith("Met at the 2023") and dana.together_notes == ""
    assert Client.objects.get(name="Globex").tags == "clients, retainer"
    assert Contact.objects.get(name="Hank Rutherford Hill").role == "CEO"


def test_an_outlook_and_an_apple_export_import_through_the_pages(web_alice, org_a):
    import_file(web_alice, "contacts.csv", (VENDOR / "outlook_contacts.csv").read_bytes())
    maria = Contact.objects.get(name="Maria Lopez")
    assert (maria.client.name, maria.role, maria.phone) == ("Initech", "Finance director", "+34 91 123 4567")
    assert maria.client.tags == "clients, key account"
    import_file(web_alice, "Contacts.vcf", (VENDOR / "apple_contacts.vcf").read_bytes())
    dana = Contact.objects.get(name="Dana Diaz")
    assert (dana.client.tags, dana.other_phones) == ("clients, retainer", "+44 7700 900123")


def test_the_mapping_is_remembered_for_the_next_file_with_the_same_columns(web_alice, org_a):
    data = (VENDOR / "outlook_contacts.csv").read_bytes()
    upload(web_alice, "first.csv", data)
    first = ImportBatch.objects.get()
    choices = mapping_shown(web_alice, first)
    notes = next(name for name, value in choices.items() if value == "private_notes")
    choices[notes] = ""  # the user keeps Outlook's notes out of goodterms
    web_alice.post(reverse("clients:import-map", kwargs={"pk": first.pk}), choices)
    assert ImportLayout.objects.filter(organization=org_a).count() == 1
    upload(web_alice, "second.csv", data)
    second = ImportBatch.objects.latest("pk")
    first.refresh_from_db()
    assert second.mapping == first.mapping and "private_notes" not in second.mapping.values()
    html = web_alice.get(reverse("clients:import-map", kwargs={"pk": second.pk})).content.decode()
    assert "same columns as one you imported before" in html


BAD_AND_GOOD = (
    "Client,Contact,Email,Start date\r\n"
    "Acme Corp,Dana Diaz,dana@acme.example,2024-01-01\r\n"
    "Acme Corp,Eli Evans,eli at acme,\r\n"
    "Globex,Hank Hill,hank@globex.example,03/04/2024\r\n"
    "Globex,Iris Ito,iris@globex.example,\r\n"
    "Initech,Peter,peter@initech.example,\r\n"
)


def test_the_good_rows_can_be_imported_and_the_rest_downloaded_with_the_reasons(web_alice, org_a):
    upload(web_alice, "people.csv", BAD_AND_GOOD.encode())
    batch = ImportBatch.objects.get()
    web_alice.post(reverse("clients:import-map", kwargs={"pk": batch.pk}), mapping_shown(web_alice, batch))
    html = web_alice.get(reverse("clients:import-preview", kwargs={"pk": batch.pk})).content.decode()
    assert "Import the 3 good rows, leave out 2" in html
    commit = reverse("clients:import-commit", kwargs={"pk": batch.pk})
    response = web_alice.post(commit, {"good_rows": "1"})
    assert response["Location"] == reverse("clients:import-preview", kwargs={"pk": batch.pk})
    assert sorted(Contact.objects.values_list("name", flat=True)) == ["Dana Diaz", "Iris Ito", "Peter"]
    assert sorted(Client.objects.values_list("name", flat=True)) == ["Acme Corp", "Globex", "Initech"]
    page = web_alice.get(response["Location"]).content.decode()
    assert "Download the 2 rows not imported" in page
    download = web_alice.get(reverse("clients:import-left-out", kwargs={"pk": batch.pk}))
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["Client", "Contact", "Email", "Start date", "Why not imported"]
    assert [row[:4] for row in rows[1:]] == [
        ["Acme Corp", "Eli Evans", "eli at acme", ""],
        ["Globex", "Hank Hill", "hank@globex.example", "03/04/2024"],
    ]
    assert rows[1][4].startswith("Email: ") and "Start date" in rows[2][4]


def test_an_untouched_import_is_undone_and_a_changed_one_is_refused_by_name(web_alice, org_a):
    existing = Client.objects.create(organization=org_a, name="Globex")
    old = Contact.objects.create(organization=org_a, client=existing, name="Old Primary", is_primary=True)
    text = (
        "Client,Contact,Email,Primary\r\n"
        "Acme Corp,Dana Diaz,dana@acme.example,\r\n"
        "Globex,Hank Hill,h@g.example,yes\r\n"
    )
    batch, _ = import_file(web_alice, "people.csv", text.encode())
    assert Contact.objects.count() == 3
    html = web_alice.get(reverse("clients:import-preview", kwargs={"pk": batch.pk})).content.decode()
    assert "Undo this import" in html
    response = web_alice.post(reverse("clients:import-undo", kwargs={"pk": batch.pk}), follow=True)
    assert "is undone: 3 rows removed" in response.content.decode()
    assert list(Client.objects.values_list("name", flat=True)) == ["Globex"]
    assert list(Contact.objects.values_list("name", "is_primary")) == [("Old Primary", True)]
    batch.refresh_from_db()
    assert batch.undone_at is not None
    assert old.pk == Contact.objects.get().pk

    again, _ = import_file(web_alice, "again.csv", text.replace("Hank Hill", "Hank Two").encode())
    dana = Contact.objects.get(name="Dana Diaz")
    web_alice.post(
        reverse("clients:contact-edit", kwargs={"pk": dana.client_id, "contact_pk": dana.pk}),
        {"name": "Dana D.", "email": "dana@acme.example", "preferred_channel": "email"},
    )
    response = web_alice.post(reverse("clients:import-undo", kwargs={"pk": again.pk}), follow=True)
    html = response.content.decode()
    assert (
        "The import cannot be undone" in html and "Dana D. at Acme Corp was edited after the import." in html
    )
    assert Contact.objects.filter(name__in=["Dana D.", "Hank Two"]).count() == 2, "nothing was removed"


def test_it_checks_ownership(web_alice, web_charlie, org_a):
    batch, _ = import_file(web_alice, "people.csv", BAD_AND_GOOD.encode(), good_rows="1")
    assert batch.rejected_csv
    for name in ("clients:import-left-out", "clients:import-undo"):
        url = reverse(name, kwargs={"pk": batch.pk})
        assert web_charlie.get(url).status_code == 404
        assert web_charlie.post(url).status_code == 404
    assert Contact.objects.count() == 3
