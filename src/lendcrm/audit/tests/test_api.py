"""GET /api/v1/audit/events and /api/v1/audit/events/{sequence}."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lendcrm.audit.services import record_change, record_event, snapshot
from lendcrm.audit.tests.helpers import append_events
from lendcrm.customers.tests.factories import CustomerFactory, valid_id_number
from lendcrm.identity.models import User

pytestmark = pytest.mark.django_db
Bearer = Callable[[User], dict[str, Any]]
EVENTS = "/api/v1/audit/events"


def test_a_sales_user_is_refused(client: Client, sales: User, bearer: Bearer) -> None:
    headers = bearer(sales)
    append_events(1)

    assert client.get(EVENTS, **headers).status_code == 403
    assert client.get(f"{EVENTS}/1", **headers).status_code == 403


def test_without_a_token_the_api_asks_for_one(client: Client) -> None:
    assert client.get(EVENTS).status_code == 401


def test_the_auditor_lists_events_newest_first(
    client: Client, auditor: User, bearer: Bearer
) -> None:
    headers = bearer(auditor)  # issuing the token is itself event 1
    record_event(
        "customer.viewed",
        actor=auditor,
        object_type="customers.customer",
        object_id="7",
        ip_address="192.0.2.1",
    )

    body = client.get(EVENTS, **headers).json()

    assert [item["sequence"] for item in body["items"]] == [2, 1]
    newest = body["items"][0]
    assert {k: newest[k] for k in ("actor", "action", "object_type", "object_id", "ip")} == {
        "actor": "auditor_a",
        "action": "customer.viewed",
        "object_type": "customers.customer",
        "object_id": "7",
        "ip": "192.0.2.1",
    }
    assert set(newest) >= {"occurred_at", "changes", "metadata", "entry_hash", "prev_hash"}
    assert body["next_cursor"] is None


def test_filters_and_cursor_pages(client: Client, auditor: User, bearer: Bearer) -> None:
    headers = bearer(auditor)
    append_events(5, action="loan.repaid")

    first = client.get(EVENTS, {"action": "loan.*", "limit": 2}, **headers).json()
    second = client.get(
        EVENTS, {"action": "loan.*", "limit": 2, "cursor": first["next_cursor"]}, **headers
    ).json()
    last = client.get(
        EVENTS, {"action": "loan.*", "limit": 2, "cursor": second["next_cursor"]}, **headers
    ).json()

    assert [i["sequence"] for i in first["items"]] == [6, 5]
    assert [i["sequence"] for i in second["items"]] == [4, 3]
    assert [i["sequence"] for i in last["items"]] == [2]
    assert last["next_cursor"] is None


def test_one_event_with_its_masked_changes(client: Client, auditor: User, bearer: Bearer) -> None:
    headers = bearer(auditor)
    customer = CustomerFactory()
    old_id = customer.id_number
    before = snapshot(customer, ["id_number"])
    customer.id_number = valid_id_number(55)
    event = record_change(
        "customer.updated",
        actor=auditor,
        target=customer,
        before=before,
        after=snapshot(customer, ["id_number"]),
    )

    body = client.get(f"{EVENTS}/{event.sequence}", **headers).json()

    assert body["sequence"] == event.sequence
    assert body["changes"]["id_number"]["before"] == f"{old_id[:6]}********{old_id[-4:]}"
    assert old_id not in str(body)


def test_an_unknown_event_is_404(client: Client, auditor: User, bearer: Bearer) -> None:
    response = client.get(f"{EVENTS}/999", **bearer(auditor))

    assert response.status_code == 404
    assert response.json()["detail"] == "audit event not found"


@pytest.mark.parametrize(
    ("params", "field"),
    [({"date_from": "2025-02-30"}, "date_from"), ({"ip": "not-an-ip"}, "ip")],
)
def test_a_bad_filter_is_a_400_naming_the_field(
    client: Client, auditor: User, bearer: Bearer, params: dict[str, str], field: str
) -> None:
    response = client.get(EVENTS, params, **bearer(auditor))

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_a_page_larger_than_allowed_is_refused(
    client: Client, auditor: User, bearer: Bearer
) -> None:
    response = client.get(EVENTS, {"limit": 5000}, **bearer(auditor))

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "limit"
