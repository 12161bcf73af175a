"""The exits app's background job: clients' statuses follow their exits as the days pass."""

from __future__ import annotations

from goodterms.common.jobloop import Job
from goodterms.exits import services


def client_statuses_follow() -> bool:
    """Clients whose exit ended become ended, then alumni once aftercare starts: two conditional UPDATEs
    over every organization. Returns False: one pass does all there is."""
    services.client_statuses_follow()
    return False


JOBS: tuple[Job, ...] = (Job("client statuses", client_statuses_follow, every=300.0),)
