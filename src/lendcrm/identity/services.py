"""Writes for users, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from lendcrm.audit.services import diff_fields, record_event
from lendcrm.core import clock
from lendcrm.core.errors import Conflict, DomainError
from lendcrm.identity.choices import Role, TokenStatus
from lendcrm.identity.models import ApiToken, OrgUnit, User
from lendcrm.identity.roles import forget_roles, roles_of

TOKEN_PREFIX = "lc"  # noqa: S105 — a public marker, not a secret
# last_used_at is for people ("used an hour ago?"), not for security decisions: writing it at
# most once a minute spares a busy channel an UPDATE and a commit on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def sync_roles() -> None:
    """Make sure one Django group exists per role."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def assign_roles(user: User, roles: list[Role]) -> None:
    sync_roles()
    user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
    forget_roles(user)


def _account_state(user: User) -> dict[str, object]:
    return {
        "roles": sorted(role.value for role in roles_of(user)),
        "team": user.team.code if user.team else None,
        "is_active": user.is_active,
    }


def update_user_access(
    user: User,
    *,
    roles: list[Role],
    team: OrgUnit | None,
    is_active: bool,
    acting_user: User,
) -> User:
    """Change a user's roles, team and active flag; audited with before and after."""
    if user.pk == acting_user.pk and not is_active:
        raise DomainError(_("不能停用自己的账户"), field="is_active")
    if user.pk == acting_user.pk and Role.ADMIN in roles_of(user) and Role.ADMIN not in roles:
        raise DomainError(_("不能移除自己的系统管理员角色"), field="roles")
    with transaction.atomic():
        user = User.objects.select_for_update(of=("self",)).select_related("team").get(pk=user.pk)
        before = _account_state(user)
        user.team, user.is_active = team, is_active
        user.save(update_fields=["team", "is_active"])
        assign_roles(user, roles)
        changes = diff_fields(before, _account_state(user))
        if changes:
            record_event("user.updated", actor=acting_user, target=user, changes=changes)
    return user


def unlock_user(user: User, *, acting_user: User) -> int:
    """Clear the failed sign-in attempts that lock the user out (every address)."""
    with transaction.atomic():
        cleared = int(axes_reset(username=user.get_username()))
        record_event(
            "login.unlocked", actor=acting_user, target=user, metadata={"attempts": cleared}
        )
    return cleared


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
    found = ApiToken.objects.select_related("user").filter(prefix=parts[1])[:1]  # unique
    token = next(iter(found), None)
    if token is None or not secrets.compare_digest(token.secret_hash, _hash_secret(parts[2])):
        raise TokenRejected("unknown token")
    if token.revoked_at is not None:
        raise TokenRejected("token revoked")
    if token.expires_at <= clock.now():
        raise TokenRejected("token expired")
    if not token.user.is_active:
        raise TokenRejected("user inactive")
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_status(token: ApiToken) -> TokenStatus:
    if token.revoked_at is not None:
        return TokenStatus.REVOKED
    if token.expires_at <= clock.now():
        return TokenStatus.EXPIRED
    return TokenStatus.ACTIVE


def revoke_api_token(token: ApiToken, *, acting_user: User) -> ApiToken:
    if token.revoked_at is not None:
        raise Conflict(_("该令牌已吊销"), field="prefix")
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
