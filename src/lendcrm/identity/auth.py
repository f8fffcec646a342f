"""API authentication: `Authorization: Bearer <token>`, then the access policy."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from lendcrm.audit.services import record_event
from lendcrm.core.errors import PolicyDenied
from lendcrm.identity.access import is_allowed, requirement_for_api
from lendcrm.identity.services import TokenRejected, authenticate_api_token


class BearerToken(HttpBearer):
    """Reads the token, then applies the access policy to the operation being called."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            user = authenticate_api_token(token)
        except TokenRejected as exc:
            record_event(
                "api_token.rejected", metadata={"reason": exc.reason, "path": request.path[:200]}
            )
            return None
        request.user = user
        match = request.resolver_match
        requirement = requirement_for_api(request.method or "", match.route if match else "")
        if not is_allowed(user, requirement):
            record_event(
                "access.denied",
                actor=user,
                metadata={"method": request.method, "path": request.path[:200]},
            )
            raise PolicyDenied("your role may not call this endpoint")
        return user


bearer = BearerToken()
