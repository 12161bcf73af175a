"""The clients app's forms: a client, a contact, and the import pages (the upload, the column mapping, and
the client for vCards without one)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from goodterms.accounts.models import Organization
from goodterms.clients import importing, selectors
from goodterms.clients.models import Client, Contact, normalize_tags
from goodterms.common import unusualdates
from goodterms.common.validators import EmailAddressInput, normalize_email_address, validate_single_line


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
        unusualdates.add_confirm_field(self)

    def clean_tags(self) -> str:
        return normalize_tags(self.cleaned_data["tags"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, today = data.get("start_date"), unusualdates.today()
        if since is not None and "start_date" in self.changed_data and since > today:
            problem = f"“Client since” is in the future ({unusualdates.describe_day(since)})."
            unusualdates.confirm_unusual_dates(self, [("start_date", problem)])
        return data


class ContactForm(forms.ModelForm[Contact]):
    email = forms.CharField(required=False, max_length=254, widget=EmailAddressInput())

    class Meta:
        model = Contact
        fields = [
            "name",
            "email",
            "phone",
            "role",
            "preferred_channel",
            "is_primary",
            "together_notes",
            "private_notes",
            "other_emails",
            "other_phones",
        ]
        widgets = {
            "together_notes": forms.Textarea(attrs={"rows": 3}),
            "private_notes": forms.Textarea(attrs={"rows": 3}),
            "other_emails": forms.Textarea(attrs={"rows": 2}),
            "other_phones": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(attrs={"type": "tel"}),
        }

    def __init__(self, *args: Any, org: Organization | None = None, **kwargs: Any) -> None:
        """With `org`, an email another contact of the organization has is refused, as the import skips it."""
        super().__init__(*args, **kwargs)
        self.org = org
        for name in ("name", "phone", "role"):
            self.fields[name].validators.append(validate_single_line)

    def clean_email(self) -> str:
        value: str = self.cleaned_data.get("email", "")
        email = normalize_email_address(value) if value.strip() else ""
        if email and self.org is not None:
            other = selectors.contact_with_email(org=self.org, email=email, exclude_pk=self.instance.pk)
            if other is not None:
                raise forms.ValidationError(
                    f"{other.name} at {other.client.name} already has this email address. One address "
                    f"belongs to one person in goodterms: change it there first, or use another one here."
                )
        return email


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="File to import",
        help_text="A CSV file (.csv, .tsv or .txt) or a vCard file (.vcf).",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,.vcf,.vcard,text/csv,text/vcard"}),
    )
    default_client = forms.CharField(
        label="Client for cards without an organization (vCard only, optional)",
        required=False,
        max_length=Client._meta.get_field("name").max_length,
        help_text="Address books often leave the organization (ORG) empty. Contacts from such cards go to "
        "this client, which is created if you have none by that name.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["default_client"].validators.append(validate_single_line)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"This file is {upload.size:,} bytes, more than goodterms imports: files of up to {limit:,} "
                f"bytes ({filesizeformat(limit)}). Split it into smaller files, or leave out the columns you "
                f"do not need, and import each one."
            )
        return upload


class ImportMappingForm(forms.Form):
    """One select per column of the CSV header: the goodterms field it holds, or nothing."""

    def __init__(
        self,
        *args: Any,
        header: Sequence[str],
        initial_mapping: Mapping[int, str],
        hidden: Collection[int] = (),
        **kwargs: Any,
    ) -> None:
        """`hidden`: the columns not offered (empty in every row); they are not imported."""
        super().__init__(*args, **kwargs)
        self.header = list(header)
        self.hidden = frozenset(hidden)
        groups: dict[str, list[tuple[str, str]]] = {}
        for field in importing.FIELDS:
            groups.setdefault(f"{field.group} fields", []).append((field.key, field.label))
        choices: list[Any] = [("", "Ignore this column"), *groups.items()]
        for index, name in enumerate(self.header):
            if index in self.hidden:
                continue
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=name.strip() or f"Column {index + 1} (no name)",
                choices=choices,
                required=False,
                initial=initial_mapping.get(index, ""),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for error in importing.check_mapping(self.mapping(), self.header):
            self.add_error(None, error)
        return cleaned

    def mapping(self) -> dict[int, str]:
        return {
            index: self.cleaned_data.get(f"col_{index}", "")
            for index in range(len(self.header))
            if self.cleaned_data.get(f"col_{index}")
        }


class ImportDefaultClientForm(forms.Form):
    default_client = forms.CharField(
        label="Client for cards without an organization",
        max_length=Client._meta.get_field("name").max_length,
        help_text="Created if you have no client by that name.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["default_client"].validators.append(validate_single_line)
