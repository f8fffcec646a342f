"""Security headers on every response, the API docs offline under CSP, and the deploy check."""

from __future__ import annotations

import base64
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from lendcrm.core.security_headers import DEFAULT_CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db


def test_pages_carry_the_security_headers() -> None:
    response = Client().get("/login/")

    assert response["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
        "form-action 'self'"
    )
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_api_responses_carry_the_policy_too() -> None:
    response = Client().get("/api/v1/auth/me")

    assert response.status_code == 401
    assert response["Content-Security-Policy"] == DEFAULT_CONTENT_SECURITY_POLICY


def test_the_policy_is_a_setting(settings: Any) -> None:
    settings.LENDCRM_CONTENT_SECURITY_POLICY = "default-src 'none'"

    assert Client().get("/login/")["Content-Security-Policy"] == "default-src 'none'"


def test_the_api_docs_load_swagger_from_our_own_static_files() -> None:
    page = Client().get("/api/v1/docs").content.decode()

    scripts = re.findall(r"<script([^>]*)>", page)
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "/static/ninja/swagger-ui.css" in page
    assert "cdn" not in page.lower()
    assert all("src=" in attrs or "application/json" in attrs for attrs in scripts)


def test_the_swagger_assets_are_served_locally() -> None:
    response = Client().get("/static/ninja/swagger-ui-bundle.js")

    assert response.status_code == 200


def test_forms_are_protected_against_cross_site_requests() -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post("/login/", {"username": "someone", "password": "whatever-1234"})

    assert response.status_code == 403


def _production_env(data_dir: Path, **extra: str) -> dict[str, str]:
    def key() -> str:
        return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()

    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("LENDCRM_", "DATABASE_URL", "REDIS_URL", "DJANGO_"))
    }
    return env | {
        "LENDCRM_ENV": "production",
        "LENDCRM_DATA_DIR": str(data_dir),
        "LENDCRM_ALLOWED_HOSTS": "lendcrm.example.com",
        "LENDCRM_SECRET_KEY": secrets.token_urlsafe(50),
        "LENDCRM_ENCRYPTION_KEYS": f"k1:{key()}",
        "LENDCRM_BLIND_INDEX_KEY": key(),
        **extra,
    }


def _deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lendcrm.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_deploy_check_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = _deploy_check(_production_env(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_the_deploy_check_would_catch_a_debug_production(tmp_path: Path) -> None:
    result = _deploy_check(_production_env(tmp_path, LENDCRM_DEBUG="true"))

    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout
