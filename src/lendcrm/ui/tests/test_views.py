from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from lendcrm.customers.tests.factories import TEST_PASSWORD, UserFactory
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales() -> User:
    return UserFactory(username="wang", display_name="王晓明", roles=[Role.SALES])


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _scripts_are_external_or_data(html: str) -> bool:
    scripts = re.findall(r"<script([^>]*)>", html)
    return bool(scripts) and all(
        'src="' in attrs or 'type="application/json"' in attrs for attrs in scripts
    )


def test_the_login_page_labels_its_fields_and_runs_no_inline_script() -> None:
    response = Client().get(reverse("ui:login"))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<label class="form-label" for="id_username">用户名</label>' in html
    assert '<label class="form-label" for="id_password">密码</label>' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'action="/i18n/setlang/"' in html
    assert _scripts_are_external_or_data(html)


def test_a_wrong_password_says_so_and_marks_nothing_as_signed_in(sales: User) -> None:
    client = Client()

    response = client.post(reverse("ui:login"), {"username": "wang", "password": "wrong-one"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert" id="login-error"' in html
    assert "用户名或密码不正确，请重新输入（密码区分大小写）。" in html
    assert "_auth_user_id" not in client.session


def test_the_right_password_opens_the_dashboard(sales: User) -> None:
    client = Client()

    response = client.post(reverse("ui:login"), {"username": "wang", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert client.session["_auth_user_id"] == str(sales.pk)


def test_the_shell_shows_who_is_signed_in_and_how_to_leave(sales: User) -> None:
    html = _signed_in(sales).get(reverse("ui:home")).content.decode()

    assert "王晓明" in html
    assert "电销顾问/客户经理" in html
    assert re.search(r'<form method="post" action="/logout/" id="logout-form">\s*<input', html)
    assert re.search(r'hx-headers=\'\{"X-CSRFToken": "\w+"\}\'', html)
    assert 'data-nav="customers"' in html
    assert 'data-nav="audit"' not in html
    assert _scripts_are_external_or_data(html)


def test_logging_out_takes_a_post_and_returns_to_the_login_page(sales: User) -> None:
    client = _signed_in(sales)

    response = client.post(reverse("ui:logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("ui:login")
    assert "_auth_user_id" not in client.session


def test_the_language_switcher_remembers_english(english: None) -> None:
    client = Client()

    response = client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    page = client.get(reverse("ui:login")).content.decode()

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert '<html lang="en">' in page
    assert "Sign in" in page


def test_in_english_the_login_page_and_dashboard_use_english_labels(
    sales: User, english: None
) -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    login = client.get(reverse("ui:login")).content.decode()
    client.force_login(sales)
    home = client.get(reverse("ui:home")).content.decode()

    assert '<label class="form-label" for="id_username">Username</label>' in login
    assert "登录" not in login
    assert "<title>Dashboard · lendcrm</title>" in home
    assert "Total customers" in home
    assert "Customers" in home
    assert "Sign out" in home
