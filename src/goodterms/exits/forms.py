"""Forms for starting and changing an exit, ticking off steps and the readiness checklist."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from goodterms import playbook
from goodterms.common.validators import validate_single_line
from goodterms.exits import selectors
from goodterms.exits.models import Exit, ReadinessItem

MAX_ITEMS = 100
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


CHOOSE_FOR_ME = "Choose for me from the answers"


def playbook_choices(suggested: str = "") -> list[tuple[str, str]]:
    books = playbook.default_playbooks()
    first = f"{CHOOSE_FOR_ME} (now: {books[suggested].title})" if suggested in books else CHOOSE_FOR_ME
    return [("", first)] + [(b.id, b.title) for b in books.values()]


def suggestion_text(suggestion: selectors.Suggestion) -> str:
    """What the start and change forms say under the playbook choice."""
    return f"Your answers lead to “{suggestion.title}”: {suggestion.why}. {suggestion.description}"


class DateInput(forms.DateInput):
    input_type = "date"


FACT_FIELDS = (
    "initiated_by",
    "reason",
    "notice_date",
    "end_date",
    "money_affected",
    "feeling",
    "handover_to",
)


class ExitFactsForm(forms.ModelForm[Exit]):
    """Who ends it, why, when and how it feels: the facts the plan is made from; and the playbook, which
    goodterms suggests from those answers and the user may change."""

    playbook = forms.ChoiceField(
        choices=(),
        required=False,
        label="Playbook",
        help_text="Pick another playbook if the suggestion does not fit.",
    )

    class Meta:
        model = Exit
        fields = list(FACT_FIELDS)
        widgets = {
            "initiated_by": forms.RadioSelect,
            "feeling": forms.RadioSelect,
            "notice_date": DateInput,
            "end_date": DateInput,
        }
        labels = {
            "initiated_by": "Who is ending it?",
            "reason": "Why?",
            "money_affected": "Money is affected",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handover_to"].validators.append(validate_single_line)
        if self.instance.pk is not None and "playbook" not in self.initial:
            self.initial["playbook"] = self.instance.playbook_id if self.instance.playbook_picked else ""
        suggestion = self.suggestion()
        field = self.fields["playbook"]
        field.choices = playbook_choices(suggestion.playbook_id)  # type: ignore[attr-defined]
        field.help_text = suggestion_text(suggestion)

    def _answer(self, name: str) -> Any:
        """The answer as typed (a bound form) or as it stands (initial, the exit's own)."""
        if self.is_bound:
            return self[name].data
        return self.initial.get(name, getattr(self.instance, name))  # a ModelForm's initial holds the exit

    def suggestion(self) -> selectors.Suggestion:
        """The playbook the answers on the form lead to, as the start form shows it."""
        return selectors.playbook_suggested(
            initiated_by=str(self._answer("initiated_by") or ""),
            reason=str(self._answer("reason") or ""),
            money_affected=bool(self._answer("money_affected")),
            feeling=str(self._answer("feeling") or ""),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("notice_date", "end_date"):
            day = data.get(name)
            if day is not None and not EARLIEST <= day <= LATEST:
                self.add_error(name, f"Give a date between {EARLIEST.year} and {LATEST.year}.")
        notice, end = data.get("notice_date"), data.get("end_date")
        if notice and end and end < notice:
            self.add_error("end_date", "The end date is before the notice date.")
        return data


def _lines(raw: str, field: str) -> tuple[str, ...]:
    lines = [line.strip() for line in raw.splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > MAX_ITEMS:
        raise forms.ValidationError(f"At most {MAX_ITEMS} {field}, one per line.")
    for number, line in enumerate(lines, start=1):
        if len(line) > 300:
            raise forms.ValidationError(f"Line {number} is longer than 300 characters.")
        validate_single_line(line)
    return tuple(lines)


class ExitStartForm(ExitFactsForm):
    deliverables = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Open deliverables",
        help_text="One per line. The goodbyes wait until each is delivered.",
    )
    invoices = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Unpaid invoices",
        help_text="One per line, e.g. “Invoice 2026-014, 1,200 EUR”. The goodbyes wait until each is paid.",
    )

    def clean_deliverables(self) -> tuple[str, ...]:
        return _lines(self.cleaned_data.get("deliverables", ""), "deliverables")

    def clean_invoices(self) -> tuple[str, ...]:
        return _lines(self.cleaned_data.get("invoices", ""), "invoices")


class StepDoneForm(forms.Form):
    done_on = forms.DateField(widget=DateInput, label="Done on")
    note = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note",
        help_text="For example, how the call went.",
    )


class StepMoveForm(forms.Form):
    due = forms.DateField(widget=DateInput, label="New date")
    at_time = forms.TimeField(
        required=False, widget=forms.TimeInput(attrs={"type": "time"}), label="Time (calls and meetings)"
    )

    def clean_due(self) -> date:
        day: date = self.cleaned_data["due"]
        if not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(f"Give a date between {EARLIEST.year} and {LATEST.year}.")
        return day


class ItemForm(forms.Form):
    kind = forms.ChoiceField(choices=ReadinessItem.Kind.choices, label="What is open")
    title = forms.CharField(max_length=300, validators=[validate_single_line], label="Description")


class SwitchPlaybookForm(forms.Form):
    playbook = forms.ChoiceField(choices=(), label="Switch to")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        books = playbook.default_playbooks().values()
        self.fields["playbook"].choices = [(b.id, b.title) for b in books]  # type: ignore[attr-defined]


class OverrideForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why the goodbyes can go ahead now",
        help_text="This stays on the exit's record.",
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label="Why (optional)"
    )
