"""Signing in (with failed attempts limited) and the health check that a proxy or a supervisor polls."""

from __future__ import annotations

from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse

from goodterms.accounts.forms import ThrottledLoginForm


class SignInView(LoginView):
    form_class = ThrottledLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def healthz(request: HttpRequest) -> HttpResponse:
    """Answers without the database, so it says the web server is up even while the database is busy."""
    return HttpResponse("ok", content_type="text/plain")
