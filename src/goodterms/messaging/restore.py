"""After a database is restored, nothing that was waiting in it is sent without the user's say.

A backup taken while messages waited in the outbox holds them as queued, sending or held; restored as they
are, the worker would send them again, maybe days later, maybe a second time. So every such message comes
back held, with RESTORED_REASON, and its outbox row is removed: the user opens it and sends it again
(message_send queues it as usual), or cancels it. One that a worker had already handed to the mail server
becomes uncertain instead: it may have arrived, and the user decides, as for any uncertain send.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from goodterms.accounts.orgscope import across_orgs
from goodterms.accounts.securitylog import security_event
from goodterms.lib.vocabulary import SecurityEvent
from goodterms.messaging import outbox
from goodterms.messaging.models import Message, Outbox

RESTORED_REASON = (
    "Held after a restore from a backup: nothing is sent again without you. Send it, or cancel it."
)
PENDING = (Message.State.QUEUED, Message.State.SENDING, Message.State.HELD)


def hold_pending_after_restore() -> dict[str, int]:
    """Hold every pending message (uncertain if it was handed over); returns the counts, by state."""
    now = timezone.now()
    held = uncertain = 0
    with transaction.atomic():
        handed_over = set(
            across_orgs(Outbox)
            .filter(handed_over_at__isnull=False, state__in=[Outbox.State.LEASED, Outbox.State.PENDING])
            .values_list("message_id", flat=True)
        )
        pending = list(
            across_orgs(Message)
            .filter(state__in=PENDING)
            .exclude(held_reason=RESTORED_REASON)
            .select_related("organization")
        )
        for message in pending:
            if message.pk in handed_over:
                text = (
                    "Restored from a backup taken while it was being sent: it may have arrived. Check, then "
                    "confirm it or send it again."
                )
                across_orgs(Outbox).filter(message_id=message.pk).update(
                    state=Outbox.State.UNCERTAIN, last_error=text
                )
                across_orgs(Message).filter(pk=message.pk).update(
                    state=Message.State.UNCERTAIN, last_error=text, updated_at=now
                )
                outbox.record_event(message, text, at=now)
                uncertain += 1
                continue
            across_orgs(Outbox).filter(message_id=message.pk).exclude(
                Q(state=Outbox.State.DONE) | Q(state=Outbox.State.FAILED)
            ).delete()
            across_orgs(Message).filter(pk=message.pk).update(
                state=Message.State.HELD, held_reason=RESTORED_REASON, updated_at=now
            )
            outbox.record_event(message, RESTORED_REASON, at=now)
            held += 1
        for org in {m.organization_id: m.organization for m in pending}.values():
            count = sum(1 for m in pending if m.organization_id == org.pk)
            security_event(SecurityEvent.MESSAGES_HELD_AFTER_RESTORE, org=org, messages=count)
    return {"held": held, "uncertain": uncertain}
