"""Champion/challenger assignment: a stable hash of the subject and the strategy code."""

from __future__ import annotations

import hashlib
from decimal import Decimal

_SPACE = 1 << 64


def bucket_of(subject_key: str, strategy_code: str) -> int:
    """A number in [0, 2**64), the same for the same customer and strategy, every time."""
    digest = hashlib.sha256(f"{strategy_code}\x1f{subject_key}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def is_challenger(subject_key: str, strategy_code: str, share: Decimal) -> bool:
    """True for about `share` of subjects (0 ≤ share ≤ 1), exactly reproducibly."""
    if share <= 0:
        return False
    threshold = int(Decimal(_SPACE) * share)
    return bucket_of(subject_key, strategy_code) < threshold
