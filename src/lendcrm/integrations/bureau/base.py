"""What lendcrm needs from a credit bureau (征信), whatever the vendor.

Callers pass the subject's blind index (never the raw ID number): a vendor adapter that needs
the number itself receives it from the customer record inside its own module.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class BureauSummary:
    """The bureau report reduced to the fields rules use; money in yuan."""

    overdue_count_24m: int
    current_overdue_amount: Decimal
    card_count: int
    card_total_limit: Decimal
    card_used_limit: Decimal
    loan_count: int
    loan_balance: Decimal
    inquiries_1m: int
    inquiries_3m: int
    inquiries_6m: int
    has_record: bool = True

    def as_features(self, prefix: str = "bureau_") -> dict[str, int | str | bool]:
        """Rule inputs: counts as ints, amounts as decimal strings (exact, no float drift)."""
        values: dict[str, int | bool | Decimal] = {
            "overdue_24m": self.overdue_count_24m,
            "current_overdue": self.current_overdue_amount,
            "card_count": self.card_count,
            "card_limit": self.card_total_limit,
            "card_used": self.card_used_limit,
            "loan_count": self.loan_count,
            "loan_balance": self.loan_balance,
            "inquiries_1m": self.inquiries_1m,
            "inquiries_3m": self.inquiries_3m,
            "inquiries_6m": self.inquiries_6m,
            "has_record": self.has_record,
        }
        return {prefix + k: (str(v) if isinstance(v, Decimal) else v) for k, v in values.items()}


class CreditBureau(Protocol):
    name: str

    def fetch_summary(self, *, subject_key: str) -> BureauSummary: ...
