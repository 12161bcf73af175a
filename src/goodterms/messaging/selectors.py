"""Reads for messages: the fields a draft is made from, who a step's message goes to, the goodbye board,
the tone coach's view of a draft, and the organization's templates."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from goodterms import playbook, templating, tone
from goodterms.accounts.models import Organization, User
from goodterms.accounts.orgscope import scoped
from goodterms.clients.models import Contact
from goodterms.exits import selectors as exit_selectors
from goodterms.exits.models import Exit, ExitStep
from goodterms.lib import checks
from goodterms.lib.vocabulary import CONVERSATIONS, Channel, Check, MessageKind, Phase
from goodterms.messaging.models import EDITABLE_STATES, Message, MessageEvent, MessageTemplate, Outbox

KIND_LABELS = dict(MessageKind.choices())


def first_name(name: str) -> str:
    words = name.split()
    return words[0] if words else name


def fields_for(*, exit_: Exit, contact: Contact, user: User) -> dict[str, str]:
    """The documented template fields (templating.FIELDS) for one person at the client."""
    client = exit_.client
    return {
        "first_name": first_name(contact.name),
        "contact_name": contact.name,
        "role": contact.role,
        "phone": contact.phone,
        "together": contact.together_notes.strip(),
        "client": client.name,
        "company": client.company or client.name,
        "end_date": playbook.describe_day(exit_.end_date),
        "notice_date": playbook.describe_day(exit_.notice_date),
        "handover_contact": exit_.handover_to,
        "sender": user.name,
        "sender_first_name": first_name(user.name),
        "organization": exit_.organization.name,
        "survey_link": templating.SURVEY_LINK_PLACEHOLDER,
    }


def goodbye_step(*, exit_: Exit, contact: Contact) -> ExitStep | None:
    """The plan's goodbye step for this person."""
    return (
        scoped(ExitStep, exit_.organization)
        .filter(exit=exit_, message_kind=MessageKind.GOODBYE, contact=contact)
        .first()
    )


def open_message(*, exit_: Exit, contact: Contact, kind: str) -> Message | None:
    """The person's message of this kind that is not cancelled: there is at most one."""
    return (
        scoped(Message, exit_.organization)
        .filter(exit=exit_, contact=contact, kind=kind)
        .exclude(state=Message.State.CANCELLED)
        .first()
    )


def recipient_for_step(*, step: ExitStep) -> Contact | None:
    """Who a step's message goes to unless the user chooses: the step's own contact, else the person the
    plan's call was with, else the primary contact; None when none of them is known."""
    if step.contact_id:
        return scoped(Contact, step.organization).filter(pk=step.contact_id).first()
    return notice_recipient(exit_=step.exit)


def coach(*, text: str, kind: str | None, channel: str = Channel.EMAIL) -> tone.Report:
    """The tone coach on a draft: a call's text is what the user will say, so it is read as a call script
    (no greeting or sign-off to expect), whatever the call is for."""
    return tone.analyze(text, coach_kind(kind=kind, channel=channel))


def coach_kind(*, kind: str | None, channel: str) -> str | None:
    """The kind the coach reads a message as: a call script for a call, else the message's own kind."""
    return MessageKind.CALL_SCRIPT if channel == Channel.CALL else kind


def call_step_open(*, exit_: Exit) -> ExitStep | None:
    """The plan's first call or meeting, while it is not done: a notice waits for it."""
    return (
        scoped(ExitStep, exit_.organization)
        .filter(
            exit=exit_,
            channel__in=CONVERSATIONS,
            phase__in=[Phase.PREPARE, Phase.NOTICE],
            done_on__isnull=True,
        )
        .order_by("due", "position")
        .first()
    )


@dataclass(frozen=True)
class BoardRow:
    contact: Contact
    message: Message | None
    state: str  # "to do", or the message's state_key: draft, held, scheduled, queued, sent, called, replied…
    step: ExitStep | None
    waits: str  # what the plan's goodbye step waits for, in words ("" when it is open or done)

    @property
    def label(self) -> str:
        return "To do" if self.message is None else self.message.state_label


def board(*, exit_: Exit) -> list[BoardRow]:
    """Every person at the client and where their goodbye stands, and what it waits for."""
    org = exit_.organization
    contacts = list(scoped(Contact, org).filter(client=exit_.client).order_by("name", "pk"))
    messages: dict[int, Message] = {}
    for message in (
        scoped(Message, org)
        .filter(exit=exit_, kind=MessageKind.GOODBYE)
        .exclude(state=Message.State.CANCELLED)
        .order_by("created_at", "pk")
    ):
        if message.contact_id is not None:
            messages[message.contact_id] = message
    steps = {
        s.contact_id: s for s in scoped(ExitStep, org).filter(exit=exit_, message_kind=MessageKind.GOODBYE)
    }
    titles = dict(scoped(ExitStep, org).filter(exit=exit_).values_list("key", "title"))
    rows = []
    for contact in contacts:
        step = steps.get(contact.pk)
        waits = ""
        if step is not None and step.closed_gates and not step.is_done:
            waits = " and ".join(
                "the checklist is done (deliverables delivered, invoices paid)"
                if gate == Check.READINESS
                else f"“{titles.get(gate, gate)}” is done"
                for gate in step.closed_gates
            )
        mine = messages.get(contact.pk)
        rows.append(BoardRow(contact, mine, _board_state(mine), step, waits))
    return rows


def _board_state(message: Message | None) -> str:
    """The row's state: "to do" without a message, else the message's own state_key."""
    return "to do" if message is None else message.state_key


def state_label(message: Message) -> str:
    return message.state_label


