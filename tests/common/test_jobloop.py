"""The job loop: a failing job waits while the others go on, a database in trouble pauses the loop, and
`--once` runs each job until it finds nothing. A fake clock, so nothing here sleeps."""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError, connections

from goodterms.common import jobloop
from goodterms.common.jobloop import Job, Loop


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds


def units(count: int) -> tuple[list[int], Job]:
    """A job with `count` units of work; the list records each unit it handled."""
    done: list[int] = []

    def run() -> bool:
        if len(done) >= count:
            return False
        done.append(len(done))
        return True

    return done, Job("units", run, every=2.0)


def test_once_runs_each_job_until_it_finds_nothing():
    done, job = units(5)
    other, job2 = units(2)
    loop = Loop([job, Job("more", job2.run, every=5.0)], clock=Clock(), sleep=lambda s: None)
    loop.run(once=True)
    assert done == [0, 1, 2, 3, 4] and other == [0, 1]
    assert loop.handled == {"units": 5, "more": 2}


def test_a_failing_job_backs_off_while_the_others_go_on(caplog):
    clock = Clock()
    calls = {"broken": 0, "fine": 0}

    def broken() -> bool:
        calls["broken"] += 1
        raise RuntimeError("a bug in one job")

    def fine() -> bool:
        calls["fine"] += 1
        return False

    loop = Loop(
        [Job("broken", broken, every=1.0), Job("fine", fine, every=1.0)], clock=clock, sleep=clock.sleep
    )
    with caplog.at_level(logging.ERROR, logger="goodterms.worker"):
        for _ in range(40):
            loop.round()
            clock.sleep(1.0)
    # 40 s: the fine job ran every second, the broken one at 0, 5, 15, 35 s (5 s doubling) and then waits.
    assert calls["fine"] >= 35
    assert calls["broken"] == 4
    assert loop.states["broken"].failures == 4
    assert "a bug in one job" in caplog.text and "the other jobs go on" in caplog.text


def test_a_job_that_works_again_is_forgiven():
    clock = Clock()
    calls = []

    def flaky() -> bool:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("flaky")
        return False

    loop = Loop([Job("flaky", flaky, every=1.0)], clock=clock, sleep=clock.sleep)
    loop.round()
    assert loop.states["flaky"].failures == 1
    clock.sleep(10)
    loop.round()
    assert loop.states["flaky"].failures == 0


def test_a_database_in_trouble_pauses_the_loop_longer_each_time(monkeypatch):
    clock = Clock()
    closed = []
    monkeypatch.setattr(connections, "close_all", lambda: closed.append(True))

    def locked() -> bool:
        raise OperationalError("database is locked")

    loop = Loop([Job("send", locked, every=1.0)], clock=clock, sleep=clock.sleep)
    pauses = []
    for _ in range(7):
        before = clock.slept
        loop.round(once=True)
        pauses.append(round(clock.slept - before, 6))
    assert pauses == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert len(closed) == 7
    assert loop.states["send"].failures == 0  # the database's trouble, not the job's


def test_the_beat_is_part_of_each_round_and_a_locked_beat_skips_it(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(connections, "close_all", lambda: None)
    beats = []
    done, job = units(3)

    def beat() -> None:
        beats.append(clock.now)
        if len(beats) == 1:
            raise OperationalError("database is locked")

    loop = Loop([job], beat=beat, clock=clock, sleep=clock.sleep)
    loop.round(once=True)
    assert done == [] and loop.database_pause == 1.0
    loop.round(once=True)
    assert done == [0, 1, 2] and len(beats) == 2


def test_stop_lets_the_unit_in_hand_finish():
    clock = Clock()
    handled = []
    loop = Loop([], clock=clock, sleep=clock.sleep)

    def run() -> bool:
        handled.append(1)
        loop.stop()
        return True

    loop.jobs = [Job("one", run, every=1.0)]
    assert loop.run() == 0
    assert handled == [1]


def test_a_busy_job_yields_to_the_others(monkeypatch):
    clock = Clock()
    order = []

    def busy() -> bool:
        order.append("busy")
        clock.now += 1.0
        return True

    def quiet() -> bool:
        order.append("quiet")
        return False

    monkeypatch.setattr(jobloop, "BATCH_SECONDS", 3.0)
    loop = Loop(
        [Job("busy", busy, every=1.0), Job("quiet", quiet, every=1.0)], clock=clock, sleep=clock.sleep
    )
    loop.round()
    assert order == ["busy"] * 4 + ["quiet"]


def test_job_named_says_which_jobs_there_are():
    with pytest.raises(LookupError, match="there are: units"):
        jobloop.job_named([units(1)[1]], "nope")
