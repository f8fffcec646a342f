from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from lendcrm.scoring.stability import (
    EPSILON,
    StabilityLevel,
    auc_score,
    characteristic_stability_index,
    gini_coefficient,
    ks_statistic,
    population_stability_index,
    quantile_edges,
    shares_in_bins,
    stability_level,
)

counts = st.lists(st.integers(min_value=0, max_value=10_000), min_size=2, max_size=20)


def _numpy_psi(expected: np.ndarray, actual: np.ndarray) -> float:
    e = np.clip(expected / expected.sum(), EPSILON, None)
    a = np.clip(actual / actual.sum(), EPSILON, None)
    return float(((a - e) * np.log(a / e)).sum())


@settings(max_examples=200, deadline=None)
@given(counts, st.data())
def test_psi_agrees_with_a_plain_numpy_computation(
    expected: list[int], data: st.DataObject
) -> None:
    actual = data.draw(
        st.lists(st.integers(0, 10_000), min_size=len(expected), max_size=len(expected))
    )
    if sum(expected) == 0 or sum(actual) == 0:
        return
    ours = population_stability_index(expected, actual)
    plain = _numpy_psi(np.array(expected, float), np.array(actual, float))
    assert abs(ours - plain) < 1e-9
    assert ours >= 0


@pytest.mark.smoke
def test_psi_of_identical_distributions_is_zero_and_grows_with_drift() -> None:
    base = [0.1] * 10
    assert population_stability_index(base, base) == 0.0
    shifted = [0.05] * 5 + [0.15] * 5
    expected = 5 * 0.05 * np.log(2) + 5 * 0.05 * np.log(1.5)
    assert population_stability_index(base, shifted) == pytest.approx(expected, abs=1e-12)
    assert stability_level(population_stability_index(base, shifted)) is StabilityLevel.ALERT
    assert characteristic_stability_index(base, shifted) == population_stability_index(
        base, shifted
    )


def test_psi_refuses_bins_that_do_not_line_up() -> None:
    with pytest.raises(ValueError, match="same number of bins"):
        population_stability_index([0.5, 0.5], [0.2, 0.3, 0.5])


@pytest.mark.parametrize(
    ("index", "level"),
    [
        (0.0, StabilityLevel.STABLE),
        (0.0999, StabilityLevel.STABLE),
        (0.10, StabilityLevel.WARN),
        (0.2499, StabilityLevel.WARN),
        (0.25, StabilityLevel.ALERT),
        (1.3, StabilityLevel.ALERT),
    ],
)
def test_stability_levels_use_the_010_and_025_thresholds(
    index: float, level: StabilityLevel
) -> None:
    assert stability_level(index) is level


def test_shares_in_bins_count_each_value_once_with_edges_closed_on_the_left() -> None:
    shares = shares_in_bins([1, 2, 2, 3, 10], [2.0, 3.0])
    assert shares == [0.2, 0.4, 0.4]
    assert quantile_edges(np.arange(100), 4) == [24.75, 49.5, 74.25]


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_auc_matches_scikit_learn_including_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 200)
    y[:2] = [0, 1]
    risk = rng.integers(0, 15, 200).astype(float) + y
    assert abs(auc_score(y, risk) - roc_auc_score(y, risk)) < 1e-12


def _brute_force_ks(y: np.ndarray, score: np.ndarray) -> float:
    bad, good = score[y == 1], score[y == 0]
    return max(abs((bad <= t).mean() - (good <= t).mean()) for t in np.unique(score))


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_ks_matches_a_brute_force_scan_of_thresholds(seed: int) -> None:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 150)
    y[:2] = [0, 1]
    score = rng.integers(300, 340, 150).astype(float) - 5 * y
    assert abs(ks_statistic(y, score) - _brute_force_ks(y, score)) < 1e-12


def test_perfect_separation_gives_ks_one_and_gini_one() -> None:
    y = np.array([1, 1, 0, 0])
    score = np.array([400.0, 410.0, 600.0, 650.0])
    assert ks_statistic(y, score) == 1.0
    assert gini_coefficient(auc_score(y, -score)) == 1.0


def test_ks_and_auc_need_goods_and_bads() -> None:
    with pytest.raises(ValueError, match="both goods and bads"):
        ks_statistic([1, 1], [1.0, 2.0])
    with pytest.raises(ValueError, match="both goods and bads"):
        auc_score([0, 0], [1.0, 2.0])
