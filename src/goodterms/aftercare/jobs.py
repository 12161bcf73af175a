"""The aftercare app's background jobs: every exit gets its first touchpoint, touchpoints that are due draft
their check-in (and write the next one), and each user gets their digest once a day.

Each job handles its units one at a time and isolates them: a unit's failure is logged with its row and
marked on it where the user can read it, and the other units go on. A database error is passed up to the
loop (common/jobloop.py), which pauses and tries again.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError
from django.db.models import Exists, OuterRef
from django.utils import timezone

from goodterms.accounts.models import User
from goodterms.accounts.orgscope import across_orgs
from goodterms.aftercare import services
from goodterms.aftercare.models import Touchpoint
from goodterms.common.jobloop import Job
from goodterms.exits.models import Exit

log = logging.getLogger("goodterms.aftercare")
PER_PASS = 50


def touchpoints_start() -> int:
    """The first touchpoint of running exits that have none yet. Returns how many it wrote."""
    without = (
        across_orgs(Exit)
        .filter(state=Exit.State.RUNNING)
        .exclude(Exists(across_orgs(Touchpoint).filter(exit=OuterRef("pk"))))
        .select_related("client", "organization", "owner", "created_by")
        .order_by("pk")[:PER_PASS]
    )
    written = 0
    for exit_ in without:
        try:
            written += services.touchpoints_start(exit_=exit_) is not None
        except DatabaseError:
            raise
        except Exception:
            log.exception("aftercare: exit %s could not get its first touchpoint", exit_.pk)
    return written


def touchpoints_come_due() -> int:
    """Draft the check-in of each touchpoint that is due, late if the worker was down at its time; a
    cancelled one is never drafted. Returns how many it handled."""
    now = timezone.now()
    due = (
        across_orgs(Touchpoint)
        .filter(state=Touchpoint.State.SCHEDULED, due_at__lte=now)
        .select_related(
            "exit__client", "exit__organization", "exit__owner", "exit__created_by", "contact", "organization"
        )
        .order_by("due_at", "pk")[:PER_PASS]
    )
    handled = 0
    for touchpoint in due:
        try:
            handled += services.touchpoint_come_due(touchpoint=touchpoint, now=now)
        except DatabaseError:
            raise
        except Exception as error:
            log.exception("aftercare: touchpoint %s could not come due", touchpoint.pk)
            across_orgs(Touchpoint).filter(pk=touchpoint.pk, state=Touchpoint.State.SCHEDULED).update(
                state=Touchpoint.State.FAILED,
                problem=f"Something went wrong drafting it ({type(error).__name__}).",
            )
            handled += 1
    return handled


def digests_send() -> int:
    """Each user's digest, once their time has come on their local day. Returns how many it sent."""
    now = timezone.now()
    sent = 0
    for user in User.objects.filter(is_active=True, organization__isnull=False).select_related(
        "organization"
    ):
        try:
            sent += services.digest_send(user=user, now=now)
        except DatabaseError:
            raise
        except Exception:
            log.exception("aftercare: the digest of user %s could not be sent", user.pk)
    return sent


JOBS: tuple[Job, ...] = (
    Job("first touchpoints", touchpoints_start, every=60.0),
    Job("touchpoints come due", touchpoints_come_due, every=30.0),
    Job("daily digests", digests_send, every=60.0),
)
