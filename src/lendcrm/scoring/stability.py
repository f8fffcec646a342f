"""Model quality and stability measures: KS, AUC, Gini, PSI and CSI. Pure numpy, no database.

PSI compares two distributions over the same bins: sum((a - e) * ln(a / e)). An empty bin on
either side would make the logarithm infinite, so shares are floored at EPSILON first.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

import numpy as np
import numpy.typing as npt

EPSILON = 1e-4
WARN_THRESHOLD = 0.10
ALERT_THRESHOLD = 0.25

FloatArray = npt.NDArray[np.float64]


class StabilityLevel(StrEnum):
    STABLE = "stable"
    WARN = "warn"
    ALERT = "alert"


def stability_level(index: float) -> StabilityLevel:
    if index >= ALERT_THRESHOLD:
        return StabilityLevel.ALERT
    if index >= WARN_THRESHOLD:
        return StabilityLevel.WARN
    return StabilityLevel.STABLE


def population_stability_index(expected: Sequence[float], actual: Sequence[float]) -> float:
    """PSI between two share vectors over the same bins (each summing to 1, or counts)."""
    e = _normalised(expected)
    a = _normalised(actual)
    if e.shape != a.shape:
        raise ValueError("expected and actual must have the same number of bins")
    e = np.maximum(e, EPSILON)
    a = np.maximum(a, EPSILON)
    return float(np.sum((a - e) * np.log(a / e)))


def characteristic_stability_index(expected: Sequence[float], actual: Sequence[float]) -> float:
    """CSI of one variable: the same formula as PSI over the variable's bins."""
    return population_stability_index(expected, actual)


def _normalised(values: Sequence[float]) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    total = arr.sum()
    if total <= 0:
        raise ValueError("a distribution needs a positive total")
    result: FloatArray = arr / total
    return result


def shares_in_bins(values: npt.ArrayLike, edges: Sequence[float]) -> list[float]:
    """Share of `values` in (-inf, e0), [e0, e1), ..., [e_last, inf)."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.size == 0:
        return [0.0] * (len(edges) + 1)
    idx = np.searchsorted(np.asarray(edges, dtype=np.float64), arr, side="right")
    counts = np.bincount(idx, minlength=len(edges) + 1)
    return [float(c) / arr.size for c in counts]


def quantile_edges(values: npt.ArrayLike, bins: int = 10) -> list[float]:
    """Interior edges splitting `values` into about `bins` equally full bins."""
    arr = np.asarray(values, dtype=np.float64)
    qs = np.quantile(arr, np.linspace(0, 1, bins + 1)[1:-1])
    return [float(q) for q in np.unique(qs)]


def ks_statistic(is_bad: npt.ArrayLike, score: npt.ArrayLike) -> float:
    """Largest gap between the cumulative score distributions of bads and goods."""
    y = np.asarray(is_bad, dtype=bool)
    s = np.asarray(score, dtype=np.float64)
    n_bad, n_good = int(y.sum()), int((~y).sum())
    if n_bad == 0 or n_good == 0:
        raise ValueError("KS needs both goods and bads")
    order = np.argsort(s, kind="mergesort")
    s_sorted, y_sorted = s[order], y[order]
    cum_bad = np.cumsum(y_sorted) / n_bad
    cum_good = np.cumsum(~y_sorted) / n_good
    last_of_value = np.r_[s_sorted[1:] != s_sorted[:-1], True]
    return float(np.max(np.abs(cum_bad - cum_good)[last_of_value]))


def auc_score(is_bad: npt.ArrayLike, risk: npt.ArrayLike) -> float:
    """Probability that a random bad has a higher `risk` than a random good (ties count half)."""
    y = np.asarray(is_bad, dtype=bool)
    r = np.asarray(risk, dtype=np.float64)
    n_bad, n_good = int(y.sum()), int((~y).sum())
    if n_bad == 0 or n_good == 0:
        raise ValueError("AUC needs both goods and bads")
    ranks = _average_ranks(r)
    return float((ranks[y].sum() - n_bad * (n_bad + 1) / 2) / (n_bad * n_good))


def _average_ranks(values: FloatArray) -> FloatArray:
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    starts = np.r_[True, sorted_values[1:] != sorted_values[:-1]]
    group = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    last = np.r_[first[1:], len(values)] - 1
    mean_rank = (first + last) / 2 + 1
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = mean_rank[group]
    return ranks


def gini_coefficient(auc: float) -> float:
    return 2 * auc - 1
