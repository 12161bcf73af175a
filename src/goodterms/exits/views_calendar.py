"""A call's invitation (.ics), the page that manages a user's private feed, and the feed itself.

The feed is public on purpose: calendar apps fetch it without a session or a cookie. Its random token is the
only key, and only the token's hash is stored (accounts.models.hash_token), as with invitation links.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.cache import cache
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotModified
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.accounts.models import Organization, User, hash_token, user_zone
from goodterms.accounts.orgscope import get_for_org, scoped
from goodterms.clients.models import Contact
from goodterms.exits import calendar
from goodterms.exits.models import CalendarFeed, Exit, ExitEvent, ExitStep

FEED_LIMIT = 1000
FEED_PAST = timedelta(days=30)  # overdue steps stay visible for a month, then drop off the calendar
FEED_CACHE_SECONDS = 3600
# Every value an event is made from; the last is the client's id, for the contacts of calls.
FINGERPRINT_FIELDS = (
    "pk",
    "exit_id",
    "due",
    "at_time",
    "title",
    "why",
    "channel",
    "talking_points",
    "contact_id",
    "contact_name",
    "exit__client__name",
    "exit__client_id",
)
READ_EVERY = timedelta(hours=1)  # last_read_at answers "is it in use?"; it is no log: one write an hour


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
    exit_ = get_for_org(Exit, request.org, pk=pk)
    steps = scoped(ExitStep, request.org).select_related("exit__client", "contact")
    step = get_for_org(steps, request.org, pk=step_pk, exit=exit_)
    if not step.is_meeting:
        raise Http404("Only calls and meetings have an invitation.")
    contacts = scoped(Contact, request.org).filter(client=exit_.client_id).order_by("-is_primary", "name")
    # Every change to the exit (a step moved, its dates edited) adds a line to its record, so the record's
    # length only grows: a download after a move carries a higher SEQUENCE and updates the imported event.
    sequence = scoped(ExitEvent, request.org).filter(exit=exit_).count()
    body = calendar.step_invitation(
        step,
        organizer=request.user,
        tz=user_zone(request.user),
        host=_host(request),
        contacts=list(contacts),
        sequence=sequence,
    )
    response = _calendar_response(body)
    response["Content-Disposition"] = f'attachment; filename="{calendar.invitation_filename(step)}"'
    return response


@org_required
@require_http_methods(["GET", "POST"])
@never_cache  # after "create" the page holds the feed's secret address
def feed_settings(request: OrgRequest) -> HttpResponse:
    feed_url = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            token = CalendarFeed.new_token()
            _feed_replace(org=request.org, user=request.user, token_hash=hash_token(token))
            feed_url = request.build_absolute_uri(reverse("exits:feed", args=[token]))
            # Rendered here, not after a redirect: a redirect would have to park the address in the session,
            # and the sessions live in the database, where the token must never be in clear.
        elif action == "revoke":
            scoped(CalendarFeed, request.org).filter(user=request.user).delete()
            messages.success(request, "Your calendar feed is off. Calendars subscribed to it stop updating.")
            return redirect("exits:calendar")
        else:
            return HttpResponseBadRequest("Unknown action.")
    context = {
        "feed": scoped(CalendarFeed, request.org).filter(user=request.user).first(),
        "feed_url": feed_url,
        "webcal_url": ("webcal://" + feed_url.split("://", 1)[1]) if feed_url else "",
    }
    return render(request, "exits/calendar.html", context)


def _feed_replace(*, org: Organization, user: User, token_hash: str) -> CalendarFeed:
    """The user's one feed with a new token: the old address stops working at once."""
    feed, _created = scoped(CalendarFeed, org).update_or_create(
        user=user,
        defaults={
            "organization": org,
            "token_hash": token_hash,
            "created_at": timezone.now(),
            "last_read_at": None,
        },
    )
    return feed


