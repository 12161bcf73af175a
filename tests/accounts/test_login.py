from django.test import Client as HttpClient
from django.test import override_settings

from tests.conftest import PASSWORD


def _login(http: HttpClient, email: str, password: str, ip: str = "203.0.113.7"):
    return http.post("/login/", {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_sign_in_rotates_the_session(alice):
    http = HttpClient()
    session = http.session  # an anonymous session, as a visitor has before signing in
    session["before"] = "x"
    session.save()
    before = http.cookies["sessionid"].value
    response = _login(http, alice.email, PASSWORD)
    assert response.status_code == 302
    after = http.cookies["sessionid"].value
    assert after and after != before


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(alice):
    response = _login(HttpClient(), alice.email, "not the password")
    assert response.status_code == 200
    assert b"Please enter a correct email and password" in response.content


@override_settings(LOGIN_FAILURES_PER_USERNAME_AND_IP=3)
def test_failures_are_limited_per_username_and_ip_without_locking_out_the_victim(alice):
    attacker = HttpClient()
    for _ in range(3):
        _login(attacker, alice.email, "guess", ip="198.51.100.9")
    # The attacker is now paused, even with the right password...
    response = _login(attacker, alice.email, PASSWORD, ip="198.51.100.9")
    assert response.status_code == 200
    assert b"Too many failed sign-ins" in response.content
    # ...but Alice, from her own network, still gets in.
    response = _login(HttpClient(), alice.email, PASSWORD, ip="203.0.113.7")
    assert response.status_code == 302


@override_settings(LOGIN_FAILURES_PER_IP=4)
def test_one_address_cannot_spray_many_usernames(alice):
    sprayer = HttpClient()
    for n in range(4):
        _login(sprayer, f"user{n}@alpha.example", "guess", ip="198.51.100.10")
    response = _login(sprayer, alice.email, PASSWORD, ip="198.51.100.10")
    assert b"Too many failed sign-ins" in response.content


def test_a_success_clears_earlier_failures(alice):
    http = HttpClient()
    with override_settings(LOGIN_FAILURES_PER_USERNAME_AND_IP=3):
        _login(http, alice.email, "typo one")
        _login(http, alice.email, "typo two")
        assert _login(http, alice.email, PASSWORD).status_code == 302
        http.post("/logout/")
        _login(http, alice.email, "typo three")
        _login(http, alice.email, "typo four")
        assert _login(http, alice.email, PASSWORD).status_code == 302


def test_sign_out_needs_a_post_with_csrf(alice):
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(alice)
    assert http.post("/logout/").status_code == 403  # no CSRF token
    assert http.get("/clients/").status_code == 200
