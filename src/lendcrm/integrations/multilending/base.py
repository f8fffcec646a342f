"""What lendcrm needs from a multi-lending data provider (多头借贷), whatever the vendor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class MultiLendingSummary:
    applications_7d: int
    applications_1m: int
    applications_6m: int
    platforms_6m: int  # distinct lenders applied to in six months

    def as_features(self, prefix: str = "ml_") -> dict[str, int]:
        return {
            prefix + "applications_7d": self.applications_7d,
            prefix + "applications_1m": self.applications_1m,
            prefix + "applications_6m": self.applications_6m,
            prefix + "platforms_6m": self.platforms_6m,
        }


class MultiLendingProvider(Protocol):
    name: str

    def fetch_summary(self, *, subject_key: str) -> MultiLendingSummary: ...
