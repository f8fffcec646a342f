"""A deterministic bureau: the same subject always gets the same summary, no network."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from lendcrm.integrations.bureau.base import BureauSummary

FAKE_BUREAU = "fakebureau"


def _draws(subject_key: str, salt: str) -> bytes:
    return hashlib.sha256(f"{salt}:{subject_key}".encode()).digest()


class FakeCreditBureau:
    """Mostly clean files; about one subject in eight has overdue history or many inquiries."""

    name = FAKE_BUREAU

    def fetch_summary(self, *, subject_key: str) -> BureauSummary:
        d = _draws(subject_key, "bureau")
        risky = d[0] < 32
        if d[1] < 13:  # about 5%: no credit file at all (thin file)
            return BureauSummary(
                0, Decimal(0), 0, Decimal(0), Decimal(0), 0, Decimal(0), 0, 0, 0, False
            )
        card_count = d[2] % 6
        card_limit = Decimal(card_count * (5000 + (d[3] % 20) * 1000))
        inquiries_1m = d[4] % (6 if risky else 2)
        inquiries_3m = inquiries_1m + d[5] % (8 if risky else 3)
        return BureauSummary(
            overdue_count_24m=d[6] % (9 if risky else 2),
            current_overdue_amount=Decimal((d[7] % 30) * 100)
            if risky and d[8] < 64
            else Decimal(0),
            card_count=card_count,
            card_total_limit=card_limit,
            card_used_limit=(card_limit * Decimal(d[9] % 100) / 100).quantize(Decimal("0.01")),
            loan_count=d[10] % 4,
            loan_balance=Decimal((d[10] % 4) * (d[11] % 50) * 2000),
            inquiries_1m=inquiries_1m,
            inquiries_3m=inquiries_3m,
            inquiries_6m=inquiries_3m + d[12] % (10 if risky else 4),
        )
