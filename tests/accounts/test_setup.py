from django.test import Client as HttpClient

from goodterms.accounts.models import Organization, User

FORM = {
    "organization_name": "Northwind Design",
    "name": "Nora North",
    "email": "Nora@Northwind.example",
    "password1": "a long and unusual passphrase",
    "password2": "a long and unusual passphrase",
}


def test_a_fresh_install_sends_every_page_to_setup(db):
    http = HttpClient()
    for path in ("/", "/clients/", "/login/", "/members/"):
        response = http.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/setup/"
    assert User.objects.count() == 0  # no default account, no default password


def test_setup_creates_the_owner_and_organization_then_disappears(db):
    http = HttpClient()
    page = http.get("/setup/")
    assert page.status_code == 200
    assert b"Create my account" in page.content

    response = http.post("/setup/", FORM)
    assert response.status_code == 302
    assert response["Location"] == "/clients/"
    owner = User.objects.get()
    assert owner.email == "nora@northwind.example"
    assert owner.role == User.Role.OWNER
    assert owner.organization.name == "Northwind Design"
    assert owner.check_password(FORM["password1"])
    assert http.get("/clients/").status_code == 200  # signed in

    assert http.get("/setup/").status_code == 404
    assert HttpClient().post("/setup/", {**FORM, "email": "mallory@evil.example"}).status_code == 404
    assert User.objects.count() == 1
    assert Organization.objects.count() == 1


def test_setup_refuses_weak_and_mismatched_passwords_and_bad_email(db):
    http = HttpClient()
    response = http.post("/setup/", {**FORM, "password1": "password", "password2": "password"})
    assert response.status_code == 200
    assert b"too common" in response.content
    response = http.post("/setup/", {**FORM, "password2": "something else entirely"})
    assert b"The two passwords differ." in response.content
    response = http.post("/setup/", {**FORM, "email": "nora@"})
    assert b"Not a valid email address" in response.content
    response = http.post("/setup/", {**FORM, "name": "Nora\r\nBcc: x@evil.example"})
    assert b"carriage return" in response.content
    assert User.objects.count() == 0
