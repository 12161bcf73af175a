"""Import through HTTP: upload, map columns, preview, commit (as Alice); Charlie (org B) sees none of it."""

from __future__ import annotations

import csv
import io
import threading

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goodterms.clients import services
from goodterms.clients.models import Client, Contact, ImportBatch

HEADER = (
    "Client,Company,Status,Start date,Tags,Contact,Email,Phone,Role,Preferred channel,Primary,"
    "What we did together"
)


def upload(http, name: str, data: bytes, **fields: str):
    return http.post(reverse("clients:import"), {"file": SimpleUploadedFile(name, data), **fields})


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def page(response) -> str:
    return str(response.content.decode())


def snapshot() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    return (
        sorted(Client.objects.values_list("organization_id", "name", "status")),
        sorted(Contact.objects.values_list("organization_id", "client__name", "name", "email", "is_primary")),
    )


def test_upload_page_explains_the_columns_and_offers_an_example(web_alice):
    response = web_alice.get(reverse("clients:import"))
    html = page(response)
    assert response.status_code == 200
    assert '<label for="id_file">File to import</label>' in html
    assert 'enctype="multipart/form-data"' in html
    for header in ("Client", "Preferred channel", "What we did together"):
        assert f'<th scope="row">{header}</th>' in html
    assert "examples/import-example.csv" in html
    assert "Client for cards without an organization" in html


def test_csv_upload_map_preview_commit(web_alice, org_a, acme):
    text = (
        f"{HEADER}\r\n"
        "Acme Corp,,,,,Fay Fox,fay@acme.example,,Designer,phone,yes,\r\n"  # to the existing client
        'Globex,Globex Ltd,ending,2022-05-01,"Retainer; design",Hank Hill,Hank@Globex.example,'
        "+1 555 0100,CEO,"
        'in person,no,"Three years of reports.\r\nEnded well."\r\n'
        "globex,,,,,Iris Ito,iris@globex.example,,,,yes,\r\n"
        "Initech,,alumni,,,,,,,,,\r\n"  # a client and no contact
    )
    response = upload(web_alice, "people.csv", ("\ufeff" + text).encode())
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("clients:import-map", kwargs={"pk": batch.pk})
    assert (batch.organization, batch.format, batch.delimiter, batch.filename) == (
        org_a,
        "csv",
        ",",
        "people.csv",
    )
    assert Client.objects.count() == 1  # nothing written yet

    html = page(web_alice.get(response["Location"]))
    assert '<label for="id_col_0">Client</label>' in html
    assert '<option value="client_name" selected>Client name</option>' in html
    assert '<option value="together_notes" selected>What we did together</option>' in html
    assert "Hank Hill" in html  # the first values of each column

    mapping = {f"col_{index}": key for index, key in batch.mapping.items()}
    response = web_alice.post(reverse("clients:import-map", kwargs={"pk": batch.pk}), mapping)
    assert response["Location"] == reverse("clients:import-preview", kwargs={"pk": batch.pk})

    html = page(web_alice.get(response["Location"]))
    assert "Check people.csv before importing" in html
    assert "Importing adds 3 contacts at 2 clients (1 new) and 1 new client with no contacts." in html
    assert "Import 3 contacts and 2 new clients" in html
    assert Contact.objects.count() == 2  # still nothing written

    response = web_alice.post(reverse("clients:import-commit", kwargs={"pk": batch.pk}), follow=True)
    assert response.redirect_chain == [(reverse("clients:list"), 302)]
    assert messages_of(response) == [
        "Imported 3 contacts at 2 clients (1 new) and 1 new client with no contacts."
    ]
    globex = Client.objects.get(name="Globex")
    assert (globex.organization, globex.company, globex.status, str(globex.start_date), globex.tags) == (
        org_a, "Globex Ltd", "ending", "2022-05-01", "design, retainer",
    )  # fmt: skip
    hank = Contact.objects.get(name="Hank Hill")
    assert (hank.client, hank.email, hank.phone, hank.role, hank.preferred_channel, hank.is_primary) == (
        globex, "Hank@globex.example", "+1 555 0100", "CEO", "in_person", False,
    )  # fmt: skip
    assert hank.together_notes == "Three years of reports.\r\nEnded well."
    assert Contact.objects.get(name="Iris Ito").is_primary
    assert Client.objects.get(name="Initech").status == "alumni"
    # Fay becomes Acme's primary contact; Dana, primary before, no longer is (one primary per client).
    assert list(acme.contacts.filter(is_primary=True).values_list("name", flat=True)) == ["Fay Fox"]
    batch.refresh_from_db()
    assert batch.committed_at is not None and batch.rows_written == 5 and batch.text == ""
    assert "Imported 3 contacts" in page(
        web_alice.get(reverse("clients:import-preview", kwargs={"pk": batch.pk}))
    )


