"""The hash chain: pure functions over plain data."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_payload(
    *,
    sequence: int,
    occurred_at: datetime,
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
