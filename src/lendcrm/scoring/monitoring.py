"""Stability of a card in use: recent scores and bins against the development sample. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lendcrm.scoring.card import SPECIAL_ROWS
from lendcrm.scoring.stability import (
    StabilityLevel,
    characteristic_stability_index,
    population_stability_index,
    shares_in_bins,
    stability_level,
)


@dataclass(frozen=True)
class StabilityReport:
    rows: int
    psi: float
    level: StabilityLevel
    development_shares: list[float]
    recent_shares: list[float]
    csi: dict[str, float]

    @property
    def csi_levels(self) -> dict[str, StabilityLevel]:
        return {name: stability_level(value) for name, value in self.csi.items()}


def development_bin_shares(variable: Mapping[str, Any]) -> list[float]:
    """Shares of the development sample in each row: bins, then Special, Missing, Unknown."""
    rows = [*variable["bins"], *(variable[row] for row in SPECIAL_ROWS)]
    return [float(row.get("share", 0.0)) for row in rows]


def recent_bin_shares(size: int, indices: Iterable[int]) -> list[float]:
    counts = [0] * size
    total = 0
    for index in indices:
        counts[index] += 1
        total += 1
    return [c / total if total else 0.0 for c in counts]


def compare_with_development(
    card: Mapping[str, Any],
    scores: Sequence[float],
    bins: Sequence[Mapping[str, int]],
) -> StabilityReport:
    """PSI of `scores` on the card's development score bins and CSI of each variable.

    `bins[i]` maps each variable to the bin row of the i-th scored applicant, as the scorer
    numbers them. Needs at least one score.
    """
    if not scores:
        raise ValueError("no recent scores to compare")
    distribution = card["score_distribution"]
    recent = shares_in_bins(scores, distribution["edges"])
    psi = population_stability_index(distribution["shares"], recent)
    csi: dict[str, float] = {}
    for variable in card["variables"]:
        expected = development_bin_shares(variable)
        name = variable["name"]
        actual = recent_bin_shares(len(expected), (b[name] for b in bins if name in b))
        if sum(actual) > 0:
            csi[name] = characteristic_stability_index(expected, actual)
    return StabilityReport(
        rows=len(scores),
        psi=psi,
        level=stability_level(psi),
        development_shares=list(distribution["shares"]),
        recent_shares=recent,
        csi=csi,
    )
