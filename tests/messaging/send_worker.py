"""The sending worker as the tests run it: `goodterms manage sendmessages` with short timings and one pause.

The pause is how a test catches the worker at a chosen point and kills it there. It is put in from outside,
by wrapping a function of goodterms.messaging.outbox, so the production code holds no test-only switch:
  --pause-after-claim S   leased, nothing sent yet (wraps build_email, which runs right after the claim)
  --pause-before-data S   handed over: handed_over_at is committed, the server has not got the message yet
  --pause-after-data S    the server accepted the message, the row is not yet marked sent
Each pause first writes --marker, so the test knows the worker got there.

Usage: python tests/messaging/send_worker.py [--once] [--lease 2] [--pause-… S --marker F]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--once", action="store_true")
    parser.add_argument("--lease", type=float)
    parser.add_argument("--backoff-base", type=float)
    parser.add_argument("--backoff-cap", type=float)
    parser.add_argument("--idle", type=float, default=0.1)
    parser.add_argument("--marker", type=Path)
    parser.add_argument("--pause-after-claim", type=float)
    parser.add_argument("--pause-before-data", type=float)
    parser.add_argument("--pause-after-data", type=float)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goodterms.settings")
    import django

    django.setup()
    import dataclasses

    from django.core.management import call_command

    from goodterms.messaging import jobs, outbox

    if args.lease is not None:
        outbox.LEASE_SECONDS = args.lease
    if args.backoff_base is not None:
        outbox.BACKOFF_BASE_SECONDS = args.backoff_base
    if args.backoff_cap is not None:
        outbox.BACKOFF_CAP_SECONDS = args.backoff_cap
    jobs.JOBS = tuple(dataclasses.replace(job, every=args.idle) for job in jobs.JOBS)

    def pause(seconds: float) -> None:
        if args.marker is not None:
            args.marker.write_text(str(os.getpid()))
        time.sleep(seconds)

    def around(
        original: Callable[..., Any], before: float | None = None, after: float | None = None
    ) -> Callable[..., Any]:
        def wrapped(*a: Any, **kw: Any) -> Any:
            if before is not None:
                pause(before)
            result = original(*a, **kw)
            if after is not None:
                pause(after)
            return result

        return wrapped

    if args.pause_after_claim is not None:
        outbox.build_email = around(outbox.build_email, before=args.pause_after_claim)
    if args.pause_before_data is not None or args.pause_after_data is not None:
        outbox._deliver = around(outbox._deliver, args.pause_before_data, args.pause_after_data)
    call_command("sendmessages", once=args.once)


if __name__ == "__main__":
    main()
