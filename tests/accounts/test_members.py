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


JOIN = {"name": "Hal Hart", "password1": "a fine long passphrase", "password2": "a fine long passphrase"}


def test_the_invitation_is_emailed_and_its_link_kept_nowhere_in_clear(web_alice):
    from django.contrib.sessions.models import Session
    from django.core import mail

    link = _invite(web_alice, "hal@alpha.example")
    token = link.split("/")[2]
    assert [m.to for m in mail.outbox] == [["hal@alpha.example"]]
    assert f"http://testserver{link}" in mail.outbox[0].body
    assert mail.outbox[0].subject == "Join Alpha Studio on goodterms"
    for session in Session.objects.all():
        assert token not in str(session.get_decoded()) and token not in session.session_data
    assert web_alice.get("/members/").content.count(token.encode()) == 0, "shown once, on the invite's answer"


def test_a_second_invitation_to_the_same_address_replaces_the_first(web_alice):
    first = _invite(web_alice, "hal@alpha.example")
    second = _invite(web_alice, "HAL@alpha.example")
    assert Invitation.objects.filter(email="hal@alpha.example").count() == 1
    assert HttpClient().get(first).status_code == 404
    assert HttpClient().post(second, JOIN).status_code == 302


def test_accepting_when_the_address_has_an_account_already_is_refused_not_an_error(web_alice, web_charlie):
    alpha = _invite(web_alice, "hal@both.example")
    bravo = _invite(web_charlie, "hal@both.example")
    assert HttpClient().post(alpha, JOIN).status_code == 302
    response = HttpClient().post(bravo, JOIN, follow=True)
    assert response.status_code == 200
    assert b"already has an account" in response.content
    assert User.objects.filter(email="hal@both.example").count() == 1


def test_the_owner_chooses_the_role(web_alice, org_a):
    response = web_alice.post("/members/invite/", {"email": "ivy@alpha.example", "role": "owner"})
    found = re.search(r'value="http://testserver(/invite/[^"]+/)"', response.content.decode())
    assert found
    link = found.group(1)
    HttpClient().post(link, JOIN)
    assert User.objects.get(email="ivy@alpha.example").role == User.Role.OWNER


def test_ownership_is_handed_over_and_an_organization_always_keeps_an_owner(web_alice, alice, bob):
    assert web_alice.post(f"/members/{alice.pk}/deactivate/").status_code == 302
    alice.refresh_from_db()
    assert alice.is_active, "an owner cannot deactivate themselves"
    web_alice.post(f"/members/{bob.pk}/transfer/")
    alice.refresh_from_db()
    bob.refresh_from_db()
    assert (alice.role, bob.role) == (User.Role.MEMBER, User.Role.OWNER)
    bobs = HttpClient()
    bobs.force_login(bob)
    bobs.post(f"/members/{bob.pk}/role/", {"role": "member"})
    bob.refresh_from_db()
    assert bob.role == User.Role.OWNER, "the last owner cannot step down"
    assert web_alice.post("/members/invite/", {"email": "x@alpha.example"}).status_code == 403


def test_roles_and_deactivation_are_the_owners_only(web_bob, alice):
    for action in ("deactivate", "role", "transfer", "reactivate"):
        assert web_bob.post(f"/members/{alice.pk}/{action}/", {"role": "member"}).status_code == 403


def test_when_the_invitation_email_fails_the_link_is_there_to_copy(web_alice, smtp_settings):
    smtp_settings.stop()
    response = web_alice.post("/members/invite/", {"email": "jo@alpha.example"})
    assert response.status_code == 200
    assert b"could not be sent" in response.content
    assert re.search(r'value="http://testserver/invite/[^"]+/"', response.content.decode())
