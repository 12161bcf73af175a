"""The one loop that runs background jobs: `goodterms worker` runs every app's jobs with it, and each
single-job command (`goodterms manage sendmessages`) runs its own, `--once` in tests.

A job is a function that handles one unit of work (one message, one batch, one pass of a cleanup) and
returns True (or how many units it handled) when it found some, so the loop calls it again at once, or
False, so the loop comes back after the job's interval. The job itself isolates each unit: a unit that
fails is marked failed with a reason the user can read, or pushed back for a later try. This loop is the
safety net around that:

- an exception that escapes a job is logged with its traceback, and only that job waits: its pause doubles
  with each failure in a row (up to `JOB_BACKOFF_CAP`), while the other jobs go on;
- a database that is locked or gone (OperationalError, InterfaceError) pauses every job: the connections are
  closed, and the loop tries again after a pause that doubles up to `DATABASE_BACKOFF_CAP`;
- SIGTERM and SIGINT let the unit in hand finish, then the loop stops.

State lives on the loop, not in module globals, so a test can run a fresh one.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import InterfaceError, OperationalError, close_old_connections, connections

log = logging.getLogger("goodterms.worker")

BATCH_SECONDS = 5.0  # a job that keeps finding work yields to the others after this long
JOB_BACKOFF_CAP = 900.0
DATABASE_BACKOFF_FIRST = 1.0
DATABASE_BACKOFF_CAP = 30.0
TICK = 0.2  # how often a sleeping loop looks at its stop flag


@dataclass(frozen=True)
class Job:
    """A background job: `run` handles one unit and says whether it found one; `every` is the pause, in
    seconds, after a pass that found nothing."""

    name: str
    run: Callable[[], bool | int]  # True (or how many units it handled) when it found work
    every: float


@dataclass
class _State:
    due_at: float = 0.0
    failures: int = 0


@dataclass
class Loop:
    """Runs `jobs` in turn until stopped. `beat` is called once per round, so the pages can tell when the
    worker last ran; `clock` and `sleep` are there for tests."""

    jobs: Sequence[Job]
    beat: Callable[[], None] | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    stopping: bool = False
    database_pause: float = 0.0
    states: dict[str, _State] = field(default_factory=dict)
    handled: dict[str, int] = field(default_factory=dict)  # units of work each job found, for the logs

    def stop(self, *_signal: object) -> None:
        if not self.stopping:
            log.info("worker: stopping after the unit in hand")
        self.stopping = True

    def run(self, *, once: bool = False) -> int:
        """Run until stopped; with `once`, one round: each job until it finds nothing (or fails)."""
        global _running
        _running = self
        try:
            return self._run(once=once)
        finally:
            _running = None

    def _run(self, *, once: bool) -> int:
        log.info("worker: started with %d job(s): %s", len(self.jobs), ", ".join(j.name for j in self.jobs))
        while not self.stopping:
            self.round(once=once)
            if once or self.stopping:
                break
            self._wait_until(min((state.due_at for state in self.states.values()), default=self.clock()))
        return 0

    def round(self, *, once: bool = False) -> None:
        """One round: the beat, then every job that is due."""
        if not self._guarded("heartbeat", self.beat):
            return
        for job in self.jobs:
            if self.stopping:
                return
            state = self.states.setdefault(job.name, _State())
            if not once and self.clock() < state.due_at:
                continue
            self._run_job(job, state, once=once)

    def _run_job(self, job: Job, state: _State, *, once: bool) -> None:
        started = self.clock()
        while not self.stopping:
            try:
                found = job.run()
            except (OperationalError, InterfaceError) as error:
                self._database_unavailable(job.name, error)
                return
            except Exception:
                state.failures += 1
                pause = min(JOB_BACKOFF_CAP, max(job.every, 5.0) * 2 ** (state.failures - 1))
                state.due_at = self.clock() + pause
                log.exception(
                    "worker: job %r failed (%d in a row); it waits %.0f s, the other jobs go on",
                    job.name,
                    state.failures,
                    pause,
                )
                return
            self.database_pause = 0.0
            if found:
                self.handled[job.name] = self.handled.get(job.name, 0) + int(found)
            if state.failures:
                log.info("worker: job %r works again after %d failure(s)", job.name, state.failures)
                state.failures = 0
            if not found:
                state.due_at = self.clock() + job.every
                return
            if not once and self.clock() - started > BATCH_SECONDS:
                return  # still work to do: the other jobs get their turn first

    def _guarded(self, name: str, step: Callable[[], None] | None) -> bool:
        if step is None:
            return True
        try:
            step()
        except (OperationalError, InterfaceError) as error:
            self._database_unavailable(name, error)
            return False
        except Exception:
            log.exception("worker: the %s failed; the jobs go on", name)
        return True

    def _database_unavailable(self, name: str, error: Exception) -> None:
        """Locked by another process, restarted, or unreachable: drop the connections and wait a little
        longer each time, instead of failing every job against it."""
        self.database_pause = min(
            DATABASE_BACKOFF_CAP, self.database_pause * 2 if self.database_pause else DATABASE_BACKOFF_FIRST
        )
        log.warning(
            "worker: the database is unavailable during %r (%s); trying again in %.0f s",
            name,
            error,
            self.database_pause,
        )
        connections.close_all()
        self._sleep_for(self.database_pause)

    def _wait_until(self, deadline: float) -> None:
        close_old_connections()
        self._sleep_for(deadline - self.clock())

    def _sleep_for(self, seconds: float) -> None:
        end = self.clock() + max(0.0, seconds)
        while not self.stopping and self.clock() < end:
            self.sleep(min(TICK, max(0.0, end - self.clock())))


# The loop running in this process, if any: so a long unit (a batch of messages) can ask whether it was
# told to stop and hand back what it has not started.
_running: Loop | None = None


def stop_requested() -> bool:
    """True once SIGTERM or SIGINT has asked the running loop to stop."""
    return _running is not None and _running.stopping


def run_jobs(jobs: Sequence[Job], *, once: bool = False, beat: Callable[[], None] | None = None) -> Loop:
    """Run `jobs` in a loop that SIGTERM and SIGINT stop gracefully: the worker's and each command's.
    Returns the loop when it has stopped, with what it handled."""
    loop = Loop(jobs, beat=beat)
    previous = {signum: signal.signal(signum, loop.stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        loop.run(once=once)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return loop


def job_named(jobs: Sequence[Job], name: str) -> Job:
    for job in jobs:
        if job.name == name:
            return job
    raise LookupError(f"no job named {name!r}; there are: {', '.join(job.name for job in jobs)}")
