"""Canonical JSON of strategy documents and decision outputs, and their hashes."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 text: equal documents give equal strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash_of(definition: Any) -> str:
    return hashlib.sha256(canonical_json(definition).encode()).hexdigest()
