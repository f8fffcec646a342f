from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lendcrm.audit.models import AuditEvent
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.identity.tests.factories import UserFactory


@pytest.fixture
def admin_user(db: None) -> User:
    return UserFactory(username="admin1", roles=[Role.ADMIN])


@pytest.fixture
def sales_user(db: None) -> User:
    return UserFactory(username="sales1", roles=[Role.SALES])


@pytest.fixture
def admin_client(admin_user: User) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def sales_client(sales_user: User) -> Client:
    client = Client()
    client.force_login(sales_user)
    return client


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


def audit_text() -> str:
    """Everything the audit log holds, as one string, to look for leaked secrets."""
    rows = AuditEvent.objects.values_list("actor_username", "changes", "metadata")
    return " ".join(str(row) for row in rows)


def api_post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")