def test_the_mapping_can_be_changed_and_is_checked(web_alice):
    upload(web_alice, "people.csv", b"Name,Where,Mail\nDana,Acme,dana@acme.example\n")
    batch = ImportBatch.objects.get()
    assert batch.mapping == {"0": "contact_name", "2": "email"}  # "Where" is not a known header
    url = reverse("clients:import-map", kwargs={"pk": batch.pk})
    # The preview needs a client column first: it sends the user back to choose one.
    response = web_alice.get(reverse("clients:import-preview", kwargs={"pk": batch.pk}), follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert messages_of(response) == ["First choose the column that holds the client name."]
    response = web_alice.post(url, {"col_0": "contact_name", "col_1": "", "col_2": "contact_name"})
    assert response.status_code == 400
    html = page(response)
    assert 'role="alert"' in html
    assert "Contact name is chosen for column 1 “Name” and column 3 “Mail”" in html
    assert "Choose the column that holds the client name" in html
    assert web_alice.post(url, {"col_0": "contact_name", "col_1": "no_such_field"}).status_code == 400
    batch.refresh_from_db()
    assert batch.mapping == {"0": "contact_name", "2": "email"}

    web_alice.post(url, {"col_0": "contact_name", "col_1": "client_name", "col_2": "email"})
    batch.refresh_from_db()
    assert batch.mapping == {"0": "contact_name", "1": "client_name", "2": "email"}
    assert "Importing adds 1 contact at 1 client (1 new)." in page(
        web_alice.get(reverse("clients:import-preview", kwargs={"pk": batch.pk}))
    )


def test_an_error_row_blocks_the_commit_and_nothing_is_written(web_alice, acme):
    text = (
        "Client,Contact,Email,Start date\n"
        "Globex,Hank Hill,hank@globex.example,2024-01-01\n"
        'Globex,"Mallory\nBcc: all@example.com",mallory@example.com,\n'  # line 3, spans two lines
        "Initech,Peter,peter at initech,03/04/2024\n"  # line 5
    )
    upload(web_alice, "people.csv", text.encode())
    batch = ImportBatch.objects.get()
    html = page(web_alice.get(reverse("clients:import-preview", kwargs={"pk": batch.pk})))
    assert "3 problems on 2 rows to fix first" in html
    assert "<strong>Line 3</strong>, Contact name (from “Contact”): Contains a line feed (LF)" in html
    assert "<strong>Line 5</strong>, Email: Not a valid email address" in html
    assert "<strong>Line 5</strong>, Start date: “03/04/2024” is not a date in the form YYYY-MM-DD" in html
    assert '<button type="submit" class="button primary" disabled>' in html
    # The rows with problems still show who they are about, so the user finds them in the file.
    assert (
        '<td class="prewrap">Initech</td><td class="prewrap">03/04/2024</td><td class="prewrap">Peter</td>'
        '<td class="prewrap">peter at initech</td>' in html
    ), "every mapped column, as the file has it"
    assert html.count('<tr class="row-error">') == 2  # the template tests the outcome's value, "error"
    assert 'href="/clients/import/" aria-current="page">Import</a>' in html  # the menu shows where we are
    before = snapshot()

    response = web_alice.post(reverse("clients:import-commit", kwargs={"pk": batch.pk}), follow=True)
    assert response.redirect_chain[-1][0] == reverse("clients:import-preview", kwargs={"pk": batch.pk})
    assert messages_of(response) == ["Nothing was imported: 3 problems must be fixed first."]
    assert snapshot() == before
    batch.refresh_from_db()
    assert batch.committed_at is None  # the claim was rolled back with everything else

    problems = web_alice.get(reverse("clients:import-problems", kwargs={"pk": batch.pk}))
    assert problems["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(problems.content.decode("utf-8-sig"))))
    assert rows[0] == ["Line", "Field", "Column", "Problem"]
    assert [row[:3] for row in rows[1:]] == [
        ["3", "Contact name", "Contact"], ["5", "Email", "Email"], ["5", "Start date", "Start date"],
    ]  # fmt: skip


def test_duplicates_are_reported_with_their_client_and_skipped(web_alice, org_a, acme):
    text = (
        "Name,E-mail,Organization\n"
        "Dana D.,DANA@acme.example,Globex\n"  # Dana is already at Acme Corp
        "Hank Hill,hank@globex.example,Globex\n"
        "Hank H.,hank@GLOBEX.example,Globex\n"  # repeated in the file
    )
    upload(web_alice, "people.csv", text.encode())
    batch = ImportBatch.objects.get()
    html = page(web_alice.get(reverse("clients:import-preview", kwargs={"pk": batch.pk})))
    assert "DANA@acme.example is already in goodterms, at Acme Corp." in html
    assert "Repeated on line 3 of this file" in html
    assert "skips 1 already in goodterms and 1 repeated in the file" in html
    response = web_alice.post(reverse("clients:import-commit", kwargs={"pk": batch.pk}), follow=True)
    assert messages_of(response) == [
        "Imported 1 contact at 1 client (1 new); skipped 1 already in goodterms and 1 repeated in the file."
    ]
    assert list(
        Contact.objects.filter(email__iexact="dana@acme.example").values_list("client__name", flat=True)
    ) == ["Acme Corp"]
    assert Contact.objects.filter(client__name="Globex").count() == 1


def test_a_second_commit_imports_nothing_twice(web_alice, alice):
    upload(web_alice, "people.csv", b"Client,Contact,Email\nGlobex,Hank,hank@globex.example\nGlobex,Iris,\n")
    batch = ImportBatch.objects.get()
    url = reverse("clients:import-commit", kwargs={"pk": batch.pk})
    first = web_alice.post(url, follow=True)
    second = web_alice.post(url, follow=True)  # a double click, or the back button and Import again
    assert messages_of(first) == ["Imported 2 contacts at 1 client (1 new)."]
    assert messages_of(second) == ["This file was already imported; nothing was imported twice."]
    assert Client.objects.filter(name="Globex").count() == 1
    assert Contact.objects.count() == 2
    with pytest.raises(services.ImportNotPossible) as caught:
        services.import_commit(batch=batch, user=alice)  # the stale object still says "not committed"
    assert caught.value.already_committed
    assert Contact.objects.count() == 2
    assert web_alice.get(url)["Location"] == reverse("clients:import-preview", kwargs={"pk": batch.pk})


def test_two_commits_at_the_same_moment_import_once(transactional_db, alice, org_a):
    rows = b"".join(b"Globex,P%d,p%d@globex.example\n" % (n, n) for n in range(300))
    data = b"Client,Contact,Email\n" + rows
    batch = services.import_upload(org=org_a, user=alice, filename="people.csv", data=data)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def commit() -> None:
        try:
            start.wait()
            services.import_commit(batch=batch, user=alice)
            outcomes.append("imported")
        except services.ImportNotPossible as error:
            outcomes.append("already" if error.already_committed else error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=commit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["already", "imported"]
    assert Contact.objects.count() == 300
    assert Client.objects.filter(name="Globex").count() == 1


def test_a_file_over_the_limit_is_refused_by_name(web_alice):
    data = b"Client,Email\n" + b"x" * (settings.IMPORT_MAX_BYTES + 1 - 13)
    assert len(data) == settings.IMPORT_MAX_BYTES + 1
    response = upload(web_alice, "huge.csv", data)
    assert response.status_code == 400
    html = page(response)
    assert (
        f"This file is {len(data):,} bytes, more than goodterms imports: files of up to 10,485,760 bytes"
        in html
    )
    assert 'role="alert"' in html
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("people.csv", "Client,Contact\nCafé,Zoë\n".encode("latin-1"), "line 2 has the byte 0xE9 at byte 4"),
        ("people.csv", b"", "The submitted file is empty."),  # Django's FileField says so first
        ("people.csv", b"Client,Email\r\n", "header row (line 1) but no rows below it"),
        ("people.csv", b"Client,Email\nAc\x00me,x\n", "Line 2 contains a NUL (zero) byte"),
        ("people.csv", b'Client,Notes\nAcme,"open\n', "Line 2: a quote"),
        ("people.vcf", b"BEGIN:VCARD\nVERSION:3.0\nFN:Dana\n", "starts on line 1 is never closed"),
        ("people.xlsx", b"PK\x03\x04junk", "is a .xlsx file"),
    ],
)
def test_files_that_cannot_be_read_are_explained_on_the_upload_page(web_alice, name, data, message):
    response = upload(web_alice, name, data)
    assert response.status_code == 400
    assert message in page(response).replace("&quot;", '"').replace("&#x27;", "'")
    assert not ImportBatch.objects.exists()


VCARD_30 = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Diaz;Dana;;;\r\nFN:Dana Diaz\r\nORG:Globex;Sales\r\n"
    "TITLE:Head of sales\r\nEMAIL;TYPE=INTERNET:dana@globex.example\r\nEMAIL;TYPE=HOME:dana@home.example\r\n"
    "TEL;TYPE=CELL:+44 7700 900123\r\n"
    "NOTE:Ran the spring campaign together.\r\nEND:VCARD\r\n"
)
VCARD_40 = (
    "BEGIN:VCARD\nVERSION:4.0\nFN:Hank Hill\nN:Hill;Hank;;;\nORG:Globex\nROLE:CEO\n"
    "EMAIL;TYPE=work:hank@globex.example\nTEL;VALUE=uri;TYPE=voice:tel:+1-555-0100\nEND:VCARD\n"
)


