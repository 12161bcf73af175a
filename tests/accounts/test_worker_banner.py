"""The pages say so when the background worker has stopped: it records a beat, they read it."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from goodterms.accounts.models import SiteSetup, WorkerBeat
from goodterms.cli import worker

BANNER = "The background worker has not run since"


def test_a_recent_beat_shows_no_banner(web_alice):
    WorkerBeat.objects.create(at=timezone.now() - timedelta(seconds=20), worker="host:1")
    assert BANNER not in web_alice.get(reverse("clients:list")).content.decode()


def test_a_beat_older_than_five_minutes_shows_the_banner_on_every_signed_in_page(web_alice):
    WorkerBeat.objects.create(at=timezone.now() - timedelta(minutes=6), worker="host:1")
    for name in ("clients:list", "exits:dashboard", "org-settings"):
        assert BANNER in web_alice.get(reverse(name)).content.decode(), name


def test_an_install_whose_worker_never_ran_says_so_after_five_minutes(web_alice):
    SiteSetup.objects.filter(id=1).update(done_at=timezone.now() - timedelta(minutes=2))
    assert BANNER not in web_alice.get(reverse("clients:list")).content.decode()
    SiteSetup.objects.filter(id=1).update(done_at=timezone.now() - timedelta(hours=1))
    assert BANNER in web_alice.get(reverse("clients:list")).content.decode()


def test_the_sign_in_page_does_not_speak_of_it(visitor, db):
    SiteSetup.objects.create(id=1, done_at=timezone.now() - timedelta(hours=1))
    assert BANNER not in visitor.get(reverse("login")).content.decode()


def test_the_worker_records_its_beat(db):
    assert worker.main(once=True) == 0
    beat = WorkerBeat.objects.get()
    assert timezone.now() - beat.at < timedelta(minutes=1)
    assert beat.worker
