"""Setup, sign-in, invitations and the members page."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from goodterms.accounts import services
from goodterms.accounts.decorators import OrgRequest, org_required, owner_required
from goodterms.accounts.forms import (
    AcceptInvitationForm,
    InviteForm,
    NoticeRulesForm,
    SetupForm,
    ThrottledLoginForm,
    TimeZoneForm,
)
from goodterms.accounts.middleware import forget_setup_state, setup_done
from goodterms.accounts.models import Invitation
from goodterms.accounts.orgscope import get_for_org, scoped
from goodterms.common.validators import normalize_email_address


def setup(request: HttpRequest) -> HttpResponse:
    """The one-time page that creates the owner and the organization; gone once that exists."""
    if setup_done():
        raise Http404("goodterms is already set up")
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.setup_create_owner(
                organization_name=form.cleaned_data["organization_name"],
                name=form.cleaned_data["name"],
                email=normalize_email_address(form.cleaned_data["email"]).lower(),
                password=form.cleaned_data["password1"],
            )
        except services.AlreadySetUp:
            forget_setup_state()
            raise Http404("goodterms is already set up") from None
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.name}. Add your first client to begin.")
        return redirect("clients:list")
    return render(request, "accounts/setup.html", {"form": form})


class SignInView(LoginView):
    form_class = ThrottledLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@org_required
def members(request: OrgRequest) -> HttpResponse:
    org = request.org
    form = InviteForm()
    context = {
        "members": org.users.order_by("name"),
        "invitations": scoped(Invitation, org).filter(accepted_at__isnull=True).order_by("-created_at"),
        "form": form,
        "new_link": request.session.pop("new_invitation_link", None),
    }
    return render(request, "accounts/members.html", context)


@owner_required
@require_POST
def invite(request: OrgRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["email"]))
        return redirect("members")
    invitation, token = services.invitation_create(
        org=request.org,
        invited_by=request.user,
        email=form.cleaned_data["email"],
    )
    link = request.build_absolute_uri(reverse("accept-invitation", args=[token]))
    # Shown once on the next page: the token itself is never stored.
    request.session["new_invitation_link"] = {
        "email": invitation.email,
        "url": link,
        "expires": f"{invitation.expires_at:%-d %B %Y}",
    }
    messages.success(request, f"Invitation created for {invitation.email}. Send them the link below.")
    return redirect("members")


@owner_required
@require_POST
def revoke_invitation(request: OrgRequest, pk: int) -> HttpResponse:
    invitation = get_for_org(Invitation, request.org, pk=pk, accepted_at__isnull=True)
    invitation.delete()
    messages.success(request, f"The invitation for {invitation.email} no longer works.")
    return redirect("members")


@owner_required
@require_POST
def remove_member(request: OrgRequest, pk: int) -> HttpResponse:
    org = request.org
    member = get_object_or_404(org.users, pk=pk)
    try:
        services.member_remove(org=org, user=member)
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{member.name} can no longer sign in to {org.name}.")
    return redirect("members")


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_find(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(request.POST or None, initial={"email": invitation.email})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation,
                name=form.cleaned_data["name"],
                email=invitation.email,
                password=form.cleaned_data["password1"],
            )
        except ValueError:
            return render(request, "accounts/invitation_invalid.html", status=404)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to {invitation.organization.name}, {user.name}.")
        return redirect("clients:list")
    return render(request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation})


@org_required
def org_settings(request: OrgRequest) -> HttpResponse:
    """Notice rules and holidays (the owner changes them; members read them) and each user's time zone."""
    org, user = request.org, request.user
    rules = NoticeRulesForm(instance=org)
    zone = TimeZoneForm(instance=user)
    if request.method == "POST":
        if request.POST.get("form") == "rules":
            if not user.is_owner:
                raise PermissionDenied("Only the organization's owner can change the notice rules.")
            rules = NoticeRulesForm(request.POST, instance=org)
            if rules.is_valid():
                rules.save()
                messages.success(request, "The notice rules are saved. New and changed plans use them.")
                return redirect("org-settings")
        else:
            zone = TimeZoneForm(request.POST, instance=user)
            if zone.is_valid():
                zone.save()
                messages.success(request, "Your time zone is saved.")
                return redirect("org-settings")
    return render(request, "accounts/settings.html", {"rules": rules, "zone": zone})
