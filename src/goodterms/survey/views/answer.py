"""The public survey page: what a person opens from their feedback request, with no account.

- GET and HEAD write nothing (a link scanner opens links; some even run the page's script). "Opened" is
  recorded by the page's own script, after it has loaded, with a POST to `opened/` that carries the nonce;
  without JavaScript it is recorded with the first save. A scanner that runs scripts may mark a link
  opened; nothing it does can make an answer.
- A POST counts only with the nonce this page was rendered with (survey/links.py) and at least one answer
  the person gave: the form has no defaults (no option chosen, no box ticked), so a bot that submits what
  it finds stores nothing. Answers are filed under the link's own invitation; posted ids are ignored.
- "Save" keeps progress (the script saves as the person goes) and the link resumes it; only "Send" uses
  the link up; "Rather not say" needs its box ticked and then stops the reminder.
- Unknown, malformed, expired, withdrawn and used links get the same page with the same status (404),
  naming no client or organization; it offers to withdraw a permission to quote, which only a used link
  with a permission can act on, and says the same either way.
- A signed-in member of the link's organization sees the page marked "Preview: not recorded"; nothing they
  post is stored.
- Over the limits (survey/limits.py): 429, nothing written.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from goodterms.accounts.securitylog import bad_token
from goodterms.lib.vocabulary import QuestionKind
from goodterms.survey import limits, links, questions, selectors, services
from goodterms.survey.models import SurveyInvitation

GONE_STATUS = 404


def _gone(request: HttpRequest, token: str, note: str = "") -> HttpResponse:
    """The one page for every link that cannot be answered: the same words and status whatever the reason."""
    context = {"nonce": links.issue_nonce(token), "note": note}
    return render(request, "survey/gone.html", context, status=GONE_STATUS)


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "survey/too_many.html", {}, status=429)


def _refused(request: HttpRequest) -> HttpResponse:
    return render(request, "survey/refused.html", {}, status=403)


def _is_member(request: HttpRequest, invitation: SurveyInvitation) -> bool:
    user = getattr(request, "user", None)
    return bool(
        user is not None
        and user.is_authenticated
        and getattr(user, "organization_id", None) == invitation.organization_id
    )


def _form(
    request: HttpRequest,
    token: str,
    invitation: SurveyInvitation,
    *,
    preview: bool,
    answers: dict[str, Any] | None = None,
    consent: bool | None = None,
    error: str = "",
    note: str = "",
    status: int = 200,
) -> HttpResponse:
    if answers is None:
        saved = {} if preview else (invitation.progress or {})
        answers = dict(saved.get("answers", {}))
        consent = bool(saved.get("consent"))
    items = [
        {
            **question,
            "number": number,
            "field": f"q-{question['key']}",
            "answer": "" if answers.get(question["key"]) is None else str(answers.get(question["key"])),
            "options": _options(question),
        }
        for number, question in enumerate(invitation.questions, start=1)
    ]
    context = {
        "nonce": links.issue_nonce(token),
        "questions": items,
        "consent": consent,
        "consent_wording": questions.CONSENT_WORDING,
        "has_quote": questions.quote_key(invitation.questions) is not None,
        "first_name": (invitation.contact.name.split() or [""])[0],
        "expires_at": invitation.expires_at,
        "preview": preview,
        "error": error,
        "note": note,
        "text_max": questions.TEXT_ANSWER_MAX,
    }
    return render(request, "survey/answer.html", context, status=status)


def _options(question: dict[str, Any]) -> list[str]:
    """The radio buttons of a question (none chosen beforehand); a text question has none."""
    if question["kind"] == QuestionKind.RATING:
        return [str(n) for n in questions.RATING_RANGE]
    if question["kind"] == QuestionKind.SCORE:
        return [str(n) for n in questions.SCORE_RANGE]
    return list(question.get("choices", []))


@csrf_exempt  # the nonce is this page's CSRF token (survey/links.py), checked before anything is done
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    if not limits.allowed(request, token):
        return _too_many(request)
    nonce = links.NonceState.VALID
    if request.method == "POST":
        nonce = links.check_nonce(request.POST.get("nonce", ""), token)
        if nonce == links.NonceState.INVALID:
            return _refused(request)
    invitation = selectors.invitation_by_token(token)
    if invitation is None:
        bad_token("survey", request)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if invitation is not None and _is_member(request, invitation):
        note = "Preview: not recorded. Nothing you enter here is saved or counted." if action else ""
        return _form(request, token, invitation, preview=True, note=note)
    if invitation is None or not selectors.open_for_answers(invitation):
        if action == "withdraw" and request.POST.get("withdraw") == "yes":
            if invitation is not None:
                services.consent_withdraw(invitation=invitation)
            return _gone(request, token, note="If this link gave permission to quote you, it is withdrawn.")
        return _gone(request, token)
    if request.method != "POST":
        return _form(request, token, invitation, preview=False)
    try:
        answers = questions.clean_answers(invitation.questions, request.POST)
    except questions.AnswerProblem as problem:
        posted = {q["key"]: request.POST.get(f"q-{q['key']}", "") for q in invitation.questions}
        return _form(
            request,
            token,
            invitation,
            preview=False,
            answers=posted,
            consent=request.POST.get("consent") == "yes",
            error=problem.message,
            status=400,
        )
    consent = request.POST.get("consent") == "yes"
    if nonce == links.NonceState.STALE:
        note = "This page was open a long time, so nothing was saved yet: please press your button again."
        return _form(request, token, invitation, preview=False, answers=answers, consent=consent, note=note)
    if action == "save":
        services.progress_save(invitation=invitation, answers=answers, consent=consent)
        if request.headers.get("X-Survey-Autosave") == "1":
            return HttpResponse(status=204)
        note = "Saved. Come back through the same link to finish; only “Send” sends your answers."
        return _form(request, token, invitation, preview=False, answers=answers, consent=consent, note=note)
    if action == "send":
        if not answers:
            error = "Answer at least one question before sending, or choose “Rather not say” below."
            return _form(request, token, invitation, preview=False, error=error, status=400)
        if services.response_send(invitation=invitation, answers=answers, consent=consent):
            response = selectors.response_of(invitation)
            return render(request, "survey/thanks.html", {"may_quote": bool(response and response.may_quote)})
        return _gone(request, token)
    if action == "decline":
        if request.POST.get("decline") != "yes":
            error = "To say you'd rather not answer, tick the box beside “Rather not say” first."
            return _form(request, token, invitation, preview=False, error=error, status=400)
        services.invitation_decline(invitation=invitation)
        return render(request, "survey/declined.html", {})
    return _form(request, token, invitation, preview=False, error="Choose Save, Send or Rather not say.")


@csrf_exempt  # as above: the nonce
@require_POST
def opened(request: HttpRequest, token: str) -> HttpResponse:
    """The page's script reports that the page was shown: the first time is kept ("opened")."""
    if not limits.allowed(request, token):
        return _too_many(request)
    if links.check_nonce(request.POST.get("nonce", ""), token) != links.NonceState.VALID:
        return _refused(request)
    invitation = selectors.invitation_by_token(token)
    if (
        invitation is not None
        and not _is_member(request, invitation)
        and selectors.open_for_answers(invitation)
    ):
        services.invitation_opened(invitation=invitation)
    return HttpResponse(status=204)
