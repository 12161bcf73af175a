"""The client's status follows its exit: ended after the end date, alumni once aftercare starts."""

from __future__ import annotations

import time
from datetime import date

from django.db.models import Exists, OuterRef
from django.utils import timezone

from goodterms.clients.models import Client
from goodterms.exits.models import Exit, ExitStep

EVERY_SECONDS = 300.0
_last_run = {"at": float("-inf")}


def follow_client_statuses_once(*, force: bool = False) -> bool:
    """Returns False: one pass does all there is (the worker runs it again a few minutes later)."""
    if not force and time.monotonic() - _last_run["at"] < EVERY_SECONDS:
        return False
    _last_run["at"] = time.monotonic()
    follow_client_statuses()
    return False


def follow_client_statuses(*, client_ids: list[int] | None = None, today: date | None = None) -> None:
    """Two conditional UPDATEs, each touching only clients whose status is behind their running exit.
    Cancelling an exit sets the client active again (services.exit_cancel); nothing here moves backwards."""
    today = today or timezone.localdate()
    clients = Client.objects.all() if client_ids is None else Client.objects.filter(pk__in=client_ids)
    ended = Exit.objects.filter(client=OuterRef("pk"), state=Exit.State.RUNNING, end_date__lt=today)
    clients.filter(Exists(ended), status=Client.Status.ENDING).update(
        status=Client.Status.ENDED, updated_at=timezone.now()
    )
    aftercare = ExitStep.objects.filter(
        exit__client=OuterRef("pk"),
        exit__state=Exit.State.RUNNING,
        exit__end_date__lt=today,
        phase="aftercare",
        due__lte=today,
    )
    clients.filter(Exists(aftercare), status__in=[Client.Status.ENDING, Client.Status.ENDED]).update(
        status=Client.Status.ALUMNI, updated_at=timezone.now()
    )
