"""Masking of personal data for display: the default everywhere (lists, pages, API, exports, logs)."""

from __future__ import annotations

MASK = "*"


def mask_id_number(value: str | None) -> str:
    """`110105199001011234` → `110105********1234`."""
    if not value:
        return ""
    if len(value) < 10:
        return MASK * len(value)
    return value[:6] + MASK * (len(value) - 10) + value[-4:]


def mask_mobile(value: str | None) -> str:
    """`13812345678` → `138****5678`."""
    if not value:
        return ""
    if len(value) < 7:
        return MASK * len(value)
    return value[:3] + MASK * (len(value) - 7) + value[-4:]


def mask_bank_card(value: str | None) -> str:
    """`6222021234567890123` → `622202*********0123`: bank BIN and last four only."""
    if not value:
        return ""
    digits = value.replace(" ", "")
    if len(digits) < 11:
        return MASK * len(digits)
    return digits[:6] + MASK * (len(digits) - 10) + digits[-4:]


def mask_address(value: str | None) -> str:
    """Keep the province, city and district; hide the street and door number."""
    if not value:
        return ""
    for marker in ("区", "县", "市"):
        cut = value.find(marker)
        if 0 <= cut < len(value) - 1:
            head = value[: cut + 1]
            return head + MASK * 6
    return value[: min(3, len(value))] + MASK * 6


def mask_identifier(value: str | None) -> str:
    """An identifier of unknown kind (a list entry): masked as an ID, mobile or card by shape."""
    if not value:
        return ""
    compact = value.replace(" ", "")
    if len(compact) == 18 and compact[:17].isdigit():
        return mask_id_number(compact)
    if len(compact) == 11 and compact.isdigit():
        return mask_mobile(compact)
    if compact.isdigit():
        return mask_bank_card(compact)
    if len(compact) <= 6:
        return MASK * len(compact)
    return compact[:3] + MASK * (len(compact) - 6) + compact[-3:]  # e.g. a device fingerprint
