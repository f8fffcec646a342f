from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lendcrm.identity.roles import roles_of
from lendcrm.ui.navigation import items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_roles": []}
    return {"nav_items": items_for(user), "user_roles": sorted(r.label for r in roles_of(user))}
