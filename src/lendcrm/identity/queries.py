"""Reads for the identity pages and API. User administration is not data-scoped: it needs the
"identity.manage" capability, which the access policy checks before these run."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db.models import Prefetch, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from lendcrm.core.errors import NotFound
from lendcrm.identity.choices import Role
from lendcrm.identity.models import ApiToken, OrgUnit, RoleSecurityPolicy, User


@dataclass(frozen=True)
class UserFilter:
    text: str = ""
    role: str = ""
    team_id: int | None = None
    active: bool | None = None


def list_users(filters: UserFilter) -> QuerySet[User]:
    users = User.objects.select_related("team").prefetch_related(
        Prefetch("groups", queryset=Group.objects.order_by("name")),
        Prefetch(
            "totpdevice_set",
            queryset=TOTPDevice.objects.filter(confirmed=True),
            to_attr="confirmed_devices",
        ),
    )
    if filters.text:
        users = users.filter(
            Q(username__icontains=filters.text) | Q(display_name__icontains=filters.text)
        )
    if filters.role in Role.values:
        users = users.filter(groups__name=filters.role)
    if filters.team_id is not None:
        users = users.filter(team_id=filters.team_id)
    if filters.active is not None:
        users = users.filter(is_active=filters.active)
    return users.order_by("username")


def get_user(pk: int) -> User:
    try:
        return User.objects.select_related("team").get(pk=pk)
    except User.DoesNotExist as exc:
        raise NotFound("user not found") from exc


def list_org_units() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.select_related("parent").order_by("code")


def list_own_tokens(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def get_own_token(user: User, prefix: str) -> ApiToken:
    """Someone else's token looks exactly like a missing one."""
    token = ApiToken.objects.filter(user=user, prefix=prefix).first()
    if token is None:
        raise NotFound("token not found", field="prefix")
    return token


def two_factor_roles() -> dict[str, bool]:
    """{role code: require_2fa} for every role, with the default for roles without a row."""
    stored = dict(RoleSecurityPolicy.objects.values_list("role", "require_2fa"))
    return {role.value: stored.get(role.value, False) for role in Role}
