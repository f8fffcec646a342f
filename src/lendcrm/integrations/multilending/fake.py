"""A deterministic multi-lending provider keyed by a hash of the subject, no network."""

from __future__ import annotations

import hashlib

from lendcrm.integrations.multilending.base import MultiLendingSummary

FAKE_PROVIDER = "fakemultilending"


class FakeMultiLendingProvider:
    """Most subjects applied a few times; about one in ten is a heavy multi-lender."""

    name = FAKE_PROVIDER

    def fetch_summary(self, *, subject_key: str) -> MultiLendingSummary:
        d = hashlib.sha256(f"multilending:{subject_key}".encode()).digest()
        heavy = d[0] < 26
        seven = d[1] % (7 if heavy else 2)
        month = seven + d[2] % (6 if heavy else 2)
        six = month + d[3] % (12 if heavy else 4)
        platforms = min(six, 1 + d[4] % (10 if heavy else 3))
        return MultiLendingSummary(seven, month, six, platforms)
