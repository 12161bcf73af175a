"""Signing out says so; /favicon.ico is served and every page links its icon."""

from __future__ import annotations

import struct

from django.urls import reverse


def test_sign_out_says_you_are_signed_out(web_alice):
    response = web_alice.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "You are signed out." in response.content.decode()
    assert web_alice.get(reverse("exits:dashboard")).status_code == 302  # really signed out
    again = web_alice.get(reverse("login")).content.decode()
    assert "You are signed out." not in again  # said once


def test_favicon_is_a_real_icon(visitor, org_a):
    response = visitor.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    reserved, kind, count = struct.unpack("<HHH", response.content[:6])
    assert (reserved, kind, count) == (0, 1, 1)  # an ICO file with one image
    width, height = response.content[6], response.content[7]
    assert (width, height) == (32, 32)
    assert visitor.post("/favicon.ico").status_code == 405


def test_pages_link_the_icon(web_alice):
    page = web_alice.get(reverse("exits:dashboard")).content.decode()
    assert '<link rel="icon" href="/static/favicon' in page


def test_it_checks_ownership(web_charlie, web_alice):
    """Neither page holds an organization's data: the icon is the same for everyone, and signing out
    ends only the session that asks."""
    assert web_charlie.get("/favicon.ico").content == web_alice.get("/favicon.ico").content
    web_charlie.post(reverse("logout"))
    assert web_alice.get(reverse("exits:dashboard")).status_code == 200
