"""Which roles a user holds (Django groups named by role code) and what follows from them."""

from __future__ import annotations

from typing import Any

from lendcrm.identity.choices import DataScope, Role
from lendcrm.identity.policy import ROLE_CAPABILITIES, ROLE_SCOPES

_CACHE_ATTR = "_lendcrm_roles"


def roles_of(user: Any) -> frozenset[Role]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached: frozenset[Role] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(Role(name) for name in names if name in Role.values)
        if user.is_superuser:
            cached = cached | {Role.ADMIN}
        setattr(user, _CACHE_ATTR, cached)
    return cached


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
