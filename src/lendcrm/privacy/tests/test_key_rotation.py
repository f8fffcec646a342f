from __future__ import annotations

import base64
import json
import secrets
import threading
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from lendcrm.audit.models import AuditEvent
from lendcrm.config.env import parse_key_ring
from lendcrm.customers.models import Customer
from lendcrm.customers.queries import CustomerFilters, filtered_customers
from lendcrm.customers.tests.factories import CustomerFactory, UserFactory
from lendcrm.identity.choices import Role
from lendcrm.privacy.key_rotation import (
    encrypted_models,
    format_ring,
    next_key_id,
    reencrypt_model,
)

pytestmark = pytest.mark.django_db


def _raw_values(column: str) -> list[str]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(column)} FROM {quote(Customer._meta.db_table)}")
        return [row[0] for row in cursor.fetchall()]


def _key_ids(column: str) -> set[str]:
    return {raw.split(":")[1] for raw in _raw_values(column)}


def _run(*args: str) -> str:
    out = StringIO()
    call_command("keys", *args, stdout=out)
    return out.getvalue()


def test_every_encrypted_model_is_discovered() -> None:
    found = {item.label: {f.name for f in item.fields} for item in encrypted_models()}

    assert found["customers.customer"] == {"id_number", "mobile"}
    assert found["leads.lead"] == {"id_number", "mobile"}


def test_next_key_id_counts_up() -> None:
    assert next_key_id([("k1", b"")]) == "k2"
    assert next_key_id([("k2", b""), ("k10", b""), ("old", b"")]) == "k11"


def test_rotation_in_embedded_mode_adds_a_key_and_re_encrypts_every_row(
    settings: Any, tmp_path: Path, embedded_ring: list[tuple[str, bytes]]
) -> None:
    customers = CustomerFactory.create_batch(7)
    expected = {c.pk: (c.id_number, c.mobile) for c in customers}
    assert _key_ids("mobile") == {"k1"}

    output = _run("rotate", "--batch-size", "3")

    stored = parse_key_ring(json.loads((tmp_path / "keys.json").read_text())["encryption_keys"])
    assert [kid for kid, _ in stored] == ["k2", "k1"]
    assert stored[1] == embedded_ring[0]
    assert "customers.customer: 7 rows re-encrypted" in output
    assert _key_ids("mobile") == _key_ids("id_number") == {"k2"}
    assert {c.pk: (c.id_number, c.mobile) for c in Customer.objects.all()} == expected

    settings.LENDCRM_ENCRYPTION_KEYS = stored[:1]  # the old key is retired
    assert {c.pk: (c.id_number, c.mobile) for c in Customer.objects.all()} == expected
    admin = UserFactory(roles=[Role.ADMIN])
    wanted = customers[3]
    assert list(filtered_customers(admin, CustomerFilters(mobile=wanted.mobile))) == [wanted]
    event = AuditEvent.objects.get(action="encryption.rotated")
    assert event.metadata["key_id"] == "k2"
    assert event.metadata["rows"] == 7


def test_rotation_is_resumable_and_skips_rows_already_under_the_primary_key(
    settings: Any, embedded_ring: list[tuple[str, bytes]]
) -> None:
    CustomerFactory.create_batch(4)
    _run("rotate")
    before = _raw_values("mobile")

    output = _run("rotate", "--resume")

    assert "customers.customer: 0 rows re-encrypted" in output
    assert _raw_values("mobile") == before


def test_in_production_the_operator_supplies_the_new_key_first(
    settings: Any, tmp_path: Path, embedded_ring: list[tuple[str, bytes]]
) -> None:
    CustomerFactory.create_batch(3)
    new_key = ("k7", secrets.token_bytes(32))
    settings.LENDCRM_ENV = "production"
    settings.LENDCRM_ENCRYPTION_KEYS = [new_key, *embedded_ring]

    _run("rotate")

    assert _key_ids("mobile") == {"k7"}
    key_file = json.loads((tmp_path / "keys.json").read_text())
    assert key_file["encryption_keys"] == format_ring(embedded_ring)  # untouched


def test_in_production_without_a_new_key_there_is_nothing_to_do(
    settings: Any, embedded_ring: list[tuple[str, bytes]]
) -> None:
    CustomerFactory.create_batch(2)
    settings.LENDCRM_ENV = "production"

    output = _run("rotate")

    assert "nothing to re-encrypt" in output
    assert _key_ids("mobile") == {"k1"}


def test_status_counts_values_per_key(
    settings: Any, embedded_ring: list[tuple[str, bytes]]
) -> None:
    CustomerFactory.create_batch(2)
    settings.LENDCRM_ENCRYPTION_KEYS = [("k2", secrets.token_bytes(32)), *embedded_ring]
    CustomerFactory.create_batch(3)

    output = _run("status")

    assert "primary key: k2" in output
    assert "customers.customer.mobile: k2=3, k1=2, empty=0" in output
    assert "leads.lead.mobile: k2=0, k1=0, empty=0" in output


def test_a_ring_written_by_rotation_parses_back(embedded_ring: list[tuple[str, bytes]]) -> None:
    key = secrets.token_bytes(32)
    raw = format_ring([("k2", key), *embedded_ring])

    assert parse_key_ring(raw) == [("k2", key), *embedded_ring]
    assert raw.startswith(f"k2:{base64.urlsafe_b64encode(key).decode()},k1:")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_a_row_locked_by_a_user_is_left_for_the_next_run(
    settings: Any, embedded_ring: list[tuple[str, bytes]]
) -> None:
    customers = CustomerFactory.create_batch(4)
    busy = customers[1]
    locked, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        try:
            with transaction.atomic():
                Customer.objects.select_for_update().get(pk=busy.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    locked.wait(timeout=30)
    settings.LENDCRM_ENCRYPTION_KEYS = [("k2", secrets.token_bytes(32)), *embedded_ring]
    item = next(i for i in encrypted_models() if i.label == "customers.customer")

    during = reencrypt_model(item, batch_size=2)
    release.set()
    holder.join()
    after = reencrypt_model(item, batch_size=2)

    assert (during.reencrypted, during.remaining) == (3, 1)
    assert (after.reencrypted, after.remaining) == (1, 0)
    assert _key_ids("mobile") == {"k2"}
