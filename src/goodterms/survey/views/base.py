"""What the survey's member pages share: reaching an exit and one of its invitations."""

from __future__ import annotations

from goodterms.accounts.decorators import OrgRequest
from goodterms.accounts.orgscope import get_for_org, scoped
from goodterms.exits.models import Exit
from goodterms.survey.models import SurveyInvitation


def exit_for(request: OrgRequest, pk: int) -> Exit:
    return get_for_org(scoped(Exit, request.org).select_related("client"), request.org, pk=pk)


def invitation_for(request: OrgRequest, pk: int) -> SurveyInvitation:
    return get_for_org(
        scoped(SurveyInvitation, request.org).select_related("exit", "contact"), request.org, pk=pk
    )
