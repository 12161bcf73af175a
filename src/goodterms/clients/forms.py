from typing import Any

from django import forms

from goodterms.clients.models import Client, Contact, normalize_tags
from goodterms.common.validators import normalize_email_address, validate_single_line


class ClientForm(forms.ModelForm[Client]):
    class Meta:
        model = Client
        fields = ["name", "company", "status", "start_date", "contract_notice_days", "tags", "notes"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"tags": "Separate tags with commas, e.g. retainer, design."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name", "company", "tags"):
            self.fields[name].validators.append(validate_single_line)

    def clean_tags(self) -> str:
        return normalize_tags(self.cleaned_data["tags"])


class ContactForm(forms.ModelForm[Contact]):
    email = forms.CharField(required=False, max_length=254, widget=forms.EmailInput())

    class Meta:
        model = Contact
        fields = ["name", "email", "phone", "role", "preferred_channel", "is_primary", "together_notes"]
        widgets = {
            "together_notes": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name", "phone", "role"):
            self.fields[name].validators.append(validate_single_line)

    def clean_email(self) -> str:
        value: str = self.cleaned_data.get("email", "")
        return normalize_email_address(value) if value.strip() else ""
