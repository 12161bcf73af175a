import re
from datetime import timedelta

from django.test import Client as HttpClient
from django.utils import timezone

from goodterms.accounts.models import Invitation, User, hash_token


def _invite(http: HttpClient, email: str) -> str:
    response = http.post("/members/invite/", {"email": email}, follow=True)
    assert response.status_code == 200
    match = re.search(r'value="(http://testserver/invite/[^"]+/)"', response.content.decode())
    assert match, "the new invitation link is shown once"
    return match.group(1).replace("http://testserver", "")


def test_owner_invites_a_member_who_joins_through_the_link_once(web_alice, org_a):
    link = _invite(web_alice, "Fay@Alpha.example")
    token = link.split("/")[2]
    invitation = Invitation.objects.get()
    assert invitation.token_hash == hash_token(token)  # only the hash is stored
    assert token not in invitation.token_hash

    newcomer = HttpClient()
    page = newcomer.get(link)
    assert page.status_code == 200 and b"Join Alpha Studio" in page.content
    response = newcomer.post(
        link,
        {"name": "Fay Fox", "password1": "a fine long passphrase", "password2": "a fine long passphrase"},
    )
    assert response.status_code == 302
    fay = User.objects.get(email="fay@alpha.example")
    assert fay.organization == org_a and fay.role == User.Role.MEMBER
    # The link works once.
    assert HttpClient().get(link).status_code == 404


def test_an_expired_invitation_does_not_work(web_alice):
    link = _invite(web_alice, "gil@alpha.example")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = HttpClient().get(link)
    assert response.status_code == 404
    assert b"does not work" in response.content


def test_a_member_cannot_invite_or_remove(web_bob, alice):
    assert web_bob.post("/members/invite/", {"email": "x@alpha.example"}).status_code == 403
    assert web_bob.post(f"/members/{alice.pk}/remove/").status_code == 403
    assert Invitation.objects.count() == 0


def test_owner_removes_a_member_but_not_themselves(web_alice, alice, bob):
    web_alice.post(f"/members/{bob.pk}/remove/")
    assert not User.objects.filter(pk=bob.pk).exists()
    web_alice.post(f"/members/{alice.pk}/remove/")
    assert User.objects.filter(pk=alice.pk).exists()


def test_it_checks_ownership(web_charlie, web_alice, bob):
    _invite(web_alice, "hal@alpha.example")
    invitation = Invitation.objects.get()
    assert web_charlie.post(f"/members/invitations/{invitation.pk}/revoke/").status_code == 404
    assert web_charlie.post(f"/members/{bob.pk}/remove/").status_code == 404
    page = web_charlie.get("/members/").content.decode()
    assert "hal@alpha.example" not in page and "bob@alpha.example" not in page
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    assert User.objects.filter(pk=bob.pk).exists()
