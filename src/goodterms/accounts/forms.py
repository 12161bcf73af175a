from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from goodterms.accounts import ratelimit
from goodterms.accounts.models import Organization, User
from goodterms.common.validators import EmailAddressInput, validate_email_address, validate_single_line


class PasswordPairMixin(forms.Form):
    password1 = forms.CharField(
        label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1:
            candidate = User(email=data.get("email", ""), name=data.get("name", ""))
            try:
                password_validation.validate_password(p1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class SetupForm(PasswordPairMixin):
    organization_name = forms.CharField(
        label="Organization name",
        max_length=200,
        validators=[validate_single_line],
        help_text="Your business or agency, as clients know it.",
    )
    name = forms.CharField(label="Your name", max_length=150, validators=[validate_single_line])
    email = forms.CharField(
        label="Your email",
        max_length=254,
        validators=[validate_email_address],
        widget=EmailAddressInput(),
    )
    field_order = ["organization_name", "name", "email", "password1", "password2"]


class AcceptInvitationForm(PasswordPairMixin):
    name = forms.CharField(label="Your name", max_length=150, validators=[validate_single_line])
    email = forms.CharField(label="Your email", max_length=254, disabled=True)
    field_order = ["name", "email", "password1", "password2"]


class InviteForm(forms.Form):
    email = forms.CharField(
        label="Email of the person to invite",
        max_length=254,
        validators=[validate_email_address],
        widget=EmailAddressInput({"autocomplete": "off"}),
    )

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].lower()
        if User.objects.filter(email=email).exists():
            raise ValidationError("Someone with this email already has an account.")
        return email


class ThrottledLoginForm(AuthenticationForm):
    """Django's sign-in form, refusing further tries after too many failures for this username and IP."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": (
            "Too many failed sign-ins for this email from your network. Wait 15 minutes and try again."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = (self.data.get("username") or "").strip()
        ip = ratelimit.client_ip(self.request) if self.request else "0.0.0.0"  # noqa: S104
        if ratelimit.is_throttled(username, ip):
            raise ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            data = super().clean()
        except ValidationError:
            ratelimit.record_failure(username, ip)
            raise
        ratelimit.clear_failures(username, ip)
        return data


def country_choices() -> list[tuple[str, str]]:
    """Every country the `holidays` package knows, by name; empty means weekends only."""
    import re

    from holidays.registry import COUNTRIES

    names = {entry[1]: re.sub(r"(?<=[a-z])(?=[A-Z])", " ", entry[0]) for entry in COUNTRIES.values()}
    return [("", "None — skip weekends only"), *sorted(names.items(), key=lambda c: c[1])]


class NoticeRulesForm(forms.ModelForm[Organization]):
    """The organization's notice rules and the country whose public holidays business days skip."""

    class Meta:
        model = Organization
        fields = ["minimum_notice_days", "money_notice_days", "country"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"] = forms.ChoiceField(
            choices=country_choices(),
            required=False,
            label="Country for public holidays",
            help_text=Organization._meta.get_field("country").help_text,
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("minimum_notice_days", "money_notice_days"):
            days = data.get(name)
            if days is not None and days > 730:
                self.add_error(name, "At most 730 days (two years).")
        low, high = data.get("minimum_notice_days"), data.get("money_notice_days")
        if low is not None and high is not None and high < low:
            self.add_error(
                "money_notice_days", "Notice when money is affected cannot be shorter than the minimum."
            )
        return data


class TimeZoneForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["time_zone"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        import zoneinfo

        zones = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})
        self.fields["time_zone"] = forms.ChoiceField(
            choices=[("", "The server's time zone")] + [(zone, zone.replace("_", " ")) for zone in zones],
            required=False,
            label="Your time zone",
            help_text="Calls in calendar invitations and scheduled messages use it.",
        )
