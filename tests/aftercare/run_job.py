"""One worker of a race, in its own process: set up, wait for the start file, then do one thing once.

The workers also meet just before the write that decides (a touchpoint's conditional UPDATE, a digest
day's INSERT), so each has read the rows as they were before any of them wrote: two workers that woke at
the same moment. Meeting only delays a worker; the code under test runs as it is. On SQLite the first to
write holds the lock and the others cannot reach the meeting point, so it waits a moment, not for them.

Usage: python tests/aftercare/run_job.py START_FILE WORKERS touchpoints   (prints how many it drafted)
       python tests/aftercare/run_job.py START_FILE WORKERS digests       (prints how many it claimed)
       python tests/aftercare/run_job.py START_FILE WORKERS ask EXIT CONTACT  (prints "asked" or why not)
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MEET_SECONDS = 3.0


def meet(folder: Path, workers: int) -> None:
    """Wait until all the workers are here (or a few seconds have passed)."""
    folder.mkdir(exist_ok=True)
    (folder / str(os.getpid())).touch()
    deadline = time.monotonic() + MEET_SECONDS
    while len(list(folder.iterdir())) < workers and time.monotonic() < deadline:
        time.sleep(0.005)


def meeting_first(call: Callable[..., Any], folder: Path, workers: int) -> Callable[..., Any]:
    def delayed(*args: Any, **kwargs: Any) -> Any:
        meet(folder, workers)
        return call(*args, **kwargs)

    return delayed


def main() -> None:
    start, workers, what, *rest = sys.argv[1:]
    here = Path(start).parent / f"meet-{Path(start).name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goodterms.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models.signals import pre_save

    from goodterms.accounts.orgscope import across_orgs
    from goodterms.aftercare import jobs, services
    from goodterms.aftercare.models import Ask, DigestSent
    from goodterms.clients.models import Contact
    from goodterms.exits.models import Exit

    connection.ensure_connection()  # connected before the start, so both begin the work itself together
    services.touchpoint_come_due = meeting_first(services.touchpoint_come_due, here, int(workers))
    pre_save.connect(lambda **_: meet(here, int(workers)), sender=DigestSent, weak=False)
    if what == "ask":
        exit_ = across_orgs(Exit).select_related("organization", "client").get(pk=int(rest[0]))
        contact = across_orgs(Contact).get(pk=int(rest[1]))
        assert exit_.owner is not None
    deadline = time.monotonic() + 60
    while not Path(start).exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    if what == "touchpoints":
        print(jobs.touchpoints_come_due())
    elif what == "digests":
        print(jobs.digests_send())
    elif what == "ask":
        meet(here, int(workers))
        owner = exit_.owner
        assert owner is not None
        try:
            services.ask_record(exit_=exit_, contact=contact, kind=Ask.Kind.REFERRAL, user=owner)
        except services.AftercareRefused as refused:
            print(f"refused: {refused.message}")
        else:
            print("asked")
    else:
        raise SystemExit(f"unknown job {what!r}")


if __name__ == "__main__":
    main()
