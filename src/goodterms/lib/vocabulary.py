"""goodterms' vocabulary, defined once: the kinds of message, the channels, the phases of an exit, the
reasons and who ends it. Each is a closed set of terms; adding one is a code change reviewed like an API
change (playbook files, rule files and stored rows use the values).

A term is a `str` (so it compares and stores as its value) with a `label` people read. The Django models
build their choices from these (`MessageKind.choices()`); the cores use the values.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Term(StrEnum):
    """A word of the vocabulary: its stored value and the label people read."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value
        return member

    @classmethod
    def choices(cls, *only: Term) -> list[tuple[str, str]]:
        """(value, label) pairs for a Django field, in definition order; `only` keeps just those terms."""
        return [(term.value, term.label) for term in cls if not only or term in only]

    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(term.value for term in cls)


class MessageKind(Term):
    """What a message is for. The tone coach checks each kind for its own pitfalls; each has a template."""

    NOTICE = "notice", "Notice"
    HANDOVER = "handover", "Handover"
    COMPLETION = "completion", "Completion"
    GOODBYE = "goodbye", "Goodbye"
    FEEDBACK_REQUEST = "feedback-request", "Feedback request"
    REFERRAL_ASK = "referral-ask", "Referral ask"
    CHECK_IN = "check-in", "Check-in"
    REPLY_TO_TERMINATION = "reply-to-termination", "Reply to a termination"
    SOUR_ENDING = "sour-ending", "Sour ending"
    # What the user says on a call: talking points, not a letter, so the coach skips greetings and sign-offs.
    CALL_SCRIPT = "call-script", "Call script"


# The kinds that put something in writing about the ending itself: the call should come before them.
WRITTEN_KINDS = frozenset(
    {
        MessageKind.NOTICE,
        MessageKind.COMPLETION,
        MessageKind.HANDOVER,
        MessageKind.SOUR_ENDING,
        MessageKind.REPLY_TO_TERMINATION,
    }
)


class Channel(Term):
    """How a plan step is done. A message is an email or a call (the call's talking points)."""

    CALL = "call", "Call"
    MEETING = "meeting", "Meeting"
    EMAIL = "email", "Email"
    TASK = "task", "Task"


# The channels where news is said, not written: the plan puts one first, before anything written.
CONVERSATIONS = frozenset({Channel.CALL, Channel.MEETING})


class PreferredChannel(Term):
    """How a person at a client prefers to hear from you."""

    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    IN_PERSON = "in_person", "In person"


class Phase(Term):
    """The stages of an exit, in order."""

    PREPARE = "prepare", "Prepare"
    NOTICE = "notice", "Notice"
    WRAP_UP = "wrap-up", "Wrap up"
    GOODBYE = "goodbye", "Goodbye"
    AFTERCARE = "aftercare", "Aftercare"


class Initiator(Term):
    """Who ends the relationship."""

    ME = "me", "I am ending it"
    CLIENT = "client", "The client ended it"
    MUTUAL = "mutual", "We agreed together"


class Reason(Term):
    """Why the relationship ends."""

    PROJECT_COMPLETE = "project-complete", "The project is complete"
    FIT = "fit", "It is no longer a good fit"
    CAPACITY = "capacity", "I no longer have the capacity"
    NEW_DIRECTION = "new-direction", "I am taking a new direction"
    RETIRING = "retiring", "I am retiring"
    FEE_CHANGE = "fee-change", "My fees are changing"
    MANAGEMENT_CHANGE = "management-change", "Who manages the work is changing"
    CLIENT_DECISION = "client-decision", "The client decided to stop"
    CONFLICT = "conflict", "A disagreement or conflict"
    OTHER = "other", "Something else"


class Feeling(Term):
    """How the ending feels: a sour one gets its own playbook and wording."""

    SMOOTH = "smooth", "Smooth"
    SOUR = "sour", "Sour"


class Situation(Term):
    """The shipped playbooks, one per situation (playbook/playbooks/<value>.yaml, whose title is the label
    people read)."""

    PROJECT_COMPLETE = "project-complete"
    I_AM_ENDING = "i-am-ending"
    MONEY_CHANGE = "money-change"
    CLIENT_ENDED = "client-ended"
    SOUR = "sour"


class Check(Term):
    """A gate that is not a step."""

    READINESS = "readiness", "the checklist"  # every deliverable delivered and every invoice paid


class StepStatus(Term):
    """Where a plan step stands on a given day."""

    DONE = "done", "Done"
    LOCKED = "locked", "Locked"
    OVERDUE = "overdue", "Overdue"
    TODAY = "today", "Today"
    UPCOMING = "upcoming", "Upcoming"


class QuestionKind(Term):
    """The kinds of question an exit survey asks (survey/questions.py checks a set of them)."""

    RATING = "rating", "Rating (1 to 5)"
    SCORE = "score", "Recommend score (0 to 10)"
    CHOICE = "choice", "Choice"
    TEXT = "text", "Free text"
    QUOTE = "quote", "Free text we may quote (with permission)"


def contact_step_key(step_id: str, contact_key: str) -> str:
    """The key of a per-contact step ("goodbye" for contact 12 is "goodbye:12"), made in one place."""
    return f"{step_id}:{contact_key}"


class SecurityEvent(Term):
    """What the security log records (accounts/securitylog.py; SECURITY.md lists each with its test)."""

    SIGNIN = "signin", "Signed in"
    SIGNIN_FAILED = "signin.failed", "Sign-in failed"
    SIGNIN_LOCKED = "signin.locked", "Sign-in refused: too many failures"
    SIGNOUT = "signout", "Signed out"
    PASSWORD_CHANGED = "password.changed", "Password changed"
    PASSWORD_RESET_REQUESTED = "password.reset-requested", "Password reset requested"
    PASSWORD_RESET = "password.reset", "Password reset with an emailed link"
    SESSION_REVOKED = "session.revoked", "Session ended from the sessions page"
    SESSION_EXPIRED = "session.expired", "Session expired"
    MEMBER_INVITED = "member.invited", "Member invited"
    INVITATION_REVOKED = "member.invitation-revoked", "Invitation revoked"
    MEMBER_JOINED = "member.joined", "Member joined"
    MEMBER_REMOVED = "member.removed", "Member removed"
    MEMBER_DEACTIVATED = "member.deactivated", "Member deactivated"
    MEMBER_REACTIVATED = "member.reactivated", "Member reactivated"
    ROLE_CHANGED = "member.role-changed", "Role changed"
    ORGANIZATION_CREATED = "organization.created", "Organization created"
    RULES_CHANGED = "settings.rules-changed", "Notice rules changed"
    TEMPLATE_CHANGED = "template.changed", "Message template changed"
    EXPORT = "export", "Data exported"
    FEED_CREATED = "calendar-feed.created", "Calendar feed created"
    FEED_REVOKED = "calendar-feed.revoked", "Calendar feed revoked"
    CROSS_ORG_404 = "access.other-organization", "Another organization's id was asked for"
    BAD_TOKENS = "token.burst", "Many wrong link tokens from one address"
    SEND_UNCERTAIN = "send.uncertain", "A message's delivery is uncertain"
    CONTACT_ERASED = "contact.erased", "A contact's personal data was erased"
    MESSAGES_HELD_AFTER_RESTORE = "restore.held", "Pending messages held after a restore"
