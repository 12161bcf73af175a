"""A forgotten contact's messages: the unsent ones cancelled, their personal data gone from every message
and its history; and, for the export of one contact's data, everything the messaging app keeps about them.

Connected in messaging/apps.py to the clients app's signals (clients/signals.py), which cannot import this
app. Runs in the transaction that deletes the contact. A sent message stays as a record that it was sent
(the plan and the score count it), without the name, the address, the subject or the text.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from goodterms.accounts.orgscope import scoped
from goodterms.messaging.models import DONE_STATES, Message, MessageEvent, Outbox

FORGOTTEN = "a forgotten contact"
ERASED = "[erased]"


def _scrub(text: str, needles: list[str]) -> str:
    for needle in needles:
        if needle:
            text = text.replace(needle, ERASED)
    return text


def forget_contact(sender: Any, *, organization: Any, contact: Any, **_: Any) -> None:
    messages = scoped(Message, organization).filter(contact=contact)
    needles = sorted({contact.name, contact.email, *contact.name.split()} - {""}, key=len, reverse=True)
    needles = [n for n in needles if len(n) >= 3]
    ids = list(messages.values_list("pk", flat=True))
    now = timezone.now()
    # Unsent: cancelled, and taken out of the outbox so no worker sends it.
    scoped(Outbox, organization).filter(message_id__in=ids).exclude(state=Outbox.State.DONE).delete()
    messages.exclude(state__in=[*DONE_STATES, Message.State.SENDING]).update(
        state=Message.State.CANCELLED, held_reason="", updated_at=now
    )
    messages.update(
        to_name=FORGOTTEN,
        to_email="",
        subject="",
        body="",
        last_error="",
        send_anyway_errors=[],
        updated_at=now,
    )
    for event in scoped(MessageEvent, organization).filter(message_id__in=ids):
        scrubbed = _scrub(event.text, needles)
        if scrubbed != event.text:
            scoped(MessageEvent, organization).filter(pk=event.pk).update(text=scrubbed)


def contact_data(sender: Any, *, organization: Any, contact: Any, **_: Any) -> dict[str, Any]:
    rows = scoped(Message, organization).filter(contact=contact).order_by("created_at", "pk")
    return {
        "messages": [
            {
                "kind": m.kind,
                "channel": m.channel,
                "state": m.state,
                "to_name": m.to_name,
                "to_email": m.to_email,
                "subject": m.subject,
                "body": m.body,
                "created_at": m.created_at.isoformat(),
                "sent_at": m.sent_at.isoformat() if m.sent_at else None,
                "history": [
                    {"at": e.at.isoformat(), "text": e.text}
                    for e in scoped(MessageEvent, organization).filter(message=m)
                ],
            }
            for m in rows
        ]
    }
