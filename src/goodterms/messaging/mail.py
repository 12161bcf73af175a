"""A message as an email: its envelope and its MIME, built once and exactly as it will go.

Django's own message class encodes domains with Python's IDNA 2003 codec, which sends dana@straße.example to
strasse.example and sig@ς.example to another domain again. So the addresses here come from
goodterms.lib.checks.email_address (IDNA 2008 and UTS #46), the MIME is the standard library's, and the
envelope says exactly what goes in MAIL FROM and RCPT TO: what the pages then say the message was sent to.
A local part that is not ASCII is sent with SMTPUTF8, and refused where the server does not offer it
(smtp.EmailBackend).
"""

from __future__ import annotations

import email.policy
from dataclasses import dataclass
from email.charset import QP, Charset
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage as MimeMessage
from email.message import Message as MimePart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage

from goodterms.lib import checks
from goodterms.lib.refused import Refused
from goodterms.lib.vocabulary import Channel
from goodterms.messaging.models import Message

HEADER_FIELDS = {
    "to_name": "The recipient's name",
    "to_email": "The recipient's address",
    "from_name": "The sender's name",
    "from_email": "The sender's address",
    "subject": "The subject",
    "message_id": "The Message-ID",
}
LIST_CHARACTERS = (",", ";", "<", ">")
WIRE = email.policy.compat32.clone(linesep="\r\n")  # how a plain ASCII message is written for the server
# UTF-8 bodies as quoted-printable, not base64: the text stays readable in a downloaded .eml and a log.
UTF8_READABLE = Charset("utf-8")
UTF8_READABLE.body_encoding = QP


class NotSendable(Refused):
    """The message cannot go as it is: `message` says why in the user's words; `field` names the field."""


@dataclass(frozen=True)
class Envelope:
    """What the mail server is told: MAIL FROM, the one RCPT TO, and whether SMTPUTF8 is needed."""

    sender: str
    recipient: str
    smtputf8: bool


