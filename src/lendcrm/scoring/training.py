"""Scorecard training with optbinning: optimal binning, logistic regression, PDO scaling.

Only this module imports the training libraries. It returns the card (see card.py) and a
report of the fit; the scorer never needs optbinning again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from lendcrm.scoring.card import CATEGORICAL, FORMAT, FORMAT_VERSION, NUMERICAL
from lendcrm.scoring.stability import (
    auc_score,
    gini_coefficient,
    ks_statistic,
    quantile_edges,
    shares_in_bins,
)

SCORE_DISTRIBUTION_BINS = 10


class TrainingError(ValueError):
    """The input cannot train a scorecard; the message says why."""


@dataclass(frozen=True)
class TrainingOptions:
    target: str
    bad_value: str | None = None
    exclude: tuple[str, ...] = ()
    special_codes: tuple[float, ...] = ()
    base_score: float = 600.0
    base_odds: float = 50.0
    pdo: float = 20.0
    test_size: float = 0.3
    seed: int = 42
    monotonic_trend: str = "auto_asc_desc"
    name: str = "scorecard"


@dataclass(frozen=True)
class TrainingResult:
    card: dict[str, Any]
    report: dict[str, Any]
    model: Any = field(repr=False)  # the fitted optbinning Scorecard, for comparisons


def read_table(path: str | Path) -> pd.DataFrame:
    """A CSV or Parquet file, by its suffix."""
    suffix = Path(path).suffix.lower()
    if suffix in (".parquet", ".pq"):
        return pd.read_parquet(path)
    if suffix in (".csv", ".txt"):
        return pd.read_csv(path)
    raise TrainingError(f"{path}: expected a .csv or .parquet file")


def target_vector(frame: pd.DataFrame, target: str, bad_value: str | None) -> npt.NDArray[np.int_]:
    if target not in frame.columns:
        raise TrainingError(f"no column {target!r} in the input")
    column = frame[target]
    if column.isna().any():
        raise TrainingError(f"{target}: {int(column.isna().sum())} rows have no target value")
    if bad_value is not None:
        bad: npt.NDArray[np.int_] = (column.astype(str) == str(bad_value)).to_numpy(dtype=np.int_)
        return bad
    values = set(pd.unique(column).tolist())
    if not values <= {0, 1}:
        raise TrainingError(f"{target}: expected 1/0 values, or pass --bad-value")
    flags: npt.NDArray[np.int_] = column.to_numpy(dtype=np.int_)
    return flags


def feature_frame(frame: pd.DataFrame, options: TrainingOptions) -> tuple[pd.DataFrame, list[str]]:
    """The candidate variables, with categorical columns as text (missing kept as None)."""
    dropped = {options.target, *options.exclude}
    features = frame[[c for c in frame.columns if c not in dropped]].copy()
    if features.shape[1] == 0:
        raise TrainingError("no variables left after --exclude")
    categorical = [
        c
        for c in features.columns
        if not pd.api.types.is_numeric_dtype(features[c]) or pd.api.types.is_bool_dtype(features[c])
    ]
    for name in categorical:
        column = features[name]
        features[name] = pd.Series(
            np.where(column.isna(), None, column.astype(str)), index=features.index, dtype=object
        )
    return features, categorical


def _fit(
    x: pd.DataFrame, y: npt.NDArray[np.int_], categorical: list[str], options: TrainingOptions
) -> Any:
    from optbinning import BinningProcess, Scorecard
    from sklearn.linear_model import LogisticRegression

    names = list(x.columns)
    fit_params = {
        n: {"monotonic_trend": options.monotonic_trend} for n in names if n not in categorical
    }
    process = BinningProcess(
        names,
        categorical_variables=categorical,
        special_codes=list(options.special_codes) or None,
        binning_fit_params=fit_params,
    )
    scorecard = Scorecard(
        binning_process=process,
        estimator=LogisticRegression(max_iter=1000),
        scaling_method="pdo_odds",
        scaling_method_params={
            "pdo": options.pdo,
            "odds": options.base_odds,
            "scorecard_points": options.base_score,
        },
    )
    # Empirical WoE for Special and Missing: those applicants get the points their bad rate earns.
    scorecard.fit(x, y, metric_special="empirical", metric_missing="empirical")
    return scorecard


def train_scorecard(frame: pd.DataFrame, options: TrainingOptions) -> TrainingResult:
    from sklearn.model_selection import train_test_split

    y = target_vector(frame, options.target, options.bad_value)
    if y.sum() < 10 or (len(y) - y.sum()) < 10:
        raise TrainingError("need at least 10 bads and 10 goods")
    x, categorical = feature_frame(frame, options)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=options.test_size, random_state=options.seed, stratify=y
    )
    model = _fit(x_train, y_train, categorical, options)
    train_scores = model.score(x_train)
    test_scores = model.score(x_test)
    metrics = {"train": _metrics(y_train, train_scores), "test": _metrics(y_test, test_scores)}
    card = _card(model, options, metrics, train_scores, rows=(len(y_train), len(y_test)))
    report = {
        "rows": {"train": len(y_train), "test": len(y_test)},
        "bad_rate": round(float(y.mean()), 6),
        **metrics,
        "variables": _variable_summary(model),
    }
    return TrainingResult(card=card, report=report, model=model)


def _metrics(y: npt.NDArray[np.int_], scores: npt.NDArray[np.float64]) -> dict[str, float]:
    auc = auc_score(y, -scores)  # a higher score means a lower risk
    return {
        "auc": round(auc, 6),
        "ks": round(ks_statistic(y, scores), 6),
        "gini": round(gini_coefficient(auc), 6),
    }


def _variable_summary(model: Any) -> list[dict[str, Any]]:
    summary = model.binning_process_.summary()
    return [
        {
            "name": str(row["name"]),
            "iv": round(float(row["iv"]), 6),
            "selected": bool(row["selected"]),
        }
        for _, row in summary.iterrows()
    ]


def _scaling(options: TrainingOptions) -> dict[str, Any]:
    factor = options.pdo / math.log(2)
    return {
        "method": "pdo_odds",
        "base_score": options.base_score,
        "base_odds": options.base_odds,
        "pdo": options.pdo,
        "factor": factor,
        "offset": options.base_score - factor * math.log(options.base_odds),
    }


def _card(
    model: Any,
    options: TrainingOptions,
    metrics: dict[str, dict[str, float]],
    train_scores: npt.NDArray[np.float64],
    *,
    rows: tuple[int, int],
) -> dict[str, Any]:
    edges = quantile_edges(train_scores, SCORE_DISTRIBUTION_BINS)
    ivs = {v["name"]: v["iv"] for v in _variable_summary(model)}
    table = model.table(style="detailed")
    names = [str(n) for n in model.binning_process_.get_support(names=True)]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": options.name,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "target": {"column": options.target, "bad_value": options.bad_value},
        "scaling": _scaling(options),
        "intercept": {
            "handling": "spread_over_variables",
            "log_odds": float(model.estimator_.intercept_[0]),
            "score_offset": float(model.intercept_),
        },
        "special_codes": list(options.special_codes),
        "variables": [
            _card_variable(model, name, table[table["Variable"] == name], ivs[name])
            for name in names
        ],
        "score_distribution": {"edges": edges, "shares": shares_in_bins(train_scores, edges)},
        "metrics": metrics,
        "training": {
            "rows_train": rows[0],
            "rows_test": rows[1],
            "seed": options.seed,
            "test_size": options.test_size,
            "monotonic_trend": options.monotonic_trend,
            "library": "optbinning",
        },
    }


def _row(record: pd.Series, label: str) -> dict[str, Any]:
    return {
        "label": label,
        "points": float(record["Points"]),
        "woe": float(record["WoE"]),
        "count": int(record["Count"]),
        "share": float(record["Count (%)"]),
        "bad_rate": float(record["Event rate"]),
    }


def _card_variable(model: Any, name: str, rows: pd.DataFrame, iv: float) -> dict[str, Any]:
    binning = model.binning_process_.get_binned_variable(name)
    records = [r for _, r in rows.iterrows()]
    regular, special, missing = records[:-2], records[-2], records[-1]
    variable: dict[str, Any] = {
        "name": name,
        "dtype": CATEGORICAL if binning.dtype == "categorical" else NUMERICAL,
        "iv": iv,
        "coefficient": float(regular[0]["Coefficient"]),
    }
    if variable["dtype"] == NUMERICAL:
        variable["splits"] = [float(s) for s in binning.splits]
        variable["bins"] = [_row(r, str(r["Bin"])) for r in regular]
    else:
        groups = [[str(c) for c in group] for group in binning.splits]
        variable["categories"] = {c: i for i, group in enumerate(groups) for c in group}
        variable["bins"] = [_row(r, ", ".join(g)) for r, g in zip(regular, groups, strict=True)]
    variable["special"] = _row(special, "Special")
    variable["missing"] = _row(missing, "Missing")
    # optbinning scores a category it never saw with the last row of the table, Missing.
    variable["unknown"] = {**variable["missing"], "label": "Unknown", "count": 0, "share": 0.0}
    return variable
