"""API tokens for editors: stored as a digest, valid for API_TOKEN_DAYS.

DRF's Token model holds one token a user. The database keeps only the SHA-256 digest of the
token (its first 40 hex digits, the width of the key column), so a copy of the database, a
backup or the admin's token list gives nobody a working token; the token itself is shown once,
when it is made (`manage.py drf_create_token USERNAME`, `manage.py rotate_api_tokens`). A token
is random (256 bits), so a plain digest, without salt or stretching, is as safe as a password
hash would be, and costs nothing per request.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.authtoken.models import Token

DIGEST_LENGTH = 40  # Token.key's max_length


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:DIGEST_LENGTH]


def lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=settings.API_TOKEN_DAYS)


def expires_at(token: Token) -> datetime.datetime:
    return token.created + lifetime()


@transaction.atomic
def issue_token(user) -> tuple[str, Token]:
    """A new token for `user`, replacing any earlier one: (the token to hand over, its record)."""
    Token.objects.filter(user=user).delete()
    raw = secrets.token_urlsafe(32)
    return raw, Token.objects.create(user=user, key=token_digest(raw))


def delete_expired_tokens() -> int:
    deleted, _ = Token.objects.filter(created__lt=timezone.now() - lifetime()).delete()
    return deleted


# `Bearer` is what generated clients and most HTTP tools send by default; it means the same here.
ACCEPTED_SCHEMES = ("token", "bearer")


class HashedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <token>` (or `Bearer <token>`), looked up by digest; an expired token is refused.

    Any other Authorization header (another scheme, a missing or malformed token) is refused with a
    401: answering it as anonymous would hide a client's mistake behind published-only reads, and
    its writes would then fail with a misleading message.
    """

    def authenticate(self, request):
        header = get_authorization_header(request)
        if not header:
            return None  # anonymous, or signed in through the session
        scheme, _, token = header.partition(b" ")
        if scheme.lower().decode("latin-1") not in ACCEPTED_SCHEMES:
            raise exceptions.AuthenticationFailed(
                "Unsupported authorization scheme; send `Authorization: Token <token>` (or `Bearer <token>`)."
            )
        token = token.strip()
        if not token or b" " in token:
            raise exceptions.AuthenticationFailed("Invalid token header: send the token after the scheme, alone.")
        try:
            key = token.decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key: str):
        try:
            token = Token.objects.select_related("user").get(key=token_digest(key))
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        if timezone.now() >= expires_at(token):
            raise exceptions.AuthenticationFailed(
                "Token expired; ask for a new one (manage.py drf_create_token USERNAME)."
            )
        return token.user, token
