"""An organization's message templates: its own version of a kind where it saved one, else the default.

Reads and writes both go through accounts.orgscope, so one organization's edit never reaches another's
drafts. A template is checked (templating.check_template) before it is saved, so a stored template is
always one the sandbox accepts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from goodterms import templating, tone
from goodterms.accounts.models import Organization, User
from goodterms.accounts.orgscope import scoped
from goodterms.lib.vocabulary import MessageKind
from goodterms.messaging.models import MessageTemplate

KIND_LABELS = dict(MessageKind.choices())


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


def template_preview(subject: str, body: str, kind: str) -> Preview:
    try:
        rendered = templating.render(subject, body, templating.example_fields())
    except (templating.TemplateProblems, templating.MissingFields) as error:
        return Preview(rendered=None, report=None, error=str(error))
    return Preview(rendered=rendered, report=tone.analyze(rendered.body, kind))


def template_for(org: Organization, kind: str) -> tuple[str, str, bool]:
    """(subject, body, is_default): the source to render drafts of `kind` from, for `org`."""
    info = template_info(org, kind)
    return info.subject, info.body, info.is_default


def template_info(org: Organization, kind: str) -> TemplateInfo:
    if kind not in KIND_LABELS:
        raise ValueError(f"unknown kind of message {kind!r}; allowed: {', '.join(KIND_LABELS)}")
    row = scoped(MessageTemplate, org).filter(kind=kind).select_related("updated_by").first()
    return _info(kind, row)


def template_infos(org: Organization) -> list[TemplateInfo]:
    """Every kind, in the order of KINDS, with one query for the organization's own rows."""
    rows = {row.kind: row for row in scoped(MessageTemplate, org).select_related("updated_by")}
    return [_info(kind, rows.get(kind)) for kind in KIND_LABELS]


def _info(kind: str, row: MessageTemplate | None) -> TemplateInfo:
    if row is not None:
        return TemplateInfo(kind, KIND_LABELS[kind], row.subject, row.body, is_default=False, edited=row)
    subject, body = templating.default_template(kind)
    return TemplateInfo(kind, KIND_LABELS[kind], subject, body, is_default=True, edited=None)


def template_save(*, org: Organization, kind: str, subject: str, body: str, user: User) -> MessageTemplate:
    """Save `org`'s own template of `kind` (one per kind: an update when there is one already).

    Raises templating.TemplateProblems, saving nothing, when check_template() finds anything wrong.
    """
    if kind not in KIND_LABELS:
        raise ValueError(f"unknown kind of message {kind!r}")
    problems = templating.check_template(subject, body)
    if problems:
        raise templating.TemplateProblems(problems)
    with transaction.atomic():
        row, _created = scoped(MessageTemplate, org).update_or_create(
            organization=org,
            kind=kind,
            defaults={
                "subject": subject.strip(),
                "body": body.replace("\r\n", "\n"),  # a browser's textarea sends CRLF
                "updated_at": timezone.now(),
                "updated_by": user,
            },
        )
    return row


def template_reset(*, org: Organization, kind: str) -> bool:
    """Go back to the shipped default for `kind`; False when `org` had not changed it."""
    deleted, _by_model = scoped(MessageTemplate, org).filter(kind=kind).delete()
    return deleted > 0
