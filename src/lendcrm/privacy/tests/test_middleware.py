from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from lendcrm.config.env import write_key_ring
from lendcrm.customers.models import Customer
from lendcrm.customers.tests.factories import CustomerFactory
from lendcrm.privacy.key_rotation import format_ring
from lendcrm.privacy.middleware import KeyRingReloadMiddleware


def _ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def _touch_later(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))


@pytest.mark.django_db
def test_a_running_server_reads_rows_rotated_by_another_process(
    settings: Any, tmp_path: Path, embedded_ring: list[tuple[str, bytes]], rf: RequestFactory
) -> None:
    middleware = KeyRingReloadMiddleware(_ok)
    customer = CustomerFactory(mobile="13812345678")
    new_ring = [("k2", secrets.token_bytes(32)), *embedded_ring]
    write_key_ring(tmp_path, format_ring(new_ring))  # as `lendcrm keys rotate` does
    _touch_later(tmp_path / "keys.json")

    middleware(rf.get("/"))

    assert middleware.enabled
    assert new_ring == settings.LENDCRM_ENCRYPTION_KEYS
    assert Customer.objects.get(pk=customer.pk).mobile == "13812345678"


def test_an_unreadable_key_file_keeps_the_current_ring(
    settings: Any, tmp_path: Path, embedded_ring: list[tuple[str, bytes]]
) -> None:
    middleware = KeyRingReloadMiddleware(_ok)
    (tmp_path / "keys.json").write_text('{"encryption_keys": "k9:not-base64"}')
    _touch_later(tmp_path / "keys.json")

    assert middleware.reload_if_changed() is False
    assert embedded_ring == settings.LENDCRM_ENCRYPTION_KEYS


def test_in_production_the_ring_is_never_reloaded(
    settings: Any, embedded_ring: list[tuple[str, bytes]]
) -> None:
    settings.LENDCRM_ENV = "production"

    assert KeyRingReloadMiddleware(_ok).enabled is False
