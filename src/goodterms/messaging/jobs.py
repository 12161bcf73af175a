"""The sending job: one message from the outbox per call (outbox.send_one does the work)."""

from __future__ import annotations

import os
import socket
import uuid

from goodterms.messaging import outbox

_worker = {"pid": -1, "id": ""}


def worker_id() -> str:
    """host:pid:random, made again after a fork, so every process holds leases under a name of its own."""
    if _worker["pid"] != os.getpid():
        _worker["pid"] = os.getpid()
        _worker["id"] = f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    return str(_worker["id"])


def send_messages_once() -> bool:
    """Send one due message. Returns whether there was any work, so the worker calls it again until idle."""
    return outbox.send_one(worker_id())
