"""The messaging app's background jobs: sending what the outbox holds, and keeping each plan in step with
its messages (a sent goodbye ticks its step off; a notice held for the call goes once the call is done)."""

from __future__ import annotations

import logging
import os
import socket
import uuid

from django.db import DatabaseError

from goodterms.accounts.orgscope import across_orgs
from goodterms.common.jobloop import Job
from goodterms.exits.models import Exit
from goodterms.messaging import outbox, services
from goodterms.messaging.models import DONE_STATES

log = logging.getLogger("goodterms.messaging")
_worker = {"pid": -1, "id": ""}
PLANS_PER_PASS = 50


def worker_id() -> str:
    """host:pid:random, made again after a fork, so every process holds leases under a name of its own."""
    if _worker["pid"] != os.getpid():
        _worker["pid"] = os.getpid()
        _worker["id"] = f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    return str(_worker["id"])


def send_messages() -> int:
    """Send one batch of due messages over one connection. Returns how many it handled, so the worker calls
    it again until idle."""
    return outbox.send_batch(worker_id())


def plans_follow_messages() -> bool:
    """Queue the notices whose call is now done, and tick off the steps of messages that went out.

    Both halves touch only what is behind, so a pass with nothing to do costs a couple of queries. Returns
    True when it changed something, so the worker calls it again until it finds nothing."""
    released = services.held_notices_release()
    behind = (
        across_orgs(Exit)
        .filter(
            state=Exit.State.RUNNING,
            messages__state__in=DONE_STATES,
            messages__step__done_on__isnull=True,
            messages__step__closed_gates=[],
        )
        .distinct()
        .select_related("client", "organization")
    )
    ticked = 0
    for exit_ in behind[:PLANS_PER_PASS]:
        try:
            ticked += services.plan_follow_messages(exit_=exit_)
        except DatabaseError:
            raise
        except Exception:
            # One exit's trouble stays with it: logged with its id, tried again at the next pass.
            log.exception("messaging: the plan of exit %s could not follow its messages", exit_.pk)
    return bool(released or ticked)


JOBS: tuple[Job, ...] = (
    Job("send messages", send_messages, every=2.0),
    Job("plans follow messages", plans_follow_messages, every=5.0),
)
