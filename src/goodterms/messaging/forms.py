"""The messaging app's forms: an organization's template of a kind of message."""

from __future__ import annotations

from django import forms

MAX_TEMPLATE_BODY = 20_000


class TemplateForm(forms.Form):
    subject = forms.CharField(max_length=300)
    body = forms.CharField(
        max_length=MAX_TEMPLATE_BODY,
        strip=False,  # the body's blank lines are part of the message
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "true"}),
        help_text="Plain text with {{ field }} where a value goes; the fields are listed below the form.",
    )
