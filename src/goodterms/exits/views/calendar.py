"""A call's invitation (.ics), the page that manages a user's private feed, and the feed itself.

The feed is public on purpose: calendar apps fetch it without a session or a cookie. Its random token is the
only key, and only the token's hash is stored (accounts.models.hash_token), as with invitation links.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime
from typing import cast
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotModified
from django.http.request import split_domain_port
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.accounts.models import User, user_zone
from goodterms.accounts.orgscope import get_for_org, scoped
from goodterms.clients.models import Contact
from goodterms.exits import ical, selectors, services
from goodterms.exits.models import CalendarFeed, ExitStep
from goodterms.exits.signals import FeedItem, feed_items_requested
from goodterms.exits.views.base import exit_for

FEED_CACHE_SECONDS = 3600


def _host(request: HttpRequest) -> str:
    """The site's domain for UIDs: without the port, so a proxy in front changes nothing."""
    domain, _port = split_domain_port(request.get_host())
    return domain or "goodterms"


def _calendar_response(body: bytes) -> HttpResponse:
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@org_required
@require_GET
@never_cache  # names, addresses and notes: no shared or browser cache keeps a copy
def step_invite(request: OrgRequest, pk: int, step_pk: int) -> HttpResponse:
    exit_ = exit_for(request, pk)
    steps = scoped(ExitStep, request.org).select_related("exit__client", "contact")
    step = get_for_org(steps, request.org, pk=step_pk, exit=exit_)
    if not step.is_meeting:
        raise Http404("Only calls and meetings have an invitation.")
    if step.at_time is None:
        messages.info(request, "Choose the time and the people first; the invitation is made from them.")
        return redirect("exits:step-meeting", pk=pk, step_pk=step.pk)
    body = ical.step_invitation(
        step,
        organizer=request.user,
        tz=user_zone(request.user),
        host=_host(request),
        contacts=selectors.invitation_contacts(step=step),
        # Every change to the exit (a step moved, its dates edited) adds a line to its record, so the
        # record's length only grows: a download after a move carries a higher SEQUENCE and updates the event.
        sequence=selectors.record_length(exit_=exit_),
    )
    response = _calendar_response(body)
    response["Content-Disposition"] = f'attachment; filename="{ical.invitation_filename(step)}"'
    return response


@org_required
@require_http_methods(["GET", "POST"])
@never_cache  # after "create" the page holds the feed's secret address
def feed_settings(request: OrgRequest) -> HttpResponse:
    feed_url = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            token = services.calendar_feed_create(org=request.org, user=request.user)
            feed_url = request.build_absolute_uri(reverse("exits:feed", args=[token]))
            # Rendered here, not after a redirect: a redirect would have to park the address in the session,
            # and the sessions live in the database, where the token must never be in clear.
        elif action == "revoke":
            services.calendar_feed_revoke(org=request.org, user=request.user)
            messages.success(request, "Your calendar feed is off. Calendars subscribed to it stop updating.")
            return redirect("exits:calendar")
        else:
            return HttpResponseBadRequest("Unknown action.")
    context = {
        "feed": selectors.calendar_feed(org=request.org, user=request.user),
        "feed_url": feed_url,
        "webcal_url": ("webcal://" + feed_url.split("://", 1)[1]) if feed_url else "",
    }
    return render(request, "exits/calendar.html", context)


@require_safe  # GET and HEAD only: no login, no session, nothing a cross-site form could trigger
@never_cache  # a private calendar: the app that subscribed may keep it, no proxy or browser cache should
def feed(request: HttpRequest, token: str) -> HttpResponse:
    # The token is the scope here: nobody is signed in, and the row it finds names the organization that
    # every later query is scoped to. A wrong token and a revoked one look the same.
    feed_ = selectors.calendar_feed_by_token(token=token)
    if feed_ is None:
        raise Http404
    user = feed_.user
    tz = user_zone(user)
    now = timezone.now()
    today = now.astimezone(tz).date()
    # Calendar apps fetch the feed again and again, mostly unchanged, and building 1,000 events takes most of
    # a second. So the body is kept, by a fingerprint of the plain values it is made from (read as tuples,
    # which is cheap), and the fingerprint is the ETag: an unchanged feed costs a few small queries and, for
    # apps that ask with If-None-Match, no body at all.
    snapshot = selectors.feed_snapshot(feed=feed_, today=today)
    # Apps above this one add their own events (aftercare's touchpoints), as plain values.
    extra: list[FeedItem] = []
    for _receiver, items in feed_items_requested.send(
        sender=CalendarFeed, organization=feed_.organization, user=user, since=today - selectors.FEED_PAST
    ):
        extra.extend(cast("list[FeedItem]", items or []))
    parts = [
        extra,
        str(tz),
        _host(request),
        user.name,
        user.email,
        today,
        snapshot.rows,
        sorted(snapshot.record_lengths.items()),
        snapshot.contact_rows,
    ]
    fingerprint = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    etag = f'"{fingerprint}"'
    if etag in request.headers.get("If-None-Match", ""):
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        return not_modified
    cache_key = f"goodterms:feed:{feed_.pk}:{fingerprint}"
    body: bytes | None = cache.get(cache_key)
    if body is None:
        steps = list(snapshot.steps.select_related("exit__client", "contact"))
        contacts: defaultdict[int, list[Contact]] = defaultdict(list)
        for contact in snapshot.contacts:
            contacts[contact.client_id].append(contact)
        body = _feed_body(
            request,
            steps,
            user=user,
            tz=tz,
            contacts=contacts,
            record_lengths=snapshot.record_lengths,
            now=now,
            extra=extra,
        )
        cache.set(cache_key, body, FEED_CACHE_SECONDS)
    response = _calendar_response(body)
    response["X-Robots-Tag"] = "noindex"
    response["ETag"] = etag
    return response


def _feed_body(
    request: HttpRequest,
    steps: list[ExitStep],
    *,
    user: User,
    tz: ZoneInfo,
    contacts: dict[int, list[Contact]],
    record_lengths: dict[int, int],
    now: datetime,
    extra: list[FeedItem],
) -> bytes:
    exits_prefix = request.build_absolute_uri(reverse("exits:list"))
    return ical.feed_calendar(
        steps,
        user=user,
        tz=tz,
        host=_host(request),
        contacts=contacts,
        sequences={step.pk: record_lengths.get(step.exit_id, 0) for step in steps},
        link=lambda step: f"{exits_prefix}{step.exit_id}/",
        now=now,
        extra=extra,
    )
