"""Synthetic applicants with a default flag drawn from a known logistic model.

Used by the scorecard tests and benchmarks/scoring_batch.py. Income -999 is a special value
("refused to declare"), and every variable has some missing values, so that trained cards get
real Special and Missing bins.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CITY_TIERS = ("一线", "二线", "三线", "四线及以下")
EMPLOYMENT_TYPES = ("civil_servant", "employee", "business_owner", "self_employed", "freelancer")
SPECIAL_INCOME = -999.0
_TIER_EFFECT = np.array([-0.35, -0.1, 0.15, 0.35])
_EMPLOYMENT_EFFECT = np.array([-0.8, -0.2, 0.0, 0.3, 0.6])


def _with_missing(rng: np.random.Generator, values: np.ndarray, share: float) -> np.ndarray:
    out = values.astype(float)
    out[rng.random(len(out)) < share] = np.nan
    return out


def generate_applicants(rows: int, *, seed: int = 7) -> pd.DataFrame:
    """`rows` applicants; `is_bad` is 1 for a default within 12 months (about 17%)."""
    rng = np.random.default_rng(seed)
    income = np.round(rng.lognormal(np.log(8000), 0.55, rows), -1)
    dti = np.clip(rng.beta(2.2, 4.0, rows) * 1.4, 0, 1.4)
    age = rng.integers(18, 66, rows).astype(float)
    utilisation = np.clip(rng.beta(1.6, 2.4, rows) * 1.3, 0, 1.3)
    overdue = rng.poisson(0.25 + 0.9 * utilisation, rows).astype(float)
    tier = rng.choice(4, rows, p=[0.2, 0.35, 0.3, 0.15])
    employment = rng.choice(5, rows, p=[0.08, 0.55, 0.1, 0.17, 0.1])
    log_odds = (
        -2.3
        - 0.7 * np.log(income / 8000)
        + 1.6 * (dti - 0.4)
        - 0.025 * (age - 38)
        + 1.3 * (utilisation - 0.5)
        + 0.5 * overdue
        + _TIER_EFFECT[tier]
        + _EMPLOYMENT_EFFECT[employment]
        + rng.normal(0, 0.3, rows)
    )
    is_bad = (rng.random(rows) < 1 / (1 + np.exp(-log_odds))).astype(int)
    income = _with_missing(rng, income, 0.04)
    income[rng.random(rows) < 0.03] = SPECIAL_INCOME
    city = np.array(CITY_TIERS, dtype=object)[tier]
    city[rng.random(rows) < 0.02] = None
    job = np.array(EMPLOYMENT_TYPES, dtype=object)[employment]
    job[rng.random(rows) < 0.03] = None
    return pd.DataFrame(
        {
            "applicant_id": np.arange(1, rows + 1),
            "monthly_income": income,
            "debt_to_income": _with_missing(rng, np.round(dti, 3), 0.03),
            "age": age,
            "card_utilisation": _with_missing(rng, np.round(utilisation, 3), 0.08),
            "overdue_count_12m": _with_missing(rng, overdue, 0.05),
            "city_tier": pd.Series(city, dtype=object),
            "employment_type": pd.Series(job, dtype=object),
            "is_bad": is_bad,
        }
    )
