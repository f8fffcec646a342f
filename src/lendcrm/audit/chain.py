"""The hash chain: pure functions over plain data.

Every value is hashed exactly as the database will give it back, so `lendcrm audit verify`
recomputes the same digest years later: JSON values are reduced to what PostgreSQL jsonb and
SQLite both return unchanged, text loses NUL characters (PostgreSQL refuses them), and IP
addresses are written in the form Django stores.
"""

from __future__ import annotations

import enum
import hashlib
import ipaddress
import json
import math
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils.functional import Promise
from django.utils.ipv6 import clean_ipv6_address

GENESIS_HASH = "0" * 64


def canonical_payload(
    *,
    sequence: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_username: str,
    action: str,
    object_type: str,
    object_id: str,
    ip_address: str | None,
    user_agent: str,
    changes: Any,
    metadata: Any,
) -> str:
    return json.dumps(
        {
            "sequence": sequence,
            "occurred_at": occurred_at.isoformat(timespec="microseconds"),
            "actor_id": actor_id,
            "actor": actor_username,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "ip": ip_address or "",
            "ua": user_agent,
            "changes": changes,
            "metadata": metadata,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )


def entry_hash(prev_hash: str, payload: str) -> str:
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


def clean_text(value: object, max_length: int) -> str:
    return str(value).replace("\x00", "")[:max_length]


def clean_ip(value: str | None) -> str | None:
    """A valid address in Django's stored form, or None (an unusable address is not stored)."""
    if not value:
        return None
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    return clean_ipv6_address(str(address)) if address.version == 6 else str(address)


def to_json_value(value: Any) -> Any:
    """Reduce a value to plain JSON that survives a database round trip unchanged.

    Decimal becomes its exact string ("1234.50"), never a float; dates become ISO text; floats
    that jsonb would rewrite (exponent forms, NaN, infinity) become text.
    """
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, enum.Enum):
        return to_json_value(value.value)
    if isinstance(value, str | Promise):
        return str(value).replace("\x00", "")
    if isinstance(value, float):
        text = repr(value)
        return value if math.isfinite(value) and "e" not in text else text
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Model):
        return to_json_value(value.pk)
    if isinstance(value, Mapping):
        return {to_json_value(str(k)): to_json_value(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return [to_json_value(v) for v in sorted(value, key=str)]
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    return str(value).replace("\x00", "")
