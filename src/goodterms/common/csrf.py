"""Django's CSRF check, taught that a form posted from one of this site's own pages says `Origin: null`.

Every page sends `Referrer-Policy: no-referrer` (common/headers.py), so no URL, and no token in a URL, ever
leaves in a Referer header. The price: browsers then post forms with `Origin: null`, which Django's check
refuses, since it cannot tell who sent it. The browser still says where the request came from in
`Sec-Fetch-Site`, a header a page cannot set or change (Fetch Metadata: Chromium 76, Firefox 90, Safari
16.4 and later). So `Origin: null` passes the origin check only with `Sec-Fetch-Site: same-origin`; a
request from another site, a sibling subdomain (`same-site`) or a browser that does not say is refused as
before. Any other Origin is checked as Django checks it, and the CSRF token is always required.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware as DjangoCsrfViewMiddleware

NULL_ORIGIN = "null"


def posted_from_this_site(request: HttpRequest) -> bool:
    return request.META.get("HTTP_SEC_FETCH_SITE") == "same-origin"


class CsrfViewMiddleware(DjangoCsrfViewMiddleware):
    # `_origin_verified` is Django's own hook, private: were it renamed, tests/common/test_csrf.py would fail.
    def _origin_verified(self, request: HttpRequest) -> bool:
        if request.META.get("HTTP_ORIGIN") == NULL_ORIGIN:
            return posted_from_this_site(request)
        return bool(super()._origin_verified(request))  # type: ignore[misc]  # not in django-stubs


MIDDLEWARE_PATH = f"{__name__}.CsrfViewMiddleware"


def check_installed(**_: object) -> list[checks.CheckMessage]:
    """Stands in for Django's security.W003 (silenced in settings.py), which looks for Django's own class
    by name and would warn about this one."""
    if MIDDLEWARE_PATH in settings.MIDDLEWARE:
        return []
    return [
        checks.Warning(
            f"{MIDDLEWARE_PATH} is not in MIDDLEWARE: no form is protected against CSRF.", id="goodterms.W001"
        )
    ]
