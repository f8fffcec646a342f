"""Password sign-in on the login page and the token endpoint: lockout and audit."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lendcrm.identity.models import User
from lendcrm.identity.tests.conftest import api_post, audit_text, events
from lendcrm.identity.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/login/"
TOKEN = "/api/v1/auth/token"
LOCKED_MESSAGE = "账户已锁定，请 15 分钟后再试"


def _login(client: Client, username: str, password: str) -> str:
    return client.post(LOGIN, {"username": username, "password": password}).content.decode()


def test_a_correct_password_signs_in_and_is_audited(sales_user: User) -> None:
    client = Client()

    response = client.post(LOGIN, {"username": "sales1", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("ui:home")
    [event] = events("login.succeeded")
    assert event.actor_username == "sales1"
    assert event.metadata == {"via": "ui", "two_factor": "not_required"}


def test_a_wrong_password_is_refused_and_audited_without_the_password(sales_user: User) -> None:
    client = Client()

    page = _login(client, "sales1", "wrong-password-123")

    assert "用户名或密码不正确" in page
    assert "_auth_user_id" not in client.session
    [event] = events("login.failed")
    assert event.actor_username == "sales1"
    assert event.metadata == {"via": "ui", "reason": "password"}
    assert "wrong-password-123" not in audit_text()


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(sales_user: User) -> None:
    page = _login(Client(), "nobody", "wrong-password-123")

    assert "用户名或密码不正确" in page
    assert events("login.failed")[0].actor_username == "nobody"


def test_an_attempted_user_name_shaped_like_a_mobile_number_is_masked_in_the_audit(
    db: None,
) -> None:
    page = _login(Client(), "13812345678", "whatever-123")

    assert page.count("13812345678") == 1  # only in the user's own input, never in the message
    assert events("login.failed")[0].actor_username == "138****5678"
    assert "13812345678" not in audit_text()


def test_five_failures_lock_the_account_with_a_clear_message(sales_user: User) -> None:
    client = Client()
    pages = [_login(client, "sales1", f"wrong-{n}-password") for n in range(5)]

    assert all(LOCKED_MESSAGE not in page for page in pages[:4])
    assert LOCKED_MESSAGE in pages[4]
    assert len(events("login.failed")) == 5
    [locked] = events("login.locked_out")
    assert locked.actor_username == "sales1"
    assert locked.metadata == {"via": "ui", "minutes": 15}


def test_a_locked_account_is_refused_even_with_the_right_password(sales_user: User) -> None:
    client = Client()
    for n in range(5):
        _login(client, "sales1", f"wrong-{n}-password")

    page = _login(client, "sales1", PASSWORD)

    assert LOCKED_MESSAGE in page
    assert "_auth_user_id" not in client.session
    assert len(events("login.locked_out")) == 2
    assert events("login.succeeded") == []


def test_an_administrator_can_unlock_a_locked_account(
    sales_user: User, admin_client: Client
) -> None:
    for n in range(5):
        _login(Client(), "sales1", f"wrong-{n}-password")

    admin_client.post(reverse("identity:user_unlock", args=[sales_user.pk]))
    response = Client().post(LOGIN, {"username": "sales1", "password": PASSWORD})

    assert response.status_code == 302
    [unlocked] = events("login.unlocked")
    assert unlocked.actor_username == "admin1"
    assert unlocked.object_id == str(sales_user.pk)


def test_logout_is_audited_and_ends_the_session(sales_client: Client) -> None:
    response = sales_client.post(reverse("ui:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in sales_client.session
    [event] = events("logout")
    assert event.actor_username == "sales1"


def test_the_token_endpoint_issues_a_token_and_audits_the_sign_in(sales_user: User) -> None:
    response = api_post(Client(), TOKEN, {"username": "sales1", "password": PASSWORD})

    assert response.status_code == 200
    assert response.json()["token"].startswith("lc_")
    [event] = events("login.succeeded")
    assert event.metadata == {"via": "api", "two_factor": "not_required"}


def test_the_token_endpoint_refuses_a_wrong_password_with_a_json_error(sales_user: User) -> None:
    response = api_post(Client(), TOKEN, {"username": "sales1", "password": "nope-nope-nope"})

    assert response.status_code == 401
    body = response.json()
    assert body["detail"] == "用户名或密码错误"
    assert body["errors"] == [{"field": "password", "message": "用户名或密码错误"}]
    assert events("login.failed")[0].metadata == {"via": "api", "reason": "password"}
    assert "nope-nope-nope" not in audit_text()


def test_the_token_endpoint_honours_the_lockout(sales_user: User) -> None:
    client = Client()
    statuses = [
        api_post(client, TOKEN, {"username": "sales1", "password": f"bad-{n}-pass"}).status_code
        for n in range(5)
    ]

    response = api_post(client, TOKEN, {"username": "sales1", "password": PASSWORD})

    assert statuses == [401, 401, 401, 401, 429]
    assert response.status_code == 429
    assert response.json()["detail"] == LOCKED_MESSAGE
    assert [e.metadata["via"] for e in events("login.locked_out")] == ["api", "api"]


def test_failures_at_the_token_endpoint_and_the_login_page_add_up(sales_user: User) -> None:
    client = Client()
    for n in range(4):
        api_post(client, TOKEN, {"username": "sales1", "password": f"bad-{n}-pass"})

    page = _login(client, "sales1", "bad-again-pass")

    assert LOCKED_MESSAGE in page


def test_a_successful_token_request_clears_earlier_failures(sales_user: User) -> None:
    client = Client()
    for n in range(4):
        api_post(client, TOKEN, {"username": "sales1", "password": f"bad-{n}-pass"})
    api_post(client, TOKEN, {"username": "sales1", "password": PASSWORD})

    response = api_post(client, TOKEN, {"username": "sales1", "password": "bad-again-pass"})

    assert response.status_code == 401


def test_an_inactive_user_cannot_get_a_token(sales_user: User) -> None:
    sales_user.is_active = False
    sales_user.save()

    response = api_post(Client(), TOKEN, {"username": "sales1", "password": PASSWORD})

    assert response.status_code == 401
    assert events("login.failed")[0].actor_username == "sales1"


def test_a_missing_password_field_is_a_validation_error(db: None) -> None:
    response = api_post(Client(), TOKEN, {"username": "sales1"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "password"


def test_an_overlong_user_name_is_a_validation_error(db: None) -> None:
    response = api_post(Client(), TOKEN, {"username": "x" * 300, "password": "whatever-123"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "username"


def test_api_errors_never_echo_the_attempted_user_name(db: None) -> None:
    response = api_post(Client(), TOKEN, {"username": "13812345678", "password": "whatever-123"})

    assert response.status_code == 401
    assert "13812345678" not in response.content.decode()
    assert "138****5678" not in response.content.decode()
