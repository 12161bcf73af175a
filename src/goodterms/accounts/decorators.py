"""Access decorators: signed in with an organization, and owner-only actions."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from goodterms.accounts.models import Organization, User

# HttpResponseBase, not HttpResponse: a view may stream (StreamingHttpResponse, e.g. the CSV export).
View = Callable[..., HttpResponseBase]


def org_required(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if getattr(request, "org", None) is None:
            raise PermissionDenied("This account belongs to no organization.")
        return view(request, *args, **kwargs)

    return wrapper


def owner_required(view: View) -> View:
    @org_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_owner:  # type: ignore[union-attr]
            raise PermissionDenied("Only the organization's owner can do this.")
        return view(request, *args, **kwargs)

    return wrapper


class OrgRequest(HttpRequest):
    """The request a view behind `org_required` receives: a signed-in user and their organization.

    Views annotate `request: OrgRequest`, so `request.org` and `request.user` are typed without casts.
    """

    user: User
    org: Organization
