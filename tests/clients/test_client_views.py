from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goodterms.clients.models import Client, Contact


def test_create_a_client_then_two_contacts(web_alice, org_a):
    response = web_alice.post(
        "/clients/new/",
        {
            "name": "Globex",
            "company": "Globex Ltd",
            "status": "active",
            "start_date": "2024-03-01",
            "tags": "Retainer; design, retainer",
            "notes": "Monthly retainer since spring.",
        },
    )
    globex = Client.objects.get(name="Globex")
    assert response["Location"] == f"/clients/{globex.pk}/"
    assert globex.organization == org_a
    assert globex.tags == "design, retainer"

    web_alice.post(
        f"/clients/{globex.pk}/contacts/new/",
        {
            "name": "Hank Hill",
            "email": "Hank@Globex.example",
            "phone": "",
            "role": "CEO",
            "preferred_channel": "phone",
            "is_primary": "on",
            "together_notes": "Relaunched the shop together.",
        },
    )
    web_alice.post(
        f"/clients/{globex.pk}/contacts/new/",
        {
            "name": "Iris Ito",
            "email": "iris@globex.example",
            "preferred_channel": "email",
            "is_primary": "on",
        },
    )
    contacts = {c.name: c for c in Contact.objects.filter(client=globex)}
    assert (
        contacts["Hank Hill"].email == "Hank@globex.example"
    )  # the domain is normalised, the local part kept
    assert not contacts["Hank Hill"].is_primary  # a client has one primary contact: the last one marked
    assert contacts["Iris Ito"].is_primary
    page = web_alice.get(f"/clients/{globex.pk}/").content.decode()
    assert "Hank Hill" in page and "Iris Ito" in page and "Relaunched the shop together." in page


def test_contact_fields_refuse_header_breaking_characters_and_bad_addresses(web_alice, acme):
    response = web_alice.post(
        f"/clients/{acme.pk}/contacts/new/",
        {
            "name": "Mallory\nBcc: everyone@example.com",
            "email": "mallory@example.com",
            "preferred_channel": "email",
        },
    )
    assert response.status_code == 200
    assert "line feed (LF)" in response.content.decode()
    response = web_alice.post(
        f"/clients/{acme.pk}/contacts/new/",
        {
            "name": "Mallory",
            "email": "mallory@example.com\r\nBcc: a@b.example",
            "preferred_channel": "email",
        },
    )
    assert "carriage return (CR)" in response.content.decode()
    response = web_alice.post(
        f"/clients/{acme.pk}/contacts/new/",
        {
            "name": "Mallory",
            "email": "mallory at example",
            "preferred_channel": "email",
        },
    )
    assert "Not a valid email address" in response.content.decode()
    response = web_alice.post(
        f"/clients/{acme.pk}/contacts/new/", {"name": "M" * 201, "preferred_channel": "email"}
    )
    assert "at most 200 characters" in response.content.decode()
    assert not Contact.objects.filter(name__startswith="M").exists()


def test_edit_and_archive_and_restore(web_alice, acme):
    web_alice.post(f"/clients/{acme.pk}/edit/", {"name": "Acme Corp", "status": "ending", "tags": ""})
    acme.refresh_from_db()
    assert acme.status == "ending"
    web_alice.post(f"/clients/{acme.pk}/archive/")
    assert f"/clients/{acme.pk}/" not in web_alice.get("/clients/").content.decode()
    assert f"/clients/{acme.pk}/" in web_alice.get("/clients/?archived=1").content.decode()
    web_alice.post(f"/clients/{acme.pk}/archive/", {"undo": "1"})
    assert f"/clients/{acme.pk}/" in web_alice.get("/clients/").content.decode()


def test_list_searches_names_companies_contacts_and_emails_and_filters_by_status(web_alice, org_a, acme):
    Client.objects.create(organization=org_a, name="Initech", status="ended", tags="legacy")
    assert "Acme Corp" in web_alice.get("/clients/?q=dana@acme").content.decode()
    assert "Acme Corp" in web_alice.get("/clients/?q=eli evans").content.decode()
    page = web_alice.get("/clients/?q=initech").content.decode()
    assert "Initech" in page and "Acme Corp" not in page
    page = web_alice.get("/clients/?status=ended").content.decode()
    assert "Initech" in page and "Acme Corp" not in page
    page = web_alice.get("/clients/?tag=retainer").content.decode()
    assert "Acme Corp" in page and "Initech" not in page
    assert "Acme Corp" in web_alice.get("/clients/?status=bogus").content.decode()  # unknown filter ignored


