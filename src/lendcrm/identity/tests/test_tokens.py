"""Personal API tokens: the tokens page, the token API, and how bad tokens are rejected."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lendcrm.core import clock
from lendcrm.identity.models import ApiToken, User
from lendcrm.identity.tests.conftest import events
from lendcrm.identity.tests.factories import token_for

pytestmark = pytest.mark.django_db
ME = "/api/v1/auth/me"
TOKENS = "/api/v1/auth/tokens"


def _bearer(plaintext: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {plaintext}"}


def test_a_valid_token_authenticates_and_records_its_use(sales_user: User) -> None:
    issued = token_for(sales_user)

    response = Client().get(ME, headers=_bearer(issued.plaintext))

    assert response.status_code == 200
    assert response.json()["username"] == "sales1"
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None


def test_last_used_is_written_at_most_once_a_minute(
    sales_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = token_for(sales_user)
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start)
    Client().get(ME, headers=_bearer(issued.plaintext))
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=59))

    with CaptureQueriesContext(connection) as within_a_minute:
        Client().get(ME, headers=_bearer(issued.plaintext))
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=61))
    Client().get(ME, headers=_bearer(issued.plaintext))

    assert not [q for q in within_a_minute.captured_queries if "UPDATE" in q["sql"]]
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == start + timedelta(seconds=61)


def test_an_expired_token_is_rejected_with_json_and_audited(sales_user: User) -> None:
    issued = token_for(sales_user)
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=clock.now() - timedelta(1))

    response = Client().get(ME, headers=_bearer(issued.plaintext))

    assert response.status_code == 401
    assert response.json()["detail"] == "authentication required"
    [event] = events("api_token.rejected")
    assert event.metadata == {"reason": "token expired", "path": ME}


def test_a_revoked_token_is_rejected_and_audited(sales_user: User) -> None:
    issued = token_for(sales_user)
    Client().delete(f"{TOKENS}/{issued.token.prefix}", headers=_bearer(issued.plaintext))

    response = Client().get(ME, headers=_bearer(issued.plaintext))

    assert response.status_code == 401
    assert events("api_token.rejected")[0].metadata["reason"] == "token revoked"


def test_a_token_with_a_wrong_secret_is_rejected_and_audited_without_the_secret(
    sales_user: User,
) -> None:
    issued = token_for(sales_user)
    forged = issued.plaintext[:-4] + "AAAA"

    response = Client().get(ME, headers=_bearer(forged))

    assert response.status_code == 401
    [event] = events("api_token.rejected")
    assert event.metadata["reason"] == "unknown token"
    assert forged not in str(event.metadata)


def test_the_api_lists_only_the_callers_own_tokens(sales_user: User, admin_user: User) -> None:
    mine = token_for(sales_user)
    token_for(admin_user)
    old = token_for(sales_user)
    ApiToken.objects.filter(pk=old.token.pk).update(expires_at=clock.now() - timedelta(1))

    response = Client().get(TOKENS, headers=_bearer(mine.plaintext))

    assert response.status_code == 200
    listed = {row["prefix"]: row["status"] for row in response.json()}
    assert listed == {mine.token.prefix: "active", old.token.prefix: "expired"}
    assert all("secret" not in key for row in response.json() for key in row)


def test_the_api_revokes_an_own_token(sales_user: User) -> None:
    caller, other = token_for(sales_user), token_for(sales_user)

    response = Client().delete(f"{TOKENS}/{other.token.prefix}", headers=_bearer(caller.plaintext))

    assert response.status_code == 204
    other.token.refresh_from_db()
    assert other.token.revoked_at is not None
    assert events("api_token.revoked")[0].metadata == {"prefix": other.token.prefix}


def test_someone_elses_token_cannot_be_revoked_and_looks_missing(
    sales_user: User, admin_user: User
) -> None:
    caller, victim = token_for(sales_user), token_for(admin_user)

    response = Client().delete(f"{TOKENS}/{victim.token.prefix}", headers=_bearer(caller.plaintext))

    assert response.status_code == 404
    victim.token.refresh_from_db()
    assert victim.token.revoked_at is None


def test_revoking_a_revoked_token_is_a_conflict(sales_user: User) -> None:
    caller, other = token_for(sales_user), token_for(sales_user)
    Client().delete(f"{TOKENS}/{other.token.prefix}", headers=_bearer(caller.plaintext))

    response = Client().delete(f"{TOKENS}/{other.token.prefix}", headers=_bearer(caller.plaintext))

    assert response.status_code == 409
    assert response.json()["errors"] == [{"field": "prefix", "message": "该令牌已吊销"}]


def test_the_tokens_page_lists_own_tokens_with_their_status(
    sales_client: Client, sales_user: User, admin_user: User
) -> None:
    mine = token_for(sales_user)
    theirs = token_for(admin_user)

    page = sales_client.get(reverse("identity:tokens")).content.decode()

    assert f'data-prefix="{mine.token.prefix}"' in page
    assert theirs.token.prefix not in page
    assert 'data-status="active"' in page
    assert mine.plaintext not in page


def test_a_token_created_on_the_page_is_shown_once(sales_client: Client) -> None:
    response = sales_client.post(reverse("identity:tokens"), {"name": "etl", "ttl_days": "7"})

    token = ApiToken.objects.get(name="etl")
    shown = response.content.decode()
    again = sales_client.get(reverse("identity:tokens")).content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert f"lc_{token.prefix}_" in shown
    assert f"lc_{token.prefix}_" not in again
    assert round((token.expires_at - token.created_at).total_seconds() / 86400) == 7


def test_an_invalid_lifetime_is_refused_on_the_page(sales_client: Client) -> None:
    response = sales_client.post(reverse("identity:tokens"), {"name": "etl", "ttl_days": "3650"})

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_a_token_is_revoked_from_the_page(sales_client: Client, sales_user: User) -> None:
    issued = token_for(sales_user)

    response = sales_client.post(reverse("identity:token_revoke", args=[issued.token.prefix]))

    assert response.status_code == 302
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None


def test_someone_elses_token_cannot_be_revoked_from_the_page(
    sales_client: Client, admin_user: User
) -> None:
    victim = token_for(admin_user)

    response = sales_client.post(reverse("identity:token_revoke", args=[victim.token.prefix]))

    assert response.status_code == 404
    victim.token.refresh_from_db()
    assert victim.token.revoked_at is None