@require_safe  # GET and HEAD only: no login, no session, nothing a cross-site form could trigger
@never_cache  # a private calendar: the app that subscribed may keep it, no proxy or browser cache should
def feed(request: HttpRequest, token: str) -> HttpResponse:
    # The token is the scope here: nobody is signed in, and the row it finds names the organization that
    # every later query is scoped to. Hashing first means an unknown token costs the same index lookup.
    try:
        feed_ = get_object_or_404(CalendarFeed, token_hash=hash_token(token))
    except Http404:
        raise Http404 from None  # no detail: a wrong token and a revoked one look the same
    user, org = feed_.user, feed_.organization
    if not user.is_active or user.organization_id != org.pk:
        raise Http404
    tz = user_zone(user)
    now = timezone.now()
    today = now.astimezone(tz).date()
    upcoming = (
        scoped(ExitStep, org)
        .filter(
            exit__state=Exit.State.RUNNING,
            exit__owner=user,
            done_on__isnull=True,
            due__gte=today - FEED_PAST,
        )
        .order_by("due", "exit_id", "position", "pk")[:FEED_LIMIT]
    )
    # Calendar apps fetch the feed again and again, mostly unchanged, and building 1,000 events takes most of
    # a second. So the body is kept, by a fingerprint of the plain values it is made from (read as tuples,
    # which is cheap), and the fingerprint is the ETag: an unchanged feed costs three small queries and, for
    # apps that ask with If-None-Match, no body at all.
    rows = list(upcoming.values_list(*FINGERPRINT_FIELDS))
    exit_ids = {row[1] for row in rows}
    record_lengths = dict(
        scoped(ExitEvent, org)
        .filter(exit__in=exit_ids)
        .order_by()  # without the model's ordering, which would join the GROUP BY
        .values("exit")
        .annotate(lines=Count("pk"))
        .values_list("exit", "lines")
    )
    with_calls = {row[-1] for row in rows if row[6] in ("call", "meeting")}  # only calls pick a contact
    client_contacts = scoped(Contact, org).filter(client__in=with_calls).order_by("-is_primary", "name", "pk")
    contact_rows = list(
        client_contacts.values_list("client_id", "pk", "name", "email", "phone", "is_primary")
    )
    parts = [str(tz), _host(request), user.name, user.email, today, rows, sorted(record_lengths.items())]
    fingerprint = hashlib.sha256(repr([*parts, contact_rows]).encode()).hexdigest()[:32]
    etag = f'"{fingerprint}"'
    if etag in request.headers.get("If-None-Match", ""):
        _touch(org, feed_.pk, now)
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        return not_modified
    cache_key = f"goodterms:feed:{feed_.pk}:{fingerprint}"
    body: bytes | None = cache.get(cache_key)
    if body is None:
        steps = list(upcoming.select_related("exit__client", "contact"))
        contacts: defaultdict[int, list[Contact]] = defaultdict(list)
        for contact in client_contacts:
            contacts[contact.client_id].append(contact)
        body = _feed_body(
            request, steps, user=user, tz=tz, contacts=contacts, record_lengths=record_lengths, now=now
        )
        cache.set(cache_key, body, FEED_CACHE_SECONDS)
    _touch(org, feed_.pk, now)
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
) -> bytes:
    exits_prefix = request.build_absolute_uri(reverse("exits:list"))
    return calendar.feed_calendar(
        steps,
        user=user,
        tz=tz,
        host=_host(request),
        contacts=contacts,
        sequences={step.pk: record_lengths.get(step.exit_id, 0) for step in steps},
        link=lambda step: f"{exits_prefix}{step.exit_id}/",
        now=now,
    )


def _touch(org: Organization, feed_pk: int, now: datetime) -> None:
    """A conditional UPDATE: concurrent reads write at most once an hour, never moving the time back."""
    scoped(CalendarFeed, org).filter(pk=feed_pk).filter(
        Q(last_read_at__isnull=True) | Q(last_read_at__lt=now - READ_EVERY)
    ).update(last_read_at=now)