def test_list_paginates(web_alice, org_a):
    Client.objects.bulk_create(Client(organization=org_a, name=f"Client {n:03}") for n in range(120))
    first = web_alice.get("/clients/").content.decode()
    assert "Client 000" in first and "Client 050" not in first and "Page 1 of 3" in first
    last = web_alice.get("/clients/?page=3").content.decode()
    assert "Client 119" in last and "Client 099" not in last
    assert web_alice.get("/clients/?page=999").status_code == 200  # past the end shows the last page


def _list_queries(http, path):
    http.get(path)  # warm the per-process caches (the setup check) so only the page's own queries count
    with CaptureQueriesContext(connection) as ctx:
        assert http.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_list_runs_a_constant_number_of_queries_whatever_the_page_size(web_alice, org_a):
    few = Client.objects.bulk_create(Client(organization=org_a, name=f"Small {n}") for n in range(3))
    for client in few:
        Contact.objects.create(organization=org_a, client=client, name="One", email=f"{client.pk}@x.example")
    small = _list_queries(web_alice, "/clients/")
    many = Client.objects.bulk_create(Client(organization=org_a, name=f"Big {n}") for n in range(60))
    Contact.objects.bulk_create(
        Contact(organization=org_a, client=client, name=f"P{i}", email=f"{client.pk}.{i}@x.example")
        for client in many
        for i in range(3)
    )
    assert _list_queries(web_alice, "/clients/") == small
    assert _list_queries(web_alice, "/clients/?q=big") == small


def test_detail_runs_a_constant_number_of_queries(web_alice, org_a, acme):
    before = _list_queries(web_alice, f"/clients/{acme.pk}/")
    Contact.objects.bulk_create(
        Contact(organization=org_a, client=acme, name=f"Extra {i}") for i in range(30)
    )
    assert _list_queries(web_alice, f"/clients/{acme.pk}/") == before


def test_it_checks_ownership(web_charlie, acme):
    dana = acme.contacts.get(name="Dana Diaz")
    for path in (
        f"/clients/{acme.pk}/",
        f"/clients/{acme.pk}/edit/",
        f"/clients/{acme.pk}/contacts/new/",
        f"/clients/{acme.pk}/contacts/{dana.pk}/edit/",
    ):
        assert web_charlie.get(path).status_code == 404, path
    for path in (
        f"/clients/{acme.pk}/archive/",
        f"/clients/{acme.pk}/contacts/{dana.pk}/delete/",
        f"/clients/{acme.pk}/edit/",
    ):
        assert web_charlie.post(path, {"name": "Hijacked"}).status_code == 404, path
    acme.refresh_from_db()
    assert acme.name == "Acme Corp" and acme.archived_at is None
    assert Contact.objects.filter(pk=dana.pk).exists()
    assert "Acme Corp" not in web_charlie.get("/clients/?q=acme").content.decode()


def test_a_contact_of_another_client_is_not_reachable_through_this_one(web_alice, org_a, acme):
    other = Client.objects.create(organization=org_a, name="Other")
    dana = acme.contacts.get(name="Dana Diaz")
    assert web_alice.get(f"/clients/{other.pk}/contacts/{dana.pk}/edit/").status_code == 404


