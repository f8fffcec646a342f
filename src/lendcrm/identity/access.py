"""The access policy: which role may call which page or API endpoint.

One declared table. Pages are keyed by URL name, API operations by (method, route). An entry
is PUBLIC, AUTHENTICATED (any signed-in user) or a capability from identity.policy, which in
turn says which roles hold it; the role's data scope (identity.policy.ROLE_SCOPES) then limits
which records the route returns. A route with no entry is refused (fail closed), and the
generated role × route test fails until the route is declared here.
"""

from __future__ import annotations

import re
from functools import lru_cache
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
    "api:api-root": PUBLIC,
}

API_POLICY: dict[tuple[str, str], str] = {
    ("POST", "api/v1/auth/token"): PUBLIC,
    ("GET", "api/v1/auth/me"): AUTHENTICATED,
}


DENIED_HEADER = "X-Lendcrm-Denied"  # set on refusals by the policy itself (not by a view)


def requirement_for_page(view_name: str | None) -> str | None:
    return PAGE_POLICY.get(view_name or "")


_ROUTE_PARAM = re.compile(r"<(?:[^>:]+:)?([^>]+)>|\{(?:[^}:]+:)?([^}]+)\}")


def canonical_route(route: str) -> str:
    """`api/v1/x/<int:pk>/` and `api/v1/x/{pk}/` both become `api/v1/x/{pk}`."""
    return _ROUTE_PARAM.sub(lambda m: "{" + (m[1] or m[2]) + "}", route).strip("/")


@lru_cache(maxsize=1)
def _api_policy_index() -> dict[tuple[str, str], str]:
    return {
        (method.upper(), canonical_route(route)): req for (method, route), req in API_POLICY.items()
    }


def requirement_for_api(method: str, route: str) -> str | None:
    return _api_policy_index().get((method.upper(), canonical_route(route)))


def is_allowed(user: Any, requirement: str | None) -> bool:
    if requirement is None:
        return False
    if requirement == PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return requirement == AUTHENTICATED or can(user, requirement)
