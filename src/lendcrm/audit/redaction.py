"""Masking of personal data before it enters the audit log: pure functions.

A model lists its personal-data columns in `sensitive_fields` (e.g. Customer.sensitive_fields);
each is masked by the kind its name says. As a safety net every stored text value is also
scrubbed of anything that looks like an ID number, bank card or mobile number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from lendcrm.core.logging import scrub
from lendcrm.core.masking import mask_address, mask_bank_card, mask_id_number, mask_mobile

HIDDEN = "******"

# Checked in order: the first marker found in the field name picks the masking function.
_MASKERS: tuple[tuple[str, Callable[[str | None], str]], ...] = (
    ("id_number", mask_id_number),
    ("bank_card", mask_bank_card),
    ("card_no", mask_bank_card),
    ("mobile", mask_mobile),
    ("phone", mask_mobile),
    ("address", mask_address),
)


def sensitive_fields_of(model: Any) -> frozenset[str]:
    return frozenset(getattr(model, "sensitive_fields", ()) or ())


def mask_value(field: str, value: Any) -> Any:
    """The masked form of a sensitive field's value; unknown kinds are hidden completely."""
    if value is None or value == "":
        return value
    for marker, mask in _MASKERS:
        if marker in field:
            return mask(str(value))
    return HIDDEN


def mask_fields(values: dict[str, Any], sensitive: Iterable[str]) -> dict[str, Any]:
    hidden = set(sensitive)
    return {k: mask_value(k, v) if k in hidden else v for k, v in values.items()}


def scrub_json(value: Any) -> Any:
    """Mask personal identifiers in every text value of a JSON structure."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: scrub_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_json(v) for v in value]
    return value
