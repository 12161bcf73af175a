"""The plan follows the messages: a sent goodbye ticks its step off; a held notice goes once the call is done.

One job, run by the worker: both halves are conditional (they touch only what is behind), so running it often
costs a couple of queries when there is nothing to do.
"""

from __future__ import annotations

from goodterms.exits.models import Exit
from goodterms.messaging import services


def followup_once() -> bool:
    """Returns True when it changed something, so the worker calls it again until it finds nothing."""
    released = services.release_held()
    behind = (
        Exit.objects.filter(
            state=Exit.State.RUNNING,
            messages__state__in=services.DONE_STATES,
            messages__step__done_on__isnull=True,
            messages__step__closed_gates=[],
        )
        .distinct()
        .select_related("client", "organization")
    )
    ticked = sum(services.follow_steps(exit_=exit_) for exit_ in behind[:50])
    return bool(released or ticked)
