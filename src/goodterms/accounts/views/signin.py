"""Signing in (with attempts limited), password resets by email, and the health check a proxy polls."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from goodterms.accounts import ratelimit, selectors, services
from goodterms.accounts.forms import PasswordResetForm, PasswordResetRequestForm, ThrottledLoginForm
from goodterms.accounts.securitylog import bad_token

FAVICON = Path(__file__).resolve().parents[2] / "static" / "favicon.ico"


@require_http_methods(["GET", "HEAD"])
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, where browsers and feed readers look before they read any page's <link rel=icon>."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
    return response


class SignOutView(LogoutView):
    """Sign out (POST only, as Django's view), and say so on the sign-in page it leads to."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You are signed out.")  # stored in the new, anonymous session
        return response


class SignInView(LoginView):
    form_class = ThrottledLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sent = services.password_reset_request(
            email=form.cleaned_data["email"],
            site=f"{request.scheme}://{request.get_host()}",
            ip=ratelimit.request_ip(request),
        )
        if not sent:
            return render(
                request, "accounts/password_reset.html", {"form": form, "limited": True}, status=429
            )
        # The same answer whether or not the address has an account.
        return render(request, "accounts/password_reset.html", {"form": form, "requested": True})
    return render(request, "accounts/password_reset.html", {"form": form})


@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest, token: str) -> HttpResponse:
    if not selectors.password_reset_usable(token=token):
        bad_token("password-reset", request)
        return render(request, "accounts/password_reset_invalid.html", status=404)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_confirm(token=token, new_password=form.cleaned_data["password1"])
        except services.ResetLinkUsed:
            return render(request, "accounts/password_reset_invalid.html", status=404)
        messages.success(request, "Your password is changed: sign in with it. Every other session has ended.")
        return redirect("login")
    return render(request, "accounts/password_reset_confirm.html", {"form": form})


def healthz(request: HttpRequest) -> HttpResponse:
    """Answers without the database, so it says the web server is up even while the database is busy."""
    return HttpResponse("ok", content_type="text/plain")