def waiting_in_outbox(*, message: Message) -> bool:
    """Queued and no worker has claimed it: the user may still change it."""
    return (
        scoped(Outbox, message.organization)
        .filter(message_id=message.pk, state=Outbox.State.PENDING, lease_until__isnull=True)
        .exists()
    )


def notice_recipient(*, exit_: Exit) -> Contact | None:
    """Whom a notice goes to unless the user chooses: the first person of the plan's call (whom the user
    chose to call, or the call's own person), else the client's primary contact; None when neither is known
    (the user picks, nobody is guessed alphabetically)."""
    call = (
        scoped(ExitStep, exit_.organization)
        .filter(exit=exit_, channel__in=CONVERSATIONS, phase__in=[Phase.PREPARE, Phase.NOTICE])
        .select_related("contact")
        .order_by("due", "position")
        .first()
    )
    if call is not None:
        people = exit_selectors.step_attendees(step=call).people
        if people:
            return people[0]
    return scoped(Contact, exit_.organization).filter(client=exit_.client_id, is_primary=True).first()


def client_people(*, exit_: Exit) -> list[Contact]:
    return list(scoped(Contact, exit_.organization).filter(client=exit_.client_id).order_by("name", "pk"))


def other_messages(*, exit_: Exit) -> QuerySet[Message]:
    """The exit's messages other than the goodbyes (notice, handover, …), not cancelled."""
    return (
        scoped(Message, exit_.organization)
        .filter(exit=exit_)
        .exclude(kind=MessageKind.GOODBYE)
        .exclude(state=Message.State.CANCELLED)
    )


def message_history(*, exit_: Exit) -> QuerySet[Message]:
    """What has gone out (or tried to), newest first: everything but drafts and cancelled ones."""
    return (
        scoped(Message, exit_.organization)
        .filter(exit=exit_)
        .exclude(state__in=[Message.State.DRAFT, Message.State.CANCELLED])
        .order_by("-sent_at", "-created_at")
    )


def message_events(*, message: Message) -> QuerySet[MessageEvent]:
    return scoped(MessageEvent, message.organization).filter(message=message).select_related("user")


def replacement_for(finding: tone.Finding, text: str, first: str) -> str | None:
    """Words that can replace a finding's words in one click, when there are such words: a substitution
    rule's replacement, or the recipient's name in place of a crowd greeting ("Hi all" -> "Hi Dana")."""
    if finding.end <= finding.start:
        return None
    rules = tone.default_rules()
    if finding.rule in rules and rules[finding.rule].check.name == "substitution":
        return finding.suggestion
    if finding.category == "mass-greeting" and first:
        words = text[finding.start : finding.end].split()
        return f"{words[0]} {first}" if words else None
    return None


# --- templates ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateInfo:
    """One kind's template as an organization sees it."""

    kind: str
    label: str
    subject: str
    body: str
    is_default: bool
    edited: MessageTemplate | None  # the organization's row, for who changed it and when


@dataclass(frozen=True)
class Preview:
    """A template filled in with the example fields, and what the tone coach says about it.

    `error` is set instead when the template cannot be rendered (a default never fails; an edited one
    saved before a field was renamed could).
    """

    rendered: templating.Rendered | None
    report: tone.Report | None
    error: str | None = None

    def findings(self) -> list[dict[str, str | None]]:
        """Each finding with the words it is about, ready for a template."""
        if self.rendered is None or self.report is None:
            return []
        body = self.rendered.body
        return [
            {
                "severity": f.severity,
                "words": body[f.start : f.end],
                "message": f.message,
                "suggestion": f.suggestion,
            }
            for f in self.report.findings
        ]


def template_preview(*, subject: str, body: str, kind: str) -> Preview:
    try:
        rendered = templating.render(subject, body, templating.example_fields())
    except (templating.TemplateProblems, templating.MissingFields) as error:
        return Preview(rendered=None, report=None, error=str(error))
    return Preview(rendered=rendered, report=tone.analyze(rendered.body, kind))


def template_for(*, org: Organization, kind: str) -> tuple[str, str, bool]:
    """(subject, body, is_default): the source to render drafts of `kind` from, for `org`."""
    info = template_info(org=org, kind=kind)
    return info.subject, info.body, info.is_default


def template_info(*, org: Organization, kind: str) -> TemplateInfo:
    if kind not in KIND_LABELS:
        raise ValueError(f"unknown kind of message {kind!r}; allowed: {', '.join(KIND_LABELS)}")
    row = scoped(MessageTemplate, org).filter(kind=kind).select_related("updated_by").first()
    return _info(kind, row)


def template_infos(*, org: Organization) -> list[TemplateInfo]:
    """Every kind, in the order of KINDS, with one query for the organization's own rows."""
    rows = {row.kind: row for row in scoped(MessageTemplate, org).select_related("updated_by")}
    return [_info(kind, rows.get(kind)) for kind in KIND_LABELS]


def _info(kind: str, row: MessageTemplate | None) -> TemplateInfo:
    if row is not None:
        return TemplateInfo(kind, KIND_LABELS[kind], row.subject, row.body, is_default=False, edited=row)
    subject, body = templating.default_template(kind)
    return TemplateInfo(kind, KIND_LABELS[kind], subject, body, is_default=True, edited=None)


def changeable(*, message: Message) -> bool:
    """The user may still edit it: a draft, held, failed, or scheduled and not yet claimed by a worker."""
    if message.state in EDITABLE_STATES:
        return True
    return message.state == Message.State.QUEUED and waiting_in_outbox(message=message)


def envelope_address(*, message: Message) -> str:
    """The address the mail server will be given for this message (RCPT TO), or "" when it has none."""
    if not message.to_email:
        return ""
    try:
        return checks.email_address(message.to_email).envelope
    except checks.InvalidValue:
        return ""
