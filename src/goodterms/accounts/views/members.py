"""The members page: who is in the organization, invitations out, and the owner's changes to both."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from goodterms.accounts import selectors, services
from goodterms.accounts.decorators import OrgRequest, org_required, owner_required
from goodterms.accounts.forms import InviteForm
from goodterms.accounts.models import Invitation, User
from goodterms.accounts.orgscope import get_for_org


def _page(request: OrgRequest, form: InviteForm, new_link: dict[str, str] | None = None) -> HttpResponse:
    context = {
        "members": selectors.members(org=request.org),
        "invitations": selectors.pending_invitations(org=request.org),
        "form": form,
        "new_link": new_link,
    }
    return render(request, "accounts/members.html", context, status=400 if form.errors else 200)


@org_required
def members(request: OrgRequest) -> HttpResponse:
    return _page(request, InviteForm())


@owner_required
@require_POST
def invite(request: OrgRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _page(request, form)
    invitation, token = services.invitation_create(
        org=request.org,
        invited_by=request.user,
        email=form.cleaned_data["email"],
        role=form.cleaned_data["role"],
    )
    url = request.build_absolute_uri(reverse("accept-invitation", args=[token]))
    emailed = services.invitation_send(invitation=invitation, link=url)
    # Shown once, on this response: the token is never stored, not even in the session (so no flash message
    # carries anything about it either).
    new_link = {
        "email": invitation.email,
        "url": url,
        "expires": f"{invitation.expires_at:%-d %B %Y}",
        "emailed": "yes" if emailed else "",
    }
    return _page(request, InviteForm(), new_link)


@owner_required
@require_POST
def revoke_invitation(request: OrgRequest, pk: int) -> HttpResponse:
    invitation = get_for_org(Invitation, request.org, pk=pk, accepted_at__isnull=True)
    services.invitation_revoke(invitation=invitation)
    messages.success(request, f"The invitation for {invitation.email} no longer works.")
    return redirect("members")


def _member_action(request: OrgRequest, pk: int, action: str) -> HttpResponse:
    member = selectors.member(org=request.org, pk=pk)
    try:
        if action == "remove":
            services.member_remove(org=request.org, user=member, by=request.user)
            done = f"{member.name} can no longer sign in to {request.org.name}."
        elif action == "deactivate":
            services.member_deactivate(org=request.org, user=member, by=request.user)
            done = f"{member.name} is deactivated: every session of theirs has ended."
        elif action == "reactivate":
            services.member_reactivate(org=request.org, user=member, by=request.user)
            done = f"{member.name} can sign in again (with a new sign-in: old sessions stay ended)."
        elif action == "transfer":
            services.ownership_transfer(org=request.org, owner=request.user, to=member)
            done = f"{member.name} is now the owner; you are a member."
        else:
            role = request.POST.get("role", "")
            services.member_set_role(org=request.org, user=member, role=role, by=request.user)
            done = f"{member.name} is now {'an owner' if role == User.Role.OWNER else 'a member'}."
    except services.MemberNotRemoved as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, done)
    return redirect("members")


@owner_required
@require_POST
def remove_member(request: OrgRequest, pk: int) -> HttpResponse:
    return _member_action(request, pk, "remove")


@owner_required
@require_POST
def deactivate_member(request: OrgRequest, pk: int) -> HttpResponse:
    return _member_action(request, pk, "deactivate")


@owner_required
@require_POST
def reactivate_member(request: OrgRequest, pk: int) -> HttpResponse:
    return _member_action(request, pk, "reactivate")


@owner_required
@require_POST
def member_role(request: OrgRequest, pk: int) -> HttpResponse:
    return _member_action(request, pk, "role")


@owner_required
@require_POST
def transfer_ownership(request: OrgRequest, pk: int) -> HttpResponse:
    return _member_action(request, pk, "transfer")
