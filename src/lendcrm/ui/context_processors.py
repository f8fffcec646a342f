from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lendcrm.identity.roles import roles_of
from lendcrm.ui.navigation import sections_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": [], "user_roles": []}
    return {
        "nav_sections": sections_for(user, current_path=request.path),
        "user_roles": sorted(str(role.label) for role in roles_of(user)),
    }
