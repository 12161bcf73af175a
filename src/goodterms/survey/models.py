"""The exit survey: an organization's questions, one private link per person, and what each person answered.

- `QuestionSet`: the organization's questions (the shipped default until it edits them; survey/questions.py
  checks every set).
- `SurveyInvitation`: one person asked about one exit. It keeps its own frozen copy of the questions, so a
  later edit never changes what a person was asked; it expires, and is revoked when the exit is cancelled or
  the user withdraws it. Its progress (answers saved as the person goes) lives here until they press Send.
- `SurveyLink`: a link's token, as its SHA-256 only. The outbox makes one each time the request (or the
  reminder) is sent (survey/links.py); the token itself is in the email and nowhere else.
- `SurveyResponse`: the answers sent, one per invitation (a database constraint), with the testimonial
  consent: its exact wording and when it was given or withdrawn.
- `SurveyReminder`: the one gentle reminder an invitation may get (a database constraint).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from goodterms.accounts.orgscope import OrgOwned


class QuestionSet(OrgOwned):
    """An organization's own questions; without a row, the default set (survey/questions.py) is used."""

    questions = models.JSONField(default=list)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="one_question_set_per_org")]

    def __str__(self) -> str:
        return f"Survey questions of {self.organization_id}"


class SurveyInvitation(OrgOwned):
    class Status(models.TextChoices):
        NOT_SENT = "not-sent", "Not sent yet"
        INVITED = "invited", "Invited"
        OPENED = "opened", "Opened"
        STARTED = "started", "Started"
        FINISHED = "finished", "Finished"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Withdrawn"

    exit = models.ForeignKey("exits.Exit", on_delete=models.CASCADE, related_name="survey_invitations")
    # Forgetting the person (deleting the contact) takes their invitation and answers with it.
    contact = models.ForeignKey("clients.Contact", on_delete=models.CASCADE, related_name="+")
    questions = models.JSONField(default=list)  # the frozen copy this person is asked
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)  # the first link left in an email
    expires_at = models.DateTimeField(null=True, blank=True)  # set with the first link
    opened_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    progress = models.JSONField(default=dict, blank=True)  # answers saved, not yet sent
    declined_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exit", "contact"], name="one_survey_invitation_per_person")
        ]
        indexes = [models.Index(fields=["organization", "sent_at"])]

    def __str__(self) -> str:
        return f"Survey invitation {self.pk}"

    @property
    def has_response(self) -> bool:
        """Read with select_related("response") on lists, so a page of people asks once."""
        try:
            return self.response is not None
        except SurveyResponse.DoesNotExist:
            return False

    def status(self, now: Any = None) -> SurveyInvitation.Status:
        """Where the person stands: finished and declined win over the dates; then withdrawn and expired."""
        now = now or timezone.now()
        if self.has_response:
            return self.Status.FINISHED
        if self.declined_at:
            return self.Status.DECLINED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.sent_at is None:
            return self.Status.NOT_SENT
        if self.expires_at is not None and self.expires_at <= now:
            return self.Status.EXPIRED
        if self.started_at:
            return self.Status.STARTED
        if self.opened_at:
            return self.Status.OPENED
        return self.Status.INVITED


class SurveyLink(OrgOwned):
    """One link's token, kept as its SHA-256 (hex). Several may name one invitation (request, reminder)."""

    invitation = models.ForeignKey(SurveyInvitation, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Survey link {self.pk}"


class SurveyResponse(OrgOwned):
    """What one person sent. Its invitation is unique: 20 parallel Sends store one."""

    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.CASCADE, related_name="response")
    answers = models.JSONField(default=dict)  # question key -> the answer (int or str)
    submitted_at = models.DateTimeField(default=timezone.now)
    # The testimonial consent: the box's exact wording when it was ticked, and when; withdrawn_at ends it.
    consent_wording = models.TextField(blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Survey response {self.pk}"

    @property
    def may_quote(self) -> bool:
        return self.consent_at is not None and self.consent_withdrawn_at is None


class SurveyReminder(OrgOwned):
    """The one reminder of an invitation, and the message that carried it."""

    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.CASCADE, related_name="reminder")
    message = models.ForeignKey(
        "messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Survey reminder {self.pk}"
