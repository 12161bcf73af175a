"""Settings: the owner sets the notice rules and the holiday country; everyone sets their own time zone."""

from __future__ import annotations

from django.urls import reverse

from goodterms.accounts.models import Organization, User


def test_owner_sets_notice_rules_and_country(web_alice, org_a):
    response = web_alice.post(
        reverse("org-settings"),
        {"form": "rules", "minimum_notice_days": "21", "money_notice_days": "45", "country": "GB"},
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert (org_a.minimum_notice_days, org_a.money_notice_days, org_a.country) == (21, 45, "GB")


def test_bad_rules_are_named_and_nothing_is_saved(web_alice, org_a):
    response = web_alice.post(
        reverse("org-settings"),
        {"form": "rules", "minimum_notice_days": "40", "money_notice_days": "20", "country": "ZZ"},
    )
    content = response.content.decode()
    assert "cannot be shorter than the minimum" in content
    assert "Select a valid choice" in content
    org_a.refresh_from_db()
    assert (org_a.minimum_notice_days, org_a.money_notice_days, org_a.country) == (30, 60, "")


def test_a_member_reads_the_rules_but_cannot_change_them(web_bob, org_a):
    page = web_bob.get(reverse("org-settings"))
    assert page.status_code == 200 and "Only the organization's owner" in page.content.decode()
    refused = web_bob.post(
        reverse("org-settings"), {"form": "rules", "minimum_notice_days": "1", "money_notice_days": "1"}
    )
    assert refused.status_code == 403
    assert Organization.objects.get(pk=org_a.pk).minimum_notice_days == 30


def test_everyone_sets_their_time_zone(web_bob, bob):
    web_bob.post(reverse("org-settings"), {"form": "zone", "time_zone": "Europe/Lisbon"})
    assert User.objects.get(pk=bob.pk).time_zone == "Europe/Lisbon"
    web_bob.post(reverse("org-settings"), {"form": "zone", "time_zone": "Mars/Olympus"})
    assert User.objects.get(pk=bob.pk).time_zone == "Europe/Lisbon"


def test_it_checks_ownership(web_charlie, org_a):
    """The page edits only the signed-in user's own organization: Charlie's post leaves org A alone."""
    web_charlie.post(
        reverse("org-settings"), {"form": "rules", "minimum_notice_days": "5", "money_notice_days": "5"}
    )
    assert Organization.objects.get(pk=org_a.pk).minimum_notice_days == 30
