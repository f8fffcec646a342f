from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from lendcrm.identity import queries, services
from lendcrm.identity.authentication import check_credentials, record_api_success
from lendcrm.identity.models import User
from lendcrm.identity.roles import roles_of
from lendcrm.identity.two_factor import check_api_second_factor

router = Router(tags=["auth"])


class TokenRequest(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=1024)
    otp: str | None = Field(default=None, max_length=8)


class TokenResponse(Schema):
    token: str
    expires_at: str


class MeResponse(Schema):
    username: str
    display_name: str
    roles: list[str]


class TokenSummary(Schema):
    prefix: str
    name: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    status: str


def _caller(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@router.post("/token", auth=None, response=TokenResponse)
def create_token(request: HttpRequest, payload: TokenRequest) -> TokenResponse:
    """Exchange a user name and password (and a TOTP code, for roles requiring 2FA) for a
    token. Wrong credentials: 401; locked after repeated failures: 429."""
    user = check_credentials(
        request, username=payload.username, password=payload.password, via="api"
    )
    two_factor = check_api_second_factor(user, code=payload.otp)
    record_api_success(request, user, two_factor=two_factor)
    issued = services.issue_api_token(user)
    return TokenResponse(token=issued.plaintext, expires_at=issued.token.expires_at.isoformat())


@router.get("/me", response=MeResponse)
def me(request: HttpRequest) -> MeResponse:
    user = request.user
    return MeResponse(
        username=user.get_username(),
        display_name=str(user),
        roles=sorted(r.value for r in roles_of(user)),
    )


@router.get("/tokens", response=list[TokenSummary])
def list_tokens(request: HttpRequest) -> list[TokenSummary]:
    """The caller's own API tokens, newest first (never their secrets)."""
    return [
        TokenSummary(
            prefix=token.prefix,
            name=token.name,
            created_at=token.created_at,
            expires_at=token.expires_at,
            last_used_at=token.last_used_at,
            status=services.token_status(token).value,
        )
        for token in queries.list_own_tokens(_caller(request))
    ]


@router.delete("/tokens/{prefix}", response={204: None})
def revoke_token(request: HttpRequest, prefix: str) -> HttpResponse:
    """Revoke one of the caller's own tokens; someone else's prefix answers 404."""
    user = _caller(request)
    services.revoke_api_token(queries.get_own_token(user, prefix), acting_user=user)
    return HttpResponse(status=204)
