"""Messages for the outbox tests: a goodbye to one contact of the organization (as the app would draft it),
and queueing it with a clearance, as the gate gives one (the gate's own checks are tested in test_gate.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from goodterms.accounts.models import Organization
from goodterms.clients.models import Client, Contact
from goodterms.messaging import gate, outbox
from goodterms.messaging.models import Message


def make_message(org: Organization, n: int = 0, **fields: Any) -> Message:
    """A goodbye to a contact of `org`'s at the message's own address (made for it)."""
    values: dict[str, Any] = {
        "organization": org,
        "kind": "goodbye",
        "to_name": f"Dana Diaz {n}",
        "to_email": f"dana{n}@acme.example",
        "subject": f"Thank you ({n})",
        "body": "Hi Dana,\n\nThank you for three good years.\n\nAlice",
    }
    values.update(fields)
    if "contact" not in values:
        client, _ = Client.objects.get_or_create(organization=org, name="Acme Corp")
        values["contact"] = Contact.objects.create(
            organization=org, client=client, name=values["to_name"], email=values["to_email"]
        )
    return Message.objects.create(**values)


def queue(message: Message, *, send_at: datetime | None = None, user: Any = None) -> None:
    """outbox.queue() with a clearance for this message, as gate.clear() gives one."""
    clearance = gate.Clearance(message_id=message.pk, held="", send_anyway_errors=())
    outbox.queue(message, clearance, send_at=send_at, user=user)


def state_of(message: Message) -> str:
    return str(Message.objects.get(pk=message.pk).state)


def make_messages(org: Organization, count: int) -> list[Message]:
    """`count` short goodbyes, each to a contact of its own (in two bulk INSERTs)."""
    client, _ = Client.objects.get_or_create(organization=org, name="Acme Corp")
    contacts = Contact.objects.bulk_create(
        Contact(organization=org, client=client, name=f"Person {n}", email=f"person{n}@client{n % 7}.example")
        for n in range(count)
    )
    return Message.objects.bulk_create(
        Message(
            organization=org,
            contact=contact,
            kind="goodbye",
            to_name=contact.name,
            to_email=contact.email,
            subject="Thank you",
            body="Thank you for working with me.",
        )
        for contact in contacts
    )
