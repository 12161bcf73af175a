"""Message templates: a fixed set of fields, rendered in Jinja's sandbox, checked before anything is saved.

An organization may edit the template of each kind of message, so a template is untrusted input. It is
rendered by jinja2's SandboxedEnvironment, and before that `check_template()` allows only a small
language: plain text, `{{ field }}` (with a few case filters) and `{% if field %}…{% endif %}` over the
fields in FIELDS. No attributes, calls, loops or assignments: a template can do nothing but fill in fields.

Field values are data, never template source: "{{ x }}" typed into a contact's notes comes out as typed.
A draft made from a template is plain text from then on and is never rendered again.

A required field a template uses must have a value: an empty one raises MissingFields naming it, because a
message that says "Hi ," is worse than no message. An optional field (together, role, handover_contact) may
be empty: false in `{% if %}`, and used outside one it comes out as `[[make it personal: …]]`, a part the
user writes before the message can go. A contact's private notes are never a field.

Plain Python: no Django here, so the app, the CLI and the tests share it. `fields` holds the fields,
`sandbox` checks and renders, `defaults` reads the shipped templates in `defaults/`.
"""

from goodterms.templating.defaults import DEFAULTS_DIR, default_template, read_template_file
from goodterms.templating.fields import (
    FIELDS,
    PERSONAL_MARK,
    SURVEY_LINK_PLACEHOLDER,
    Field,
    example_fields,
    personal_marks,
)
from goodterms.templating.sandbox import (
    ALLOWED_FILTERS,
    MissingFields,
    Problem,
    Rendered,
    TemplateProblems,
    check_template,
    environment,
    fields_used,
    render,
)

__all__ = [
    "ALLOWED_FILTERS",
    "DEFAULTS_DIR",
    "FIELDS",
    "PERSONAL_MARK",
    "SURVEY_LINK_PLACEHOLDER",
    "Field",
    "MissingFields",
    "Problem",
    "Rendered",
    "TemplateProblems",
    "check_template",
    "default_template",
    "environment",
    "example_fields",
    "fields_used",
    "personal_marks",
    "read_template_file",
    "render",
]
