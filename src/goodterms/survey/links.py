"""A survey link's secret, and the nonce that proves a POST came from a page this site rendered.

- The token: 256 random bits from `secrets` (43 URL-safe characters), unrelated to any id. Only its SHA-256
  is stored (`SurveyLink.token_hash`); the token is in the email and nowhere else. Logs redact it
  (lib/redact.py: a run of 40+ URL-safe characters).
- The nonce: issued when the page is rendered, with no write: the token's hash and the time, signed with
  SECRET_KEY (django.core.signing). A POST counts only with a nonce for the same link, less than
  NONCE_MAX_AGE old. The public page is exempt from Django's CSRF check, so it sets no cookie on a person
  who has no account, and the nonce stands in for the CSRF token: a POST without one gets 403.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from django.core import signing

TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")
NONCE_MAX_AGE = 24 * 3600  # a page left open for a day is sent again with a fresh nonce, answers kept
_SALT = "goodterms.survey.nonce"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def well_formed(token: str) -> bool:
    return TOKEN_SHAPE.fullmatch(token) is not None


def issue_nonce(token: str) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(token_hash(token)[:32])


class NonceState:
    VALID = "valid"
    STALE = "stale"  # signed for this link, but older than NONCE_MAX_AGE
    INVALID = "invalid"


def check_nonce(nonce: str, token: str) -> str:
    signer = signing.TimestampSigner(salt=_SALT)
    expected = token_hash(token)[:32]
    try:
        value = signer.unsign(nonce, max_age=NONCE_MAX_AGE)
    except signing.SignatureExpired:
        try:
            value = signer.unsign(nonce)
        except signing.BadSignature:
            return NonceState.INVALID
        return NonceState.STALE if secrets.compare_digest(value, expected) else NonceState.INVALID
    except signing.BadSignature:
        return NonceState.INVALID
    return NonceState.VALID if secrets.compare_digest(value, expected) else NonceState.INVALID