@pytest.mark.parametrize("card", [VCARD_30, VCARD_40], ids=["vcard-3.0", "vcard-4.0"])
def test_vcard_import_goes_straight_to_the_preview(web_alice, card):
    response = upload(web_alice, "contacts.vcf", card.encode())
    batch = ImportBatch.objects.get()
    assert batch.format == "vcard"
    assert response["Location"] == reverse("clients:import-preview", kwargs={"pk": batch.pk})
    assert (
        web_alice.get(reverse("clients:import-map", kwargs={"pk": batch.pk}))["Location"]
        == response["Location"]
    )
    html = page(web_alice.get(response["Location"]))
    assert "Importing adds 1 contact at 1 client (1 new)." in html
    web_alice.post(reverse("clients:import-commit", kwargs={"pk": batch.pk}))
    contact = Contact.objects.select_related("client").get()
    assert contact.client.name == "Globex"
    if card is VCARD_30:
        assert (contact.name, contact.email, contact.phone, contact.role, contact.private_notes) == (
            "Dana Diaz", "dana@globex.example", "+44 7700 900123", "Head of sales",
            "Ran the spring campaign together.",
        )  # fmt: skip
        assert (
            "The card has 2 email addresses; the first, dana@globex.example, is used, and the others are "
            "kept as other email addresses."
        ) in html
    else:
        assert (contact.name, contact.email, contact.phone, contact.role) == (
            "Hank Hill", "hank@globex.example", "+1-555-0100", "CEO",
        )  # fmt: skip


