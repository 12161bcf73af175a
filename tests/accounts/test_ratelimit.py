"""Sign-in limits behind a reverse proxy: the real client address, atomic counting, no lock-out by others."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test import Client as HttpClient
from django.test import RequestFactory, override_settings

from goodterms.accounts.models import AttemptCounter
from goodterms.common.clientaddr import client_ip
from goodterms.settings import trusted_proxies
from tests.conftest import PASSWORD

PROXY = "10.0.0.5"


def _login(http: HttpClient, email: str, password: str, *, via_proxy_for: str = "", ip: str = "203.0.113.7"):
    headers: dict[str, Any] = (
        {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": via_proxy_for}
        if via_proxy_for
        else {"REMOTE_ADDR": ip}
    )
    return http.post("/login/", {"username": email, "password": password}, **headers)


def _ip(remote: str, forwarded: str | None = None) -> str:
    meta: dict[str, Any] = {"REMOTE_ADDR": remote} | (
        {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    )
    return client_ip(RequestFactory().get("/", **meta))


@override_settings(TRUSTED_PROXIES=trusted_proxies(["10.0.0.0/8", "::1"]))
def test_forwarded_for_counts_only_from_a_trusted_proxy():
    assert _ip(PROXY, "198.51.100.1") == "198.51.100.1"
    # The client may write anything on the left; the proxy appends what it saw, which is what counts.
    assert _ip(PROXY, "192.0.2.66, 198.51.100.1") == "198.51.100.1"
    # Two proxies in a row: the right-most address that is not a trusted proxy.
    assert _ip(PROXY, "198.51.100.1, 10.0.0.9") == "198.51.100.1"
    # Not from a proxy: the header is the client's own invention.
    assert _ip("203.0.113.50", "198.51.100.1") == "203.0.113.50"
    # A garbled header from the proxy: the proxy's own address, never a made-up one.
    assert _ip(PROXY, "not-an-address") == PROXY
    assert _ip("::1", "2001:db8::7") == "2001:db8::7"


def test_without_trusted_proxies_the_header_is_ignored():
    assert _ip(PROXY, "198.51.100.1") == PROXY


@override_settings(TRUSTED_PROXIES=trusted_proxies([PROXY]), LOGIN_FAILURES_PER_IP=50)
def test_fifty_failures_behind_the_proxy_do_not_lock_out_a_user_who_never_failed(alice):
    attacker = HttpClient()
    for n in range(55):
        _login(attacker, f"random{n}@nowhere.example", "guess", via_proxy_for="198.51.100.9")
    assert (
        b"Too many failed sign-ins"
        in _login(attacker, alice.email, PASSWORD, via_proxy_for="198.51.100.9").content
    )
    response = _login(HttpClient(), alice.email, PASSWORD, via_proxy_for="203.0.113.7")
    assert response.status_code == 302


@override_settings(LOGIN_FAILURES_PER_ACCOUNT=10)
def test_guesses_from_many_addresses_pause_the_account_but_not_at_its_own_address(alice):
    assert _login(HttpClient(), alice.email, PASSWORD, ip="203.0.113.7").status_code == 302  # Alice's address
    for n in range(12):
        _login(HttpClient(), alice.email, "guess", ip=f"198.51.100.{n + 1}")
    # A new address is paused on this account, even with the right password...
    assert (
        b"Too many failed sign-ins" in _login(HttpClient(), alice.email, PASSWORD, ip="192.0.2.200").content
    )
    # ...Alice at the address she signed in from before is not.
    assert _login(HttpClient(), alice.email, PASSWORD, ip="203.0.113.7").status_code == 302


def test_the_sign_in_email_is_case_insensitive(alice):
    assert _login(HttpClient(), "  Alice@ALPHA.example ", PASSWORD).status_code == 302


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@override_settings(LOGIN_FAILURES_PER_USERNAME_AND_IP=5)
def test_forty_parallel_guesses_get_at_most_the_limit_checked(alice, monkeypatch):
    checked = []
    lock = threading.Lock()
    real = ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        with lock:
            checked.append(username)
        return real(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    barrier = threading.Barrier(40)
    statuses: list[int] = []

    def guess(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            response = _login(HttpClient(), alice.email, f"guess {n}", ip="198.51.100.77")
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(statuses) == 40, "every guess got an answer"
    assert 1 <= len(checked) <= 5, f"{len(checked)} passwords were checked against a limit of 5"
    pair = AttemptCounter.objects.get(key=f"pair:{alice.email}:198.51.100.77")
    assert pair.count == 5
