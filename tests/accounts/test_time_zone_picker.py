"""The time-zone picker: current Area/City names with their offset, the browser's zone proposed by a static
script, and the server refusing a name it does not know."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from django.urls import reverse

from goodterms.accounts import timezones
from goodterms.accounts.models import User

JS = Path(__file__).resolve().parents[2] / "src" / "goodterms" / "static" / "js" / "timezone.js"


def test_only_current_area_city_names_are_offered():
    names = set(timezones.zone_names())
    assert {"Europe/Lisbon", "Asia/Kolkata", "America/Argentina/Buenos_Aires", "Europe/Amsterdam"} <= names
    legacy = {"W-SU", "Etc/GMT+9", "US/Pacific", "US/Pacific-New", "Asia/Calcutta", "EST5EDT", "GB", "UTC"}
    assert not names & legacy
    assert all(name.split("/")[0] in timezones.AREAS for name in names)
    assert 300 < len(names) < 450  # the current zones, not the ~600 names with every alias


def test_offsets_follow_summer_time():
    winter, summer = datetime(2026, 1, 15, tzinfo=UTC), datetime(2026, 7, 15, tzinfo=UTC)
    assert timezones.utc_offset("Europe/Lisbon", winter) == "UTC"
    assert timezones.utc_offset("Europe/Lisbon", summer) == "UTC+01:00"
    assert timezones.utc_offset("Asia/Kolkata", winter) == "UTC+05:30"
    assert timezones.utc_offset("America/Sao_Paulo", winter) == "UTC-03:00"
    assert ("Asia/Kolkata", "Asia/Kolkata — UTC+05:30") in timezones.zone_choices(winter)


def test_the_page_offers_a_datalist_and_the_browser_zone(web_bob):
    page = web_bob.get(reverse("org-settings")).content.decode()
    assert 'list="time-zones"' in page and '<datalist id="time-zones">' in page
    assert '<option value="Europe/Lisbon"' in page
    assert 'value="W-SU"' not in page and 'value="Etc/GMT+9"' not in page
    assert re.search(r"<p [^>]*data-browser-zone [^>]*hidden>", page)  # shown by the script, if field empty
    assert "Asia/Calcutta=Asia/Kolkata" in page, "the old names a browser may report, for the script"
    assert 'src="/static/js/timezone.js"' in page
    script = JS.read_text()
    assert "Intl.DateTimeFormat().resolvedOptions().timeZone" in script
    assert "<script>" not in page.split("<body>", 1)[1].replace('<script src="', "")


def test_a_chosen_zone_is_not_proposed_over(web_bob, bob):
    bob.time_zone = "Europe/Lisbon"
    bob.save(update_fields=["time_zone"])
    page = web_bob.get(reverse("org-settings")).content.decode()
    assert "data-browser-zone" not in page.replace("data-browser-zone-name", "")
    assert 'value="Europe/Lisbon"' in page


def test_the_server_checks_the_name(web_bob, bob):
    response = web_bob.post(reverse("org-settings"), {"form": "zone", "time_zone": "europe/lisbon"})
    assert response.status_code == 302
    assert User.objects.get(pk=bob.pk).time_zone == "Europe/Lisbon"  # written as the list spells it
    refused = web_bob.post(reverse("org-settings"), {"form": "zone", "time_zone": "Mars/Olympus_Mons"})
    assert refused.status_code == 200
    assert "“Mars/Olympus_Mons” is not a time zone goodterms knows." in refused.content.decode()
    hinted = web_bob.post(reverse("org-settings"), {"form": "zone", "time_zone": "Asia/Lisbon"})
    assert "Did you mean Europe/Lisbon?" in hinted.content.decode()
    assert User.objects.get(pk=bob.pk).time_zone == "Europe/Lisbon"
    web_bob.post(reverse("org-settings"), {"form": "zone", "time_zone": ""})
    assert User.objects.get(pk=bob.pk).time_zone == ""


def test_an_old_name_is_taken_as_the_current_one(web_bob, bob):
    """Chromium reports Kolkata as "Asia/Calcutta" and the tz database keeps such names as links."""
    assert timezones.renamed()["Asia/Calcutta"] == "Asia/Kolkata"
    assert timezones.renamed()["America/Buenos_Aires"] == "America/Argentina/Buenos_Aires"
    assert timezones.renamed()["US/Pacific"] == "America/Los_Angeles"
    assert set(timezones.renamed().values()) <= set(timezones.zone_names())
    assert not set(timezones.renamed()) & set(timezones.zone_names())
    response = web_bob.post(reverse("org-settings"), {"form": "zone", "time_zone": "asia/calcutta"})
    assert response.status_code == 302
    assert User.objects.get(pk=bob.pk).time_zone == "Asia/Kolkata"


def test_it_checks_ownership(web_charlie, bob):
    """Charlie's zone change is his own: Bob of org A keeps his."""
    bob.time_zone = "Asia/Tokyo"
    bob.save(update_fields=["time_zone"])
    web_charlie.post(reverse("org-settings"), {"form": "zone", "time_zone": "Europe/Lisbon"})
    assert User.objects.get(pk=bob.pk).time_zone == "Asia/Tokyo"
