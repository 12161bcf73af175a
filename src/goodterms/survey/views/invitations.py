"""The people asked about an exit: withdraw someone's link, or make one to send from your own mailbox."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.accounts.orgscope import get_for_org
from goodterms.clients.models import Contact
from goodterms.survey import selectors, services
from goodterms.survey.views.base import exit_for, invitation_for


@org_required
@require_POST
def invitation_withdraw(request: OrgRequest, pk: int) -> HttpResponse:
    invitation = invitation_for(request, pk)
    if services.invitation_revoke(invitation=invitation, reason=f"Withdrawn by {request.user.name}."):
        messages.success(request, f"{invitation.contact.name}'s survey link no longer works.")
    return redirect("survey:exit-results", pk=invitation.exit_id)


@org_required
@require_POST
def invitation_link(request: OrgRequest, pk: int, contact_pk: int) -> HttpResponse:
    """A link for the user to send themselves. Shown on this response only: it is stored nowhere (a redirect
    would have to keep it in the session, which lives in the database)."""
    exit_ = exit_for(request, pk)
    contact = get_for_org(Contact, request.org, pk=contact_pk, client=exit_.client)
    invitation = services.invitation_for(exit_=exit_, contact=contact)
    if not selectors.open_for_answers(invitation):
        messages.error(request, f"{contact.name}'s survey is closed: no new link.")
        return redirect("survey:exit-results", pk=exit_.pk)
    url = services.link_url(services.link_make(invitation=invitation))
    return render(request, "survey/link.html", {"exit": exit_, "contact": contact, "url": url})
