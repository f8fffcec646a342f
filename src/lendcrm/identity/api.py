from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from lendcrm.audit.services import record_event
from lendcrm.identity.roles import roles_of
from lendcrm.identity.services import issue_api_token

router = Router(tags=["auth"])


class TokenRequest(Schema):
    username: str
    password: str


class TokenResponse(Schema):
    token: str
    expires_at: str


class MeResponse(Schema):
    username: str
    display_name: str
    roles: list[str]


@router.post("/token", auth=None, response=TokenResponse)
def create_token(request: HttpRequest, payload: TokenRequest) -> TokenResponse:
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        record_event("login.failed", username=payload.username[:150], metadata={"via": "api"})
        raise HttpError(401, "invalid username or password")
    issued = issue_api_token(user)
    return TokenResponse(token=issued.plaintext, expires_at=issued.token.expires_at.isoformat())


@router.get("/me", response=MeResponse)
def me(request: HttpRequest) -> MeResponse:
    user = request.user
    return MeResponse(
        username=user.get_username(),
        display_name=str(user),
        roles=sorted(r.value for r in roles_of(user)),
    )
