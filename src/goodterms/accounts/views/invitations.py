"""Accepting an invitation: the page a new member reaches from the link the owner sent."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from goodterms.accounts import selectors, services
from goodterms.accounts.forms import AcceptInvitationForm
from goodterms.accounts.securitylog import bad_token


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_find(token=token)
    if invitation is None:
        bad_token("invitation", request)
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(request.POST or None, initial={"email": invitation.email})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
            )
        except services.InvitationUsed:
            return render(request, "accounts/invitation_invalid.html", status=404)
        except services.AccountExists as refused:
            messages.error(request, refused.message)
            return redirect("login")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to {invitation.organization.name}, {user.name}.")
        return redirect("clients:list")
    return render(request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation})
