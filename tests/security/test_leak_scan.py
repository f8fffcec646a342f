"""Leak scan: with seeded data, every page, API response and export, as every demo role, shows
no unmasked ID number or mobile number (no reveal has been made), and neither do the logs or
the audit log."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from django.test import Client

from lendcrm.audit.models import AuditEvent
from lendcrm.customers.models import Customer
from lendcrm.demo.org import DEMO_USERS
from lendcrm.demo.services import seed_demo
from lendcrm.identity.access import PAGE_POLICY, PUBLIC, requirement_for_api
from lendcrm.identity.models import User
from lendcrm.identity.roles import can
from lendcrm.identity.routes import Route, list_api_operations, list_pages
from lendcrm.identity.services import issue_api_token
from lendcrm.leads.models import Lead

pytestmark = pytest.mark.django_db

SKIPPED_PAGES = {"ui:logout"}  # would end the session mid-scan
# Exports are unmasked, by design and audited, for holders of the reveal capability.
UNMASKED_EXPORTS = {"customers:export": "customers.reveal"}


@pytest.fixture
def personal_data() -> set[str]:
    seed_demo(customers=40, seed=11)
    values: set[str] = set()
    for customer in Customer.objects.all():
        values |= {customer.id_number, customer.mobile}
    for lead in Lead.objects.all():
        values |= {v for v in (lead.mobile, lead.id_number) if v}
    assert len(values) > 40
    return values


def _sample_values() -> dict[str, object]:
    customer = Customer.objects.order_by("pk").first()
    event = AuditEvent.objects.order_by("-sequence").first()
    return {
        "customer_id": customer.pk if customer else 1,
        "sequence": event.sequence if event else 1,
    }


def _pages() -> Iterator[Route]:
    for page in list_pages():
        if page.view_name not in SKIPPED_PAGES:
            yield page


def _leaks(body: bytes, secrets: set[str]) -> list[str]:
    text = body.decode("utf-8", errors="replace")
    digits = set(re.findall(r"\d{11,18}[\dX]?", text))
    return sorted(s for s in secrets if s in digits or s in text)


def _scan_as(user: User, secrets: set[str], values: dict[str, object]) -> dict[str, list[str]]:
    client = Client()
    client.force_login(user)
    token = issue_api_token(user).plaintext
    found: dict[str, list[str]] = {}
    for page in _pages():
        if can(user, UNMASKED_EXPORTS.get(page.view_name, "-")):
            continue
        response = client.get(page.path(values))
        if leaks := _leaks(response.content, secrets):
            found[f"{user.username} {page.view_name}"] = leaks
    for op in list_api_operations():
        if "GET" not in op.methods or requirement_for_api("GET", op.route) == PUBLIC:
            continue
        response = client.get(op.path(values), HTTP_AUTHORIZATION=f"Bearer {token}")
        if leaks := _leaks(response.content, secrets):
            found[f"{user.username} GET {op.route}"] = leaks
    return found


def test_no_role_sees_unmasked_identifiers(
    personal_data: set[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    values = _sample_values()
    found: dict[str, list[str]] = {}
    for demo_user in DEMO_USERS:
        found |= _scan_as(User.objects.get(username=demo_user.username), personal_data, values)
    assert found == {}
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert _leaks(logged.encode(), personal_data) == []


def test_audit_log_holds_no_unmasked_identifiers(personal_data: set[str]) -> None:
    rows = AuditEvent.objects.values_list("changes", "metadata")
    assert _leaks(repr(list(rows)).encode(), personal_data) == []


def test_public_pages_are_few_and_known() -> None:
    public = sorted(name for name, req in PAGE_POLICY.items() if req == PUBLIC)
    assert public == sorted(
        [
            "api:api-root",
            "api:openapi-json",
            "api:openapi-view",
            "applications:h5",  # the customer's own application page: a signed, expiring link
            "contracts:sign",  # the customer's click-to-sign page: a signed, expiring link
            "contracts:sign_document",  # the contract PDF behind that same link
            "healthz",
            "set_language",
            "ui:login",
            "ui:logout",
        ]
    )
