"""Which roles a user holds (Django groups named by role code) and what follows from them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db import connection

from lendcrm.identity.choices import DataScope, Role
from lendcrm.identity.policy import ROLE_CAPABILITIES, ROLE_SCOPES

_CACHE_ATTR = "_lendcrm_roles"


def roles_of(user: Any) -> frozenset[Role]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached: frozenset[Role] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        names = _group_names(user.pk)
        cached = frozenset(Role(name) for name in names if name in Role.values)
        if user.is_superuser:
            cached = cached | {Role.ADMIN}
        setattr(user, _CACHE_ATTR, cached)
    return cached


def _group_names(user_id: int) -> set[str]:
    """The user's group names. Plain SQL: asked on every API call, and the ORM spent more
    building the join than the database spent running it."""
    through = Group.user_set.through._meta.db_table  # the user model's groups table
    group = Group._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT g.name FROM {group} g JOIN {through} m ON m.group_id = g.id"  # noqa: S608
            " WHERE m.user_id = %s",
            [user_id],
        )
        return {name for (name,) in cursor.fetchall()}


def has_role(user: Any, role: Role) -> bool:
    return role in roles_of(user)


def scope_of(user: Any) -> DataScope | None:
    scopes = [ROLE_SCOPES[role] for role in roles_of(user)]
    return max(scopes) if scopes else None


def can(user: Any, capability: str) -> bool:
    return any(capability in ROLE_CAPABILITIES[role] for role in roles_of(user))


def forget_roles(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
