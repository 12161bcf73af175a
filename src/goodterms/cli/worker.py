"""`goodterms worker`: runs every app's jobs in turn until stopped.

A job is a function that handles one unit of work and returns True if it found any. The worker calls
each job until it finds nothing, sleeps, and starts over. SIGTERM lets the unit in hand finish.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable

log = logging.getLogger("goodterms.worker")
IDLE_SECONDS = 5.0


def registered_jobs() -> list[Callable[[], bool]]:
    from goodterms.accounts import jobs as account_jobs
    from goodterms.exits import jobs as exit_jobs
    from goodterms.messaging import followup
    from goodterms.messaging import jobs as messaging_jobs

    return [
        account_jobs.housekeeping_once,
        exit_jobs.follow_client_statuses_once,
        messaging_jobs.send_messages_once,
        followup.followup_once,
    ]


def main(*, once: bool = False) -> int:
    stop = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stop
        stop = True
        log.info("worker: stopping after the current job")

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    jobs = registered_jobs()
    log.info("worker: started with %d job(s)", len(jobs))
    while not stop:
        for job in jobs:
            while not stop and job():
                pass
        if once:
            break
        deadline = time.monotonic() + IDLE_SECONDS
        while not stop and time.monotonic() < deadline:
            time.sleep(0.2)
    return 0
