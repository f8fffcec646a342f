"""API authentication: `Authorization: Bearer <token>`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from lendcrm.audit.services import record_event
from lendcrm.identity.services import TokenRejected, authenticate_api_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            user = authenticate_api_token(token)
        except TokenRejected as exc:
            record_event(
                "api_token.rejected", metadata={"reason": exc.reason, "path": request.path[:200]}
            )
            return None
        request.user = user
        return user


bearer = BearerToken()
