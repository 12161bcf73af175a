"""Forms for starting and changing an exit, ticking off steps and the readiness checklist."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from goodterms import playbook
from goodterms.common import unusualdates
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
        unusualdates.add_confirm_field(self)

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
        if not self.errors:
            unusualdates.confirm_unusual_dates(self, self._unusual(notice, end))
        return data

    def _unusual(self, notice: date | None, end: date | None) -> list[tuple[str, str]]:
        """Dates typed (or changed) into the past or more than two years ahead."""
        today, found = unusualdates.today(), []
        for name, day, label in (
            ("notice_date", notice, "The notice date"),
            ("end_date", end, "The last day"),
        ):
            if name not in self.changed_data or day is None:
                continue
            if unusualdates.past(day, today):
                found.append((name, unusualdates.in_the_past(label, day)))
            elif unusualdates.far_ahead(day, today):
                found.append((name, unusualdates.far_in_the_future(label, day)))
        return found


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


def _one_date(form: forms.Form, name: str, label: str) -> None:
    """A step moved into the past or years ahead asks to be confirmed first."""
    day = form.cleaned_data.get(name)
    if form.errors or day is None or name not in form.changed_data:
        return
    today = unusualdates.today()
    if unusualdates.past(day, today):
        unusualdates.confirm_unusual_dates(form, [(name, unusualdates.in_the_past(label, day))])
    elif unusualdates.far_ahead(day, today):
        unusualdates.confirm_unusual_dates(form, [(name, unusualdates.far_in_the_future(label, day))])


class StepMoveForm(forms.Form):
    due = forms.DateField(widget=DateInput, label="New date")
    at_time = forms.TimeField(
        required=False, widget=forms.TimeInput(attrs={"type": "time"}), label="Time (calls and meetings)"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unusualdates.add_confirm_field(self)

    def clean_due(self) -> date:
        day: date = self.cleaned_data["due"]
        if not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(f"Give a date between {EARLIEST.year} and {LATEST.year}.")
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _one_date(self, "due", "The new date")
        return data


LENGTHS = [(15, "15 minutes"), (30, "30 minutes"), (45, "45 minutes"), (60, "1 hour"), (90, "1½ hours")]


class MeetingForm(forms.Form):
    """Who a call or meeting is with, when, and what its invitation carries."""

    attendees = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who takes part",
        help_text="Everyone ticked with an email address is in the invitation.",
    )
    day = forms.DateField(widget=DateInput, label="Day")
    at = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"), label="Time")
    minutes = forms.TypedChoiceField(coerce=int, choices=LENGTHS, initial=30, label="Length")
    share_talking_points = forms.BooleanField(
        required=False,
        label="Put the talking points in the invitation",
        help_text="The client sees them. Leave this off to keep them as your own notes.",
    )

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = []
        for person in people:
            label = person.name + (f", {person.role}" if person.role else "")
            label += f" <{person.email}>" if person.email else " — no email address, not in the invitation"
            if person.is_primary:
                label += " (primary contact)"
            choices.append((person.pk, label))
        self.fields["attendees"].choices = choices  # type: ignore[attr-defined]
        unusualdates.add_confirm_field(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _one_date(self, "day", "The day")
        return data

    def clean_day(self) -> date:
        day: date = self.cleaned_data["day"]
        if not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(f"Give a date between {EARLIEST.year} and {LATEST.year}.")
        return day

    def clean_attendees(self) -> list[int]:
        chosen: list[int] = self.cleaned_data.get("attendees") or []
        if not chosen:
            raise forms.ValidationError("Tick at least one person.")
        return chosen


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