def test_vcards_without_organization_need_a_client_chosen_on_the_page(web_alice):
    cards = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:Pat Lee\nEMAIL:pat@example.com\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Sam Roe\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Hank Hill\nORG:Globex\nEND:VCARD\n"
    )
    upload(web_alice, "contacts.vcf", cards.encode())
    batch = ImportBatch.objects.get()
    url = reverse("clients:import-preview", kwargs={"pk": batch.pk})
    html = page(web_alice.get(url))
    assert "<strong>Line 1</strong>, Client name (from “ORG”): No organization (ORG)" in html
    assert "<strong>Line 6</strong>, Client name (from “ORG”)" in html
    assert "2 cards name no organization (ORG)" in html
    assert web_alice.post(reverse("clients:import-commit", kwargs={"pk": batch.pk})).status_code == 302
    assert not Contact.objects.exists()

    assert web_alice.post(url, {"default_client": "Bad\nname"}).status_code == 200  # refused like the forms
    web_alice.post(url, {"default_client": "  Friends & referrals "})
    batch.refresh_from_db()
    assert batch.default_client == "Friends & referrals"
    assert "Importing adds 3 contacts at 2 clients (2 new)." in page(web_alice.get(url))
    web_alice.post(reverse("clients:import-commit", kwargs={"pk": batch.pk}))
    assert sorted(Contact.objects.values_list("client__name", "name")) == [
        ("Friends & referrals", "Pat Lee"), ("Friends & referrals", "Sam Roe"), ("Globex", "Hank Hill"),
    ]  # fmt: skip


def test_the_client_for_cards_without_organization_can_be_given_on_upload(web_alice):
    card = b"BEGIN:VCARD\nVERSION:3.0\nFN:Pat Lee\nEND:VCARD\n"
    upload(web_alice, "contacts.vcf", card, default_client="Friends")
    batch = ImportBatch.objects.get()
    assert batch.default_client == "Friends"
    web_alice.post(reverse("clients:import-commit", kwargs={"pk": batch.pk}))
    assert list(Contact.objects.values_list("client__name", "name")) == [("Friends", "Pat Lee")]


