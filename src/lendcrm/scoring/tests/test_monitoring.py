from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from lendcrm.scoring.monitoring import (
    compare_with_development,
    development_bin_shares,
    recent_bin_shares,
)
from lendcrm.scoring.scorer import Scorer
from lendcrm.scoring.stability import StabilityLevel
from lendcrm.scoring.tests.applicant_data import generate_applicants


def _scored(
    card: dict[str, Any], seed: int, **shift: float
) -> tuple[list[float], list[dict[str, int]]]:
    frame = generate_applicants(3000, seed=seed).drop(columns=["applicant_id", "is_bad"])
    for column, factor in shift.items():
        frame[column] = frame[column] * factor
    results = [Scorer(card).score_row(r) for r in frame.to_dict("records")]
    return [r.score for r in results], [r.bins for r in results]


def test_a_sample_like_the_development_one_is_stable(card: dict[str, Any]) -> None:
    scores, bins = _scored(card, seed=21)
    report = compare_with_development(card, scores, bins)
    assert report.level is StabilityLevel.STABLE
    assert report.psi < 0.05
    assert set(report.csi) == {v["name"] for v in card["variables"]}
    assert max(report.csi.values()) < 0.05


def test_a_shifted_population_raises_the_psi_and_the_csi_of_the_shifted_variable(
    card: dict[str, Any],
) -> None:
    scores, bins = _scored(card, seed=21, card_utilisation=1.6, debt_to_income=1.5)
    report = compare_with_development(card, scores, bins)
    assert report.level is not StabilityLevel.STABLE
    assert report.csi_levels["card_utilisation"] is StabilityLevel.ALERT
    assert report.csi_levels["city_tier"] is StabilityLevel.STABLE


def test_the_report_psi_is_the_plain_numpy_formula_on_the_cards_bins(card: dict[str, Any]) -> None:
    scores, bins = _scored(card, seed=5)
    report = compare_with_development(card, scores, bins)
    edges = np.asarray(card["score_distribution"]["edges"])
    counts = np.bincount(np.searchsorted(edges, scores, side="right"), minlength=len(edges) + 1)
    actual = np.clip(counts / counts.sum(), 1e-4, None)
    expected = np.clip(np.asarray(card["score_distribution"]["shares"]), 1e-4, None)
    assert abs(report.psi - float(((actual - expected) * np.log(actual / expected)).sum())) < 1e-9


def test_bin_shares_cover_the_special_missing_and_unknown_rows(card: dict[str, Any]) -> None:
    variable = card["variables"][0]
    shares = development_bin_shares(variable)
    assert len(shares) == len(variable["bins"]) + 3
    assert sum(shares) == pytest.approx(1.0)
    assert recent_bin_shares(3, [0, 2, 2, 2]) == [0.25, 0.0, 0.75]
    assert recent_bin_shares(2, []) == [0.0, 0.0]


def test_no_recent_scores_is_an_error() -> None:
    with pytest.raises(ValueError, match="no recent scores"):
        compare_with_development({"score_distribution": {"edges": [], "shares": [1.0]}}, [], [])
