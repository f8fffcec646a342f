"""Test data for leads: valid identifiers and lead inputs."""

from __future__ import annotations

from typing import Any

from lendcrm.customers.tests.factories import valid_id_number, valid_mobile
from lendcrm.leads.cleaning import LeadInput


def lead_input(n: int, **overrides: Any) -> LeadInput:
    values: dict[str, Any] = {
        "name": f"张{n}",
        "mobile": valid_mobile(n),
        "id_number": valid_id_number(n),
        "city": "北京",
        "requested_amount": "50000",
        "campaign": "百度信息流-2024Q2",
        "consent": True,
    }
    values.update(overrides)
    return LeadInput(**values)


def lead_body(n: int, **overrides: Any) -> dict[str, Any]:
    item = lead_input(n, **overrides)
    return {k: v for k, v in item.__dict__.items() if k != "row" and v is not None}
