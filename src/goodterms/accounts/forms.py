from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from goodterms.accounts import ratelimit, timezones
from goodterms.accounts.models import Organization, User
from goodterms.accounts.securitylog import security_event
from goodterms.common.validators import EmailAddressInput, validate_email_address, validate_single_line
from goodterms.lib.vocabulary import SecurityEvent


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
    role = forms.ChoiceField(
        label="Role",
        choices=User.Role.choices,
        initial=User.Role.MEMBER,
        required=False,
        help_text="Owners also invite and remove people, change roles, edit the notice rules and read the "
        "security log.",
    )

    def clean_role(self) -> str:
        return str(self.cleaned_data.get("role") or User.Role.MEMBER)

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError("Someone with this email already has an account.")
        return email


class ThrottledLoginForm(AuthenticationForm):
    """Django's sign-in form: the email in any case, and a slot taken before each password check
    (accounts/ratelimit.py), so a guesser is paused without the real user being locked out."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": (
            "Too many failed sign-ins for this email from your network. Wait 15 minutes and try again."
        ),
    }

    def clean_username(self) -> str:
        return str(self.cleaned_data.get("username") or "").strip().lower()

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        ip = ratelimit.request_ip(self.request)
        owner = User.objects.filter(email__iexact=username).select_related("organization").first()
        org = owner.organization if owner is not None else None
        attempt = ratelimit.reserve(username, ip)
        if not attempt.allowed:
            security_event(SecurityEvent.SIGNIN_LOCKED, org=org, email=username, limit=attempt.refused_by)
            raise ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            data = super().clean()
        except ValidationError:
            security_event(SecurityEvent.SIGNIN_FAILED, org=org, email=username, known=owner is not None)
            raise
        attempt.succeeded()
        return data


class PasswordChangeForm(PasswordPairMixin):
    current = forms.CharField(
        label="Your current password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["current", "password1", "password2"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_current(self) -> str:
        current: str = self.cleaned_data["current"]
        if not self.user.check_password(current):
            raise ValidationError("That is not your current password.")
        return current

    def clean(self) -> dict[str, Any]:
        self.cleaned_data["email"], self.cleaned_data["name"] = self.user.email, self.user.name
        return super().clean()


class PasswordResetRequestForm(forms.Form):
    email = forms.CharField(label="Your email", max_length=254, widget=EmailAddressInput())


class PasswordResetForm(PasswordPairMixin):
    field_order = ["password1", "password2"]


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
    """A zone typed or picked from the current Area/City names (accounts/timezones.py); empty: the
    server's zone."""

    class Meta:
        model = User
        fields = ["time_zone"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"] = forms.CharField(
            required=False,
            max_length=64,
            label="Your time zone",
            help_text="Type a city, like Europe/Lisbon or America/New_York, and pick it from the list. Calls "
            "in calendar invitations and scheduled messages use it; empty: the server's.",
            widget=forms.TextInput(
                attrs={
                    "list": "time-zones",
                    "autocomplete": "off",
                    "data-time-zone": "",
                    "spellcheck": "false",
                }
            ),
        )

    def clean_time_zone(self) -> str:
        value = str(self.cleaned_data.get("time_zone") or "").strip().replace(" ", "_")
        if not value:
            return ""
        names = timezones.zone_names()
        if value in names:
            return value
        folded = {name.lower(): name for name in names} | {
            old.lower(): new for old, new in timezones.renamed().items()
        }
        if value.lower() in folded:
            return folded[value.lower()]  # its spelling in the list, or the current name of an old one
        if self.instance.time_zone and value == self.instance.time_zone:
            return value  # a name chosen before this list existed stays valid for its owner
        city = value.lower().rsplit("/", 1)[-1]
        close = [name for name in names if name.lower().rsplit("/", 1)[-1] == city]
        hint = f" Did you mean {close[0]}?" if close else " Type a city and pick it from the list."
        raise forms.ValidationError(f"“{value}” is not a time zone goodterms knows.{hint}")
