from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lendcrm.customers.tests.factories import UserFactory
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.identity.services import issue_api_token


@pytest.fixture
def auditor() -> User:
    return UserFactory(username="auditor_a", roles=[Role.AUDITOR])


@pytest.fixture
def sales() -> User:
    return UserFactory(username="sales_a", roles=[Role.SALES])


@pytest.fixture
def admin_user() -> User:
    return UserFactory(username="admin_a", roles=[Role.ADMIN])


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    def as_user(user: User) -> Client:
        client.force_login(user)
        return client

    return as_user


@pytest.fixture
def bearer() -> Callable[[User], dict[str, Any]]:
    def headers_for(user: User) -> dict[str, Any]:
        return {"HTTP_AUTHORIZATION": f"Bearer {issue_api_token(user).plaintext}"}

    return headers_for
