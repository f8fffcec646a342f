"""The access policy: which role may call which page or API endpoint.

One declared table. Pages are keyed by URL name, API operations by (method, route). An entry
is PUBLIC, AUTHENTICATED (any signed-in user) or a capability from identity.policy, which in
turn says which roles hold it; the role's data scope (identity.policy.ROLE_SCOPES) then limits
which records the route returns. A route with no entry is refused (fail closed), and the
generated role × route test fails until the route is declared here.
"""

from __future__ import annotations

from typing import Any, Final

from lendcrm.identity.roles import can

PUBLIC: Final = "public"
AUTHENTICATED: Final = "authenticated"

PAGE_POLICY: dict[str, str] = {
    "healthz": PUBLIC,
    "set_language": PUBLIC,
    "ui:login": PUBLIC,
    "ui:logout": PUBLIC,
    "ui:home": AUTHENTICATED,
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
}

API_POLICY: dict[tuple[str, str], str] = {
    ("POST", "api/v1/auth/token"): PUBLIC,
    ("GET", "api/v1/auth/me"): AUTHENTICATED,
}


def requirement_for_page(view_name: str | None) -> str | None:
    return PAGE_POLICY.get(view_name or "")


def requirement_for_api(method: str, route: str) -> str | None:
    return API_POLICY.get((method.upper(), route))


def is_allowed(user: Any, requirement: str | None) -> bool:
    if requirement is None:
        return False
    if requirement == PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return requirement == AUTHENTICATED or can(user, requirement)