def test_pages_need_a_signed_in_user(org_a, acme, visitor):
    response = visitor.get(f"/clients/{acme.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# --- the primary contact, chosen on the client ------------------------------------------------------------


def test_the_list_shows_only_a_real_primary_contact(web_alice, org_a):
    nimbus = Client.objects.create(organization=org_a, name="Nimbus")
    Contact.objects.create(organization=org_a, client=nimbus, name="Accounts Team", email="ap@nimbus.example")
    text = web_alice.get(reverse("clients:list")).content.decode()
    row = text.split(">Nimbus</a>")[1].split("</tr>")[0]
    assert "Accounts Team" not in row
    assert "None chosen" in row


def test_make_primary_moves_the_mark_and_says_what_it_means(web_alice, acme):
    eli = acme.contacts.get(name="Eli Evans")
    response = web_alice.post(reverse("clients:contact-make-primary", args=[acme.pk, eli.pk]))
    assert response.status_code == 302
    assert list(acme.contacts.filter(is_primary=True).values_list("name", flat=True)) == ["Eli Evans"]
    page = web_alice.get(response["Location"]).content.decode()
    assert "Eli Evans is the primary contact of Acme Corp" in page
    row = web_alice.get(reverse("clients:list")).content.decode().split(">Acme Corp</a>")[1].split("</tr>")[0]
    assert "Eli Evans" in row and "Dana Diaz" not in row


def test_a_client_without_a_primary_contact_says_so_on_its_page(web_alice, acme):
    acme.contacts.update(is_primary=False)
    page = web_alice.get(reverse("clients:detail", args=[acme.pk])).content.decode()
    assert "Acme Corp has no primary contact" in page
    assert page.count(">Make primary<") == 2  # one button per person (the callout names it too)


def test_make_primary_is_post_only_and_404_for_another_organization(web_alice, web_charlie, acme):
    eli = acme.contacts.get(name="Eli Evans")
    url = reverse("clients:contact-make-primary", args=[acme.pk, eli.pk])
    assert web_alice.get(url).status_code == 405
    assert web_charlie.post(url).status_code == 404
    eli.refresh_from_db()
    assert not eli.is_primary


def test_one_or_two_letters_search_the_start_of_names_three_search_anywhere(web_alice, org_a):
    anna = Client.objects.create(organization=org_a, name="Anna's Bakery")
    banana = Client.objects.create(organization=org_a, name="Banana Co", tags="fruit, antiques")
    people = Client.objects.create(organization=org_a, name="People Inc")
    Contact.objects.create(organization=org_a, client=people, name="Dana Diaz", email="andy@people.example")
    quiet = Client.objects.create(organization=org_a, name="Quiet Ltd")
    Contact.objects.create(organization=org_a, client=quiet, name="Anders Berg", email="")

    def names(q: str) -> set[str]:
        page = web_alice.get("/clients/", {"q": q}).content.decode()
        return {c.name for c in (anna, banana, people, quiet) if f"/clients/{c.pk}/" in page}

    # "an": Anna's (name), People (an email), Quiet (a contact's name); not Banana ("an" inside a word).
    assert names("an") == {"Anna's Bakery", "People Inc", "Quiet Ltd"}
    assert names("ba") == {"Banana Co"}, "Anna's Bakery has 'ba' inside a word, not at the start"
    assert names("b") == {"Banana Co"}
    assert names("ana") == {"Banana Co", "People Inc"}, "three letters: anywhere (Banana, Dana)"
    page = web_alice.get("/clients/", {"q": "ba"}).content.decode()
    assert "starts with “ba” — type a third letter to search anywhere" in page
    assert "One or two letters find what starts with them" in page
    assert "type a third letter" not in web_alice.get("/clients/", {"q": "ban"}).content.decode()


def test_a_contact_form_refuses_an_email_another_client_s_contact_has(web_alice, org_a, org_b, acme):
    globex = Client.objects.create(organization=org_a, name="Globex")
    form = {
        "name": "Dana Two",
        "email": "DANA@acme.example",
        "phone": "",
        "role": "",
        "preferred_channel": "email",
    }
    response = web_alice.post(f"/clients/{globex.pk}/contacts/new/", form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dana Diaz at Acme Corp already has this email address." in html
    assert not Contact.objects.filter(name="Dana Two").exists()
    # Another organization's contact with that address does not count, and a contact keeps its own address.
    other = Client.objects.create(organization=org_b, name="Elsewhere")
    Contact.objects.create(organization=org_b, client=other, name="Zed", email="zed@globex.example")
    web_alice.post(f"/clients/{globex.pk}/contacts/new/", {**form, "email": "zed@globex.example"})
    zed = Contact.objects.get(organization=org_a, email="zed@globex.example")
    response = web_alice.post(
        f"/clients/{globex.pk}/contacts/{zed.pk}/edit/",
        {**form, "name": "Zed Z", "email": "Zed@globex.example"},
    )
    assert response.status_code == 302
    zed.refresh_from_db()
    assert zed.name == "Zed Z"


def test_other_emails_and_phones_are_kept_and_shown_but_never_the_address(web_alice, org_a, acme):
    dana = Contact.objects.get(name="Dana Diaz")
    form = {
        "name": "Dana Diaz",
        "email": "dana@acme.example",
        "phone": "",
        "role": "CTO",
        "preferred_channel": "email",
        "other_emails": "dana@home.example\n",
        "other_phones": "+44 7700 900123",
    }
    assert web_alice.post(f"/clients/{acme.pk}/contacts/{dana.pk}/edit/", form).status_code == 302
    dana.refresh_from_db()
    assert (dana.email, dana.other_emails) == ("dana@acme.example", "dana@home.example")
    page = web_alice.get(f"/clients/{acme.pk}/").content.decode()
    assert "dana@home.example" in page and "+44 7700 900123" in page
