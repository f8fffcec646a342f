"""TOTP two-factor authentication: role policy, enrolment, the TOTP step, API tokens."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from lendcrm.identity.choices import Role
from lendcrm.identity.models import RoleSecurityPolicy, User
from lendcrm.identity.tests.conftest import api_post, events
from lendcrm.identity.tests.factories import (
    PASSWORD,
    UserFactory,
    confirmed_device,
    current_code,
    wrong_code,
)
from lendcrm.identity.two_factor import requires_two_factor

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token"


@pytest.fixture
def reviewer(db: None) -> User:
    RoleSecurityPolicy.objects.create(role=Role.REVIEWER, require_2fa=True)
    return UserFactory(username="reviewer1", roles=[Role.REVIEWER])


def _password_step(user: User) -> Client:
    client = Client()
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_only_roles_marked_in_the_policy_require_two_factor(reviewer: User) -> None:
    sales = UserFactory(roles=[Role.SALES])
    both = UserFactory(roles=[Role.SALES, Role.REVIEWER])

    assert [requires_two_factor(u) for u in (reviewer, sales, both)] == [True, False, True]


def test_an_administrator_toggles_the_requirement_and_it_is_audited(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("identity:security"), {"role": Role.COLLECTOR.value, "require_2fa": "on"}
    )

    assert response.status_code == 302
    assert RoleSecurityPolicy.objects.get(role=Role.COLLECTOR).require_2fa
    [event] = events("role_policy.updated")
    assert event.actor_username == "admin1"
    assert event.changes == {"require_2fa": {"before": False, "after": True}}
    assert event.metadata == {"role": "collector"}


def test_the_security_page_lists_every_role_with_its_requirement(
    admin_client: Client, reviewer: User
) -> None:
    page = admin_client.get(reverse("identity:security")).content.decode()

    assert page.count("data-role=") == len(Role)
    assert "信审员" in page


def test_only_administrators_open_the_security_page(sales_client: Client) -> None:
    assert sales_client.get(reverse("identity:security")).status_code == 403


def test_after_the_password_an_unenrolled_user_can_only_open_the_enrolment_page(
    reviewer: User,
) -> None:
    client = _password_step(reviewer)

    response = client.get(reverse("identity:tokens"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:otp_setup"))
    assert events("login.succeeded")[0].metadata == {"via": "ui", "two_factor": "pending"}


def test_the_enrolment_page_shows_a_qr_code_and_the_secret(reviewer: User) -> None:
    client = _password_step(reviewer)

    response = client.get(reverse("identity:otp_setup"))

    page = response.content.decode()
    device = TOTPDevice.objects.get(user=reviewer)
    assert response.status_code == 200
    assert '<svg width="100%"' in page
    assert 'id="otp-secret"' in page
    assert not device.confirmed
    assert response["Cache-Control"].startswith("max-age=0")


def test_enrolling_with_the_right_code_opens_the_application(reviewer: User) -> None:
    client = _password_step(reviewer)
    client.get(reverse("identity:otp_setup"))
    device = TOTPDevice.objects.get(user=reviewer)

    response = client.post(
        reverse("identity:otp_setup"),
        {"code": current_code(device), "next": reverse("identity:tokens")},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("identity:tokens")
    assert client.get(reverse("identity:tokens")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert events("otp.enrolled")[0].actor_username == "reviewer1"


def test_enrolling_with_a_wrong_code_is_refused_and_audited(reviewer: User) -> None:
    client = _password_step(reviewer)
    client.get(reverse("identity:otp_setup"))
    device = TOTPDevice.objects.get(user=reviewer)

    response = client.post(reverse("identity:otp_setup"), {"code": wrong_code(device)})

    assert response.status_code == 400
    assert "验证码不正确或已过期" in response.content.decode()
    assert client.get(reverse("identity:tokens")).status_code == 302
    assert events("otp.failed")[0].metadata == {"via": "ui", "stage": "enrol", "reason": "invalid"}


def test_an_enrolled_user_passes_the_totp_step_after_the_password(reviewer: User) -> None:
    device = confirmed_device(reviewer)
    client = _password_step(reviewer)
    password_session = client.cookies["sessionid"].value
    blocked = client.get(reverse("identity:tokens"))

    response = client.post(reverse("identity:otp_verify"), {"code": current_code(device)})

    assert blocked["Location"].startswith(reverse("identity:otp_verify"))
    assert response.status_code == 302
    assert client.cookies["sessionid"].value != password_session
    assert client.get(reverse("identity:tokens")).status_code == 200
    assert events("otp.verified")[0].metadata == {"via": "ui"}


def test_a_wrong_code_at_the_totp_step_keeps_the_user_out(reviewer: User) -> None:
    device = confirmed_device(reviewer)
    client = _password_step(reviewer)

    response = client.post(reverse("identity:otp_verify"), {"code": wrong_code(device)})

    assert response.status_code == 400
    assert "验证码不正确或已过期" in response.content.decode()
    assert client.get(reverse("identity:tokens")).status_code == 302
    assert events("otp.failed")[0].metadata["stage"] == "login"


def test_htmx_requests_are_sent_to_the_totp_step_with_a_client_redirect(reviewer: User) -> None:
    confirmed_device(reviewer)
    client = _password_step(reviewer)

    response = client.get(reverse("identity:tokens"), headers={"HX-Request": "true"})

    assert response["HX-Redirect"].startswith(reverse("identity:otp_verify"))


def test_a_user_whose_role_needs_no_second_factor_is_not_asked(sales_client: Client) -> None:
    assert sales_client.get(reverse("identity:tokens")).status_code == 200


def test_an_administrator_resets_a_lost_authenticator(admin_client: Client, reviewer: User) -> None:
    confirmed_device(reviewer)

    admin_client.post(reverse("identity:user_reset_otp", args=[reviewer.pk]))
    client = _password_step(reviewer)

    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert client.get(reverse("identity:tokens"))["Location"].startswith(
        reverse("identity:otp_setup")
    )
    assert events("otp.reset")[0].metadata == {"devices": 1}


def test_a_token_request_without_the_code_is_refused_and_audited(reviewer: User) -> None:
    confirmed_device(reviewer)

    response = api_post(Client(), TOKEN, {"username": "reviewer1", "password": PASSWORD})

    assert response.status_code == 401
    assert response.json()["errors"] == [
        {"field": "otp", "message": "该账户须提供两步验证码（otp 字段）"}
    ]
    assert events("otp.failed")[0].metadata == {"via": "api", "reason": "missing"}
    assert events("login.succeeded") == []


def test_a_token_request_with_a_wrong_code_is_refused(reviewer: User) -> None:
    device = confirmed_device(reviewer)

    response = api_post(
        Client(), TOKEN, {"username": "reviewer1", "password": PASSWORD, "otp": wrong_code(device)}
    )

    assert response.status_code == 401
    assert response.json()["detail"] == "验证码不正确或已过期"
    assert events("otp.failed")[0].metadata == {
        "via": "api",
        "stage": "login",
        "reason": "invalid",
    }


def test_a_token_request_with_the_right_code_gets_a_token(reviewer: User) -> None:
    device = confirmed_device(reviewer)

    response = api_post(
        Client(),
        TOKEN,
        {"username": "reviewer1", "password": PASSWORD, "otp": current_code(device)},
    )

    assert response.status_code == 200
    assert events("login.succeeded")[0].metadata == {"via": "api", "two_factor": "verified"}


def test_a_code_cannot_be_used_twice(reviewer: User) -> None:
    device = confirmed_device(reviewer)
    body = {"username": "reviewer1", "password": PASSWORD, "otp": current_code(device)}

    first = api_post(Client(), TOKEN, body)
    second = api_post(Client(), TOKEN, body)

    assert (first.status_code, second.status_code) == (200, 401)


def test_an_unenrolled_user_must_enrol_in_the_web_ui_before_getting_a_token(
    reviewer: User,
) -> None:
    response = api_post(Client(), TOKEN, {"username": "reviewer1", "password": PASSWORD})

    assert response.status_code == 403
    assert response.json()["errors"][0]["field"] == "otp"
    assert events("otp.failed")[0].metadata == {"via": "api", "reason": "not_enrolled"}
