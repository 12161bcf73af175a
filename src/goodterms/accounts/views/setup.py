"""The one-time setup page that creates the owner and the organization; gone once that exists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from goodterms.accounts import services
from goodterms.accounts.forms import SetupForm
from goodterms.accounts.middleware import forget_setup_state, setup_done


def setup(request: HttpRequest) -> HttpResponse:
    if setup_done():
        raise Http404("goodterms is already set up")
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.setup_create_owner(
                organization_name=form.cleaned_data["organization_name"],
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
        except services.AlreadySetUp:
            forget_setup_state()
            raise Http404("goodterms is already set up") from None
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.name}. Add your first client to begin.")
        return redirect("clients:list")
    return render(request, "accounts/setup.html", {"form": form})
