"""Forms for aftercare: logging a contact, an ask and its answer, an outcome, the cadence, the digest."""

from __future__ import annotations

from typing import Any

from django import forms

from goodterms.aftercare.models import Ask, Outcome
from goodterms.clients.models import Contact
from goodterms.common.validators import validate_single_line
from goodterms.lib.vocabulary import Channel

MAX_MONTHS = 120  # ten years after the end
MAX_TOUCHPOINTS = 12


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class _ContactChoice(forms.Form):
    """A form with a choice among the exit's client's people (given by the view, already scoped)."""

    def __init__(self, *args: Any, contacts: list[Contact], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.contacts = {str(c.pk): c for c in contacts}
        field = self.fields["contact"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Nobody in particular")] + [(k, c.name) for k, c in self.contacts.items()]

    def chosen(self) -> Contact | None:
        return self.contacts.get(self.cleaned_data.get("contact") or "")


class TouchForm(_ContactChoice):
    contact = forms.ChoiceField(required=False, label="With")
    channel = forms.ChoiceField(
        label="How",
        choices=Channel.choices(Channel.CALL, Channel.MEETING, Channel.EMAIL),
        initial=Channel.CALL,
    )
    on = forms.DateField(label="When", widget=DateInput)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class AskForm(_ContactChoice):
    contact = forms.ChoiceField(label="Whom you asked")
    kind = forms.ChoiceField(label="What for", choices=Ask.Kind.choices)
    on = forms.DateField(label="When", widget=DateInput)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=Ask.Answer.choices)


class OutcomeForm(_ContactChoice):
    kind = forms.ChoiceField(label="What happened", choices=Outcome.Kind.choices)
    contact = forms.ChoiceField(required=False, label="Who")
    on = forms.DateField(label="When", widget=DateInput)
    new_client_name = forms.CharField(
        required=False,
        max_length=200,
        label="The new client they introduced",
        validators=[validate_single_line],
        help_text="For “Introduced someone”: goodterms adds them to your clients, linked to this one.",
    )
    text = forms.CharField(
        required=False, label="Testimonial", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    consent_wording = forms.CharField(
        required=False,
        label="What they agreed to",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="In their words or yours as they accepted it, e.g. “You may quote this on your website "
        "with my name and title.”",
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


def parse_months(text: str) -> list[int]:
    """ "1, 3, 6, 12" into [1, 3, 6, 12]: increasing whole months after the end, each named when wrong."""
    months: list[int] = []
    for position, part in enumerate(text.replace(";", ",").split(","), start=1):
        word = part.strip()
        if not word:
            continue
        if not word.isdigit():
            raise forms.ValidationError(f"Item {position} ({word!r}) is not a whole number of months.")
        value = int(word)
        if not 1 <= value <= MAX_MONTHS:
            raise forms.ValidationError(
                f"Item {position} ({value}) must be between 1 and {MAX_MONTHS} months."
            )
        if months and value <= months[-1]:
            raise forms.ValidationError(
                f"Item {position} ({value}) must come after {months[-1]}: list the months in order."
            )
        months.append(value)
    if len(months) > MAX_TOUCHPOINTS:
        raise forms.ValidationError(f"At most {MAX_TOUCHPOINTS} touchpoints; you listed {len(months)}.")
    return months


class CadenceForm(forms.Form):
    months = forms.CharField(
        label="Touchpoints, in months after the end",
        max_length=200,
        help_text="Comma-separated, in order, e.g. 1, 3, 6, 12. Empty: no touchpoints.",
        required=False,
    )
    ideal_days = forms.IntegerField(
        label="Ideal interval (days)",
        min_value=1,
        max_value=3650,
        help_text="Past it, getting in touch is due.",
    )
    max_days = forms.IntegerField(
        label="Maximum interval (days)",
        min_value=1,
        max_value=3650,
        help_text="Past it, you are losing touch.",
    )

    def clean_months(self) -> list[int]:
        return parse_months(self.cleaned_data["months"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ideal, most = data.get("ideal_days"), data.get("max_days")
        if ideal is not None and most is not None and ideal > most:
            self.add_error("max_days", "The maximum interval must be at least the ideal one.")
        return data


class DigestForm(forms.Form):
    enabled = forms.BooleanField(required=False, label="Email me a digest of what is due, once a day")
    at = forms.TimeField(label="At (your time)", widget=TimeInput)
