"""Your account: change your password, see the browsers you are signed in on and end any of them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from goodterms.accounts import selectors, services
from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.accounts.forms import PasswordChangeForm
from goodterms.accounts.sessions import SESSION_ROW


@org_required
def password_change(request: OrgRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.password_change(
            user=request.user,
            new_password=form.cleaned_data["password1"],
            keep_session=request.session.get(SESSION_ROW),
        )
        update_session_auth_hash(request, request.user)  # this browser stays signed in; the others do not
        messages.success(request, "Your password is changed. You are signed out everywhere else.")
        return redirect("sessions")
    return render(
        request, "accounts/password_change.html", {"form": form}, status=400 if form.errors else 200
    )


@org_required
def sessions(request: OrgRequest) -> HttpResponse:
    context = {
        "sessions": selectors.sessions_of(user=request.user),
        "current": request.session.get(SESSION_ROW),
    }
    return render(request, "accounts/sessions.html", context)


@org_required
@require_POST
def session_revoke(request: OrgRequest, pk: int) -> HttpResponse:
    session = selectors.session_of(user=request.user, pk=pk)
    if services.session_revoke(user=request.user, pk=session.pk):
        messages.success(request, "That session has ended.")
    return redirect("sessions")


@org_required
@require_POST
def sessions_revoke_others(request: OrgRequest) -> HttpResponse:
    count = services.sessions_revoke_others(user=request.user, keep=request.session.get(SESSION_ROW))
    messages.success(request, f"Signed out of {count} other session{'' if count == 1 else 's'}.")
    return redirect("sessions")
