"""Health check, OpenAPI schema and the JSON error shape every API client relies on."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from openapi_spec_validator import validate
from pytest_django.fixtures import Settings

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_healthz_reports_the_database_and_no_redis_when_none_is_configured(
    settings: Settings,
) -> None:
    settings.REDIS_URL = None
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert "redis" not in body["checks"]


def test_healthz_reports_redis_when_configured(settings: Settings) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    body = Client().get("/healthz").json()
    assert body["checks"]["redis"] == {"ok": True, "detail": "ok"}


def test_healthz_fails_when_redis_is_unreachable(settings: Settings) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False


@pytest.mark.smoke
def test_openapi_schema_is_valid_openapi() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate(schema)
    assert "/api/v1/auth/token" in schema["paths"]
    assert schema["components"]["securitySchemes"]


def test_docs_page_is_served_without_a_cdn() -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b"cdn." not in response.content
    assert b"unpkg" not in response.content


def test_api_errors_name_the_field() -> None:
    response = Client().post(
        "/api/v1/auth/token", {"username": "x"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "invalid input",
        "errors": [{"field": "password", "message": "Field required"}],
    }


def test_api_without_token_is_401_json() -> None:
    response = Client().get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "authentication required", "errors": []}