def test_the_preview_runs_the_same_number_of_queries_for_3_or_600_rows(web_alice, acme):
    counts = []
    for rows in (3, 600):
        body = "".join(f"Client {n % 7},Person {n},person{n}@example.com\n" for n in range(rows))
        upload(web_alice, f"people-{rows}.csv", f"Client,Contact,Email\n{body}".encode())
        batch = ImportBatch.objects.latest("pk")
        with CaptureQueriesContext(connection) as queries:
            response = web_alice.get(reverse("clients:import-preview", kwargs={"pk": batch.pk}))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    html = page(response)
    assert "The first 200 of 600 rows; all of them were checked" in html


def test_a_large_commit_writes_every_row_in_batches(web_alice, org_a):
    rows = 2_500  # more than two bulk_create batches
    body = "".join(f"Client {n % 300},Person {n},person{n}@example.com\n" for n in range(rows))
    upload(web_alice, "people.csv", f"Client,Contact,Email\n{body}".encode())
    batch = ImportBatch.objects.get()
    response = web_alice.post(reverse("clients:import-commit", kwargs={"pk": batch.pk}), follow=True)
    assert messages_of(response) == ["Imported 2,500 contacts at 300 clients (300 new)."]
    assert Contact.objects.filter(organization=org_a).count() == rows
    assert Client.objects.filter(organization=org_a).count() == 300


def test_imported_primaries_replace_the_old_ones_at_many_existing_clients(web_alice, org_a):
    count = services.BULK_BATCH_SIZE + 200  # more clients than one UPDATE takes
    clients = Client.objects.bulk_create(Client(organization=org_a, name=f"Client {n}") for n in range(count))
    Contact.objects.bulk_create(
        Contact(organization=org_a, client=client, name="Old primary", is_primary=True) for client in clients
    )
    body = "".join(f"client {n},New {n},yes\n" for n in range(count))
    upload(web_alice, "people.csv", f"Client,Contact,Primary\n{body}".encode())
    web_alice.post(reverse("clients:import-commit", kwargs={"pk": ImportBatch.objects.get().pk}))
    primaries = Contact.objects.filter(organization=org_a, is_primary=True)
    assert primaries.count() == count
    assert not primaries.filter(name="Old primary").exists()
    assert Client.objects.filter(organization=org_a).count() == count  # matched by name in any case


def test_bob_in_the_same_organization_can_finish_alices_import(web_alice, web_bob, org_a):
    upload(web_alice, "people.csv", b"Client,Contact\nGlobex,Hank\n")
    batch = ImportBatch.objects.get()
    assert web_bob.get(reverse("clients:import-preview", kwargs={"pk": batch.pk})).status_code == 200
    web_bob.post(reverse("clients:import-commit", kwargs={"pk": batch.pk}))
    assert Contact.objects.get().organization == org_a


def test_it_checks_ownership(web_alice, web_charlie, org_b):
    upload(web_alice, "people.csv", b"Client,Contact,Email\nSecret Co,Hidden Person,hidden@secret.example\n")
    batch = ImportBatch.objects.get()
    before = snapshot()
    for name in (
        "clients:import-map",
        "clients:import-preview",
        "clients:import-commit",
        "clients:import-problems",
    ):
        url = reverse(name, kwargs={"pk": batch.pk})
        get = web_charlie.get(url)
        assert get.status_code == 404, f"GET {name}"
        post = web_charlie.post(url, {"col_0": "email", "col_1": "client_name", "default_client": "Hijacked"})
        assert post.status_code == 404, f"POST {name}"
        assert "Secret Co" not in page(get) + page(post)
    batch.refresh_from_db()
    assert batch.committed_at is None and batch.mapping == {
        "0": "client_name",
        "1": "contact_name",
        "2": "email",
    }
    assert snapshot() == before
    # Charlie's own upload lands in org B and never touches org A's clients.
    upload(web_charlie, "mine.csv", b"Client,Contact\nSecret Co,Charlie's contact\n")
    mine = ImportBatch.objects.get(organization=org_b)
    assert "Importing adds 1 contact at 1 client (1 new)." in page(
        web_charlie.get(reverse("clients:import-preview", kwargs={"pk": mine.pk}))
    )
