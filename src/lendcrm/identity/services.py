"""Writes for users, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.errors import DomainError
from lendcrm.identity.choices import Role
from lendcrm.identity.models import ApiToken, User
from lendcrm.identity.roles import forget_roles

TOKEN_PREFIX = "lc"  # noqa: S105 — a public marker, not a secret


def sync_roles() -> None:
    """Make sure one Django group exists per role."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def assign_roles(user: User, roles: list[Role]) -> None:
    sync_roles()
    user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
    forget_roles(user)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plaintext: str


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_api_token(user: User, *, name: str = "api", ttl: timedelta | None = None) -> IssuedToken:
    if not user.is_active:
        raise DomainError("user is inactive", field="username")
    prefix = secrets.token_hex(5)
    secret = secrets.token_urlsafe(32)
    expires = clock.now() + (ttl or timedelta(days=settings.API_TOKEN_TTL_DAYS))
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=prefix,
            secret_hash=_hash_secret(secret),
            expires_at=expires,
        )
        record_event("api_token.issued", actor=user, target=token, metadata={"prefix": prefix})
    return IssuedToken(token=token, plaintext=f"{TOKEN_PREFIX}_{prefix}_{secret}")


class TokenRejected(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def authenticate_api_token(plaintext: str) -> User:
    """Return the token's user, or raise TokenRejected saying why (unknown, expired, revoked)."""
    parts = plaintext.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        raise TokenRejected("malformed token")
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None or not secrets.compare_digest(token.secret_hash, _hash_secret(parts[2])):
        raise TokenRejected("unknown token")
    if token.revoked_at is not None:
        raise TokenRejected("token revoked")
    if token.expires_at <= clock.now():
        raise TokenRejected("token expired")
    if not token.user.is_active:
        raise TokenRejected("user inactive")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=clock.now())
    return token.user


def revoke_api_token(token: ApiToken, *, acting_user: User) -> ApiToken:
    with transaction.atomic():
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        record_event(
            "api_token.revoked", actor=acting_user, target=token, metadata={"prefix": token.prefix}
        )
    return token


def purge_expired_api_tokens() -> int:
    cutoff = clock.now() - timedelta(days=90)
    deleted, _ = ApiToken.objects.filter(expires_at__lt=cutoff).delete()
    return deleted