class OutgoingEmail(EmailMessage):
    """Django's message object, for its mail backends (file, console, in-memory for the tests), carrying the
    MIME and the envelope built here: whichever backend takes it, it goes exactly as built."""

    def __init__(self, *, mime: MimePart, data: bytes, envelope: Envelope, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mime = mime
        self.data = data  # the bytes the server gets, encoded once
        self.envelope = envelope

    def message(self, *, policy: Any = None) -> MimePart:
        return self.mime

    def recipients(self) -> list[str]:
        return [self.envelope.recipient]


def check_sendable(message: Message) -> None:
    """Refuse what could add a header or a recipient: one address, no line breaks in header-bound fields."""
    if message.channel != Channel.EMAIL:
        raise NotSendable("This message is a call, not an email.", field="channel")
    for field, label in HEADER_FIELDS.items():
        char = checks.line_break(getattr(message, field) or "")
        if char is not None:
            raise NotSendable(
                f"{label} ({field}) contains {checks.describe_character(char)}; remove it and try again.",
                field=field,
            )
    if not message.to_email.strip():
        raise NotSendable("There is no address to send to (to_email is empty).", field="to_email")
    for field in ("to_email", "from_email"):
        value = getattr(message, field)
        if not value:
            continue
        label = HEADER_FIELDS[field]
        if any(c in value for c in LIST_CHARACTERS) or value.count("@") != 1 or len(value.split()) != 1:
            raise NotSendable(
                f"{label} ({field}) must be exactly one address, not a list: {value!r}. "
                "Write to each person separately.",
                field=field,
            )


def message_id_domain() -> str:
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return address.rpartition("@")[2] or "localhost"


def new_message_id() -> str:
    return make_msgid(domain=message_id_domain())


def _address(value: str, field: str) -> checks.EmailAddress:
    try:
        if field == "from_email":
            return checks.sender_address(value, field=field)
        return checks.email_address(value, field=field)
    except checks.InvalidValue as invalid:
        label = HEADER_FIELDS.get(field, "The address")
        raise NotSendable(
            f"{label} ({field}) cannot be written in an email: {invalid.message}. Correct the address on "
            "the contact's page, then send again.",
            field=field,
        ) from None


def _header_address(name: str, address: checks.EmailAddress) -> Address:
    local, _, domain = address.envelope.rpartition("@")
    return Address(display_name=name, username=local, domain=domain)


def _mime(
    *,
    sender_name: str,
    sender: checks.EmailAddress,
    to_name: str,
    recipient: checks.EmailAddress,
    subject: str,
    body: str,
    message_id: str,
    smtputf8: bool,
) -> MimePart:
    """The MIME message. Plain ASCII addresses (nearly all, the domain being in IDNA form already) take the
    fast compat32 path; a non-ASCII local part needs the SMTPUTF8 policy, which writes headers in UTF-8."""
    if smtputf8:
        utf8 = MimeMessage(policy=email.policy.SMTPUTF8)
        utf8["From"] = _header_address(sender_name, sender)
        utf8["To"] = _header_address(to_name, recipient)
        utf8["Subject"] = subject
        utf8["Date"] = formatdate(localtime=False)
        utf8["Message-ID"] = message_id
        utf8.set_content(body)
        return utf8
    plain = MIMENonMultipart("text", "plain")
    plain.set_payload(body, UTF8_READABLE)
    plain["From"] = formataddr((sender_name, sender.envelope), charset="utf-8")
    plain["To"] = formataddr((to_name, recipient.envelope), charset="utf-8")
    plain["Subject"] = subject if subject.isascii() else Header(subject, "utf-8")  # type: ignore[assignment]
    plain["Date"] = formatdate(localtime=False)
    plain["Message-ID"] = message_id
    return plain


def build_email(message: Message) -> OutgoingEmail:
    """Plain text, exactly one To, no Cc or Bcc; Message-ID and Date set here, the From of the message or
    DEFAULT_FROM_EMAIL. Checks the message again: a row edited after queueing must not add headers. A draft
    (the .eml download) gets a fresh Message-ID; a queued message always has its own.

    Every address and the whole message are encoded here, before anything is handed to a server, so a value
    that cannot be written in an email is refused with its field, never discovered halfway through sending."""
    check_sendable(message)
    return compose(
        sender_name=message.from_name,
        sender_email=message.from_email,
        to_name=message.to_name,
        to_email=message.to_email,
        subject=message.subject,
        body=message.body,
        message_id=message.message_id or new_message_id(),
    )


def compose(
    *,
    to_name: str,
    to_email: str,
    subject: str,
    body: str,
    sender_name: str = "",
    sender_email: str = "",
    message_id: str = "",
) -> OutgoingEmail:
    """An email from its parts, encoded once: the one way goodterms writes mail, for a client message and for
    an account email (a reset link) alike. Without a sender, DEFAULT_FROM_EMAIL sends it."""
    for field, value in (("to_name", to_name), ("to_email", to_email), ("subject", subject)):
        char = checks.line_break(value)
        if char is not None:
            raise NotSendable(
                f"{HEADER_FIELDS[field]} ({field}) contains {checks.describe_character(char)}.", field=field
            )
    recipient = _address(to_email, "to_email")
    if sender_email:
        sender = _address(sender_email, "from_email")
    else:
        default_name, default_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
        sender_name, sender = default_name, _address(default_address, "from_email")
    smtputf8 = recipient.smtputf8 or sender.smtputf8
    message_id = message_id or new_message_id()
    try:
        mime = _mime(
            sender_name=sender_name,
            sender=sender,
            to_name=to_name,
            recipient=recipient,
            subject=subject,
            body=body,
            message_id=message_id,
            smtputf8=smtputf8,
        )
        data = mime.as_bytes(policy=email.policy.SMTPUTF8 if smtputf8 else WIRE)
    except (UnicodeError, ValueError, TypeError) as error:
        raise NotSendable(f"The message cannot be written as an email: {error}.") from None
    return OutgoingEmail(
        mime=mime,
        data=data,
        envelope=Envelope(sender=sender.envelope, recipient=recipient.envelope, smtputf8=smtputf8),
        subject=subject,
        body=body,
        from_email=str(_header_address(sender_name, sender)),
        to=[str(_header_address(to_name, recipient))],
        headers={"Message-ID": message_id},
    )
