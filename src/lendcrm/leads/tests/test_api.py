"""POST /api/v1/leads and /api/v1/leads/bulk: channel keys, idempotency, per-item answers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from lendcrm.customers.tests.factories import valid_mobile
from lendcrm.leads import services
from lendcrm.leads.models import Channel, Lead
from lendcrm.leads.tests.helpers import lead_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(channel: Channel) -> str:
    return services.issue_channel_key(channel, scopes=["leads:create", "leads:bulk"]).plaintext


def _post(path: str, body: Any, key: str, idem: str = "") -> Any:
    headers = {"HTTP_X_API_KEY": key}
    if idem:
        headers["HTTP_IDEMPOTENCY_KEY"] = idem
    return Client().post(path, json.dumps(body), content_type="application/json", **headers)


@pytest.mark.smoke
def test_capture_creates_a_lead_for_the_keys_channel(key: str, channel: Channel) -> None:
    response = _post("/api/v1/leads", lead_body(1), key)

    assert response.status_code == 201
    assert Lead.objects.get(pk=response.json()["id"]).channel == channel


def test_a_retry_with_the_same_idempotency_key_returns_the_first_answer(key: str) -> None:
    first = _post("/api/v1/leads", lead_body(1), key, idem="req-1")
    again = _post("/api/v1/leads", lead_body(1), key, idem="req-1")

    assert again.status_code == 201
    assert again.json() == first.json()
    assert Lead.objects.count() == 1


def test_the_same_idempotency_key_with_another_body_is_a_conflict(key: str) -> None:
    _post("/api/v1/leads", lead_body(1), key, idem="req-1")

    response = _post("/api/v1/leads", lead_body(2), key, idem="req-1")

    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert Lead.objects.count() == 1


def test_an_invalid_lead_is_refused_naming_the_field(key: str) -> None:
    response = _post("/api/v1/leads", lead_body(1, mobile="0101234"), key)

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["mobile"]


def test_an_unknown_key_is_refused(key: str) -> None:
    response = _post("/api/v1/leads", lead_body(1), "lck_nope_nothing")

    assert response.status_code == 401
    assert response.json()["errors"][0]["field"] == "X-API-Key"
    assert Lead.objects.count() == 0


def test_a_key_without_the_bulk_scope_cannot_push_in_bulk(channel: Channel) -> None:
    create_only = services.issue_channel_key(channel, scopes=["leads:create"]).plaintext

    response = _post("/api/v1/leads/bulk", {"leads": [lead_body(1)]}, create_only)

    assert response.status_code == 403


def test_bulk_answers_every_item_by_index(key: str) -> None:
    body = {
        "leads": [
            lead_body(1),
            lead_body(2, mobile=valid_mobile(1)),
            lead_body(3, id_number="110105199001011235"),
            {"mobile": valid_mobile(4)},
        ]
    }

    response = _post("/api/v1/leads/bulk", body, key)

    data = response.json()
    assert response.status_code == 200
    assert (data["created"], data["duplicates"], data["rejected"]) == (1, 1, 2)
    assert [i["outcome"] for i in data["items"]] == ["created", "duplicate", "rejected", "rejected"]
    assert data["items"][1]["duplicate_of"] == data["items"][0]["lead_id"]
    assert data["items"][2]["errors"][0]["field"] == "id_number"
    assert data["items"][3]["errors"][0]["field"] == "name"


def test_bulk_refuses_more_than_1000_leads(key: str) -> None:
    response = _post("/api/v1/leads/bulk", {"leads": [lead_body(1)] * 1001}, key)

    assert response.status_code == 422
    assert Lead.objects.count() == 0
