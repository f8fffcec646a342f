"""The canonical form: values are hashed exactly as the database gives them back."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lendcrm.audit.chain import (
    GENESIS_HASH,
    canonical_payload,
    clean_ip,
    entry_hash,
    to_json_value,
)
from lendcrm.audit.services import record_event, verify_chain
from lendcrm.customers.choices import Gender

PAYLOAD = {
    "sequence": 7,
    "occurred_at": datetime(2025, 3, 1, 8, 30, tzinfo=UTC),
    "actor_id": 3,
    "actor_username": "auditor",
    "action": "customer.updated",
    "object_type": "customers.customer",
    "object_id": "42",
    "ip_address": "10.0.0.8",
    "user_agent": "pytest",
    "changes": {"b": 1, "a": [1, 2]},
    "metadata": {},
}


def test_the_payload_does_not_depend_on_key_order() -> None:
    reordered = {**PAYLOAD, "changes": {"a": [1, 2], "b": 1}}

    assert canonical_payload(**PAYLOAD) == canonical_payload(**reordered)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value"),
    [("actor_username", "mallory"), ("actor_id", 4), ("object_id", "43"), ("ip_address", None)],
)
def test_every_column_is_covered_by_the_hash(field: str, value: object) -> None:
    original = entry_hash(GENESIS_HASH, canonical_payload(**PAYLOAD))  # type: ignore[arg-type]
    changed = entry_hash(GENESIS_HASH, canonical_payload(**{**PAYLOAD, field: value}))  # type: ignore[arg-type]

    assert original != changed


def test_the_hash_chains_on_the_previous_hash() -> None:
    payload = canonical_payload(**PAYLOAD)  # type: ignore[arg-type]

    assert entry_hash(GENESIS_HASH, payload) != entry_hash("1" * 64, payload)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234.50"), "1234.50"),
        (date(2025, 1, 31), "2025-01-31"),
        (Gender.MALE, Gender.MALE.value),
        (1e20, "1e+20"),
        (float("nan"), "nan"),
        (0.25, 0.25),
        ({1: {2, 1}}, {"1": [1, 2]}),
        ("a\x00b", "ab"),
    ],
)
def test_values_become_plain_json(value: object, expected: object) -> None:
    assert to_json_value(value) == expected


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("10.1.2.3", "10.1.2.3"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("::ffff:10.1.2.3", "::ffff:10.1.2.3"),
        ("unknown", None),
        ("", None),
    ],
)
def test_addresses_are_kept_in_the_stored_form(raw: str, stored: str | None) -> None:
    assert clean_ip(raw) == stored


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.decimals(allow_nan=False, places=2, max_value=10**9, min_value=-(10**9))
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)


@given(json_values)
def test_json_values_survive_a_json_round_trip_unchanged(value: object) -> None:
    plain = to_json_value(value)

    assert json.loads(json.dumps(plain)) == plain


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value",
    [
        Decimal("0.10"),
        1e20,
        1e-7,
        123456789.125,
        2**62,
        '带中文 and \\ quotes " and \x00 NUL',
        {"nested": [None, True, 0.5, {"z": 1, "a": 2}]},
        datetime(2025, 1, 31, 23, 59, 59, 999999, tzinfo=UTC),
    ],
)
def test_a_stored_event_verifies_whatever_its_values(value: object) -> None:
    record_event(
        "test.values",
        changes={"field": {"before": None, "after": value}},
        metadata={"value": value},
        ip_address="2001:0db8::0001",
        user_agent="agent\x00 with NUL",
    )

    assert verify_chain().ok
