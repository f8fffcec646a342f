from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from lendcrm.scoring.card import check_card
from lendcrm.scoring.training import (
    TrainingError,
    TrainingOptions,
    TrainingResult,
    feature_frame,
    target_vector,
)


def test_the_card_describes_every_variable_with_special_missing_and_unknown_rows(
    card: dict[str, Any],
) -> None:
    assert check_card(card) is card
    names = [v["name"] for v in card["variables"]]
    assert names == [
        "monthly_income",
        "debt_to_income",
        "age",
        "card_utilisation",
        "overdue_count_12m",
        "city_tier",
        "employment_type",
    ]
    city = card["variables"][names.index("city_tier")]
    assert set(city["categories"]) == {"一线", "二线", "三线", "四线及以下"}
    assert city["unknown"]["points"] == city["missing"]["points"]
    income = card["variables"][0]
    assert income["special"]["count"] > 0
    assert len(income["splits"]) == len(income["bins"]) - 1


def test_points_follow_the_pdo_scaling_of_the_logistic_model(card: dict[str, Any]) -> None:
    scaling = card["scaling"]
    assert (scaling["base_score"], scaling["base_odds"], scaling["pdo"]) == (600, 50, 20)
    factor = 20 / math.log(2)
    n = len(card["variables"])
    variable = card["variables"][0]
    row = variable["bins"][0]
    expected = -(variable["coefficient"] * row["woe"] + card["intercept"]["log_odds"] / n) * factor
    expected += (600 - factor * math.log(50)) / n
    assert row["points"] == pytest.approx(expected, abs=1e-9)


def test_numeric_variables_with_a_monotonic_trend_have_monotonic_points(
    card: dict[str, Any],
) -> None:
    for name in ("debt_to_income", "card_utilisation"):
        variable = next(v for v in card["variables"] if v["name"] == name)
        points = [b["points"] for b in variable["bins"]]
        assert points == sorted(points, reverse=True)


def test_the_report_has_train_and_test_discrimination_and_each_variables_iv(
    trained: TrainingResult,
) -> None:
    report = trained.report
    assert report["rows"] == {"train": 2100, "test": 900}
    for part in ("train", "test"):
        assert 0.65 < report[part]["auc"] < 0.9
        assert report[part]["gini"] == pytest.approx(2 * report[part]["auc"] - 1, abs=1e-5)
        assert 0.2 < report[part]["ks"] < 0.7
    ivs = {v["name"]: v["iv"] for v in report["variables"]}
    assert ivs["card_utilisation"] > ivs["city_tier"] > 0


def test_the_development_score_distribution_has_ten_shares_summing_to_one(
    card: dict[str, Any],
) -> None:
    distribution = card["score_distribution"]
    assert len(distribution["shares"]) == len(distribution["edges"]) + 1 == 10
    assert sum(distribution["shares"]) == pytest.approx(1.0)


def test_a_text_target_is_bad_where_it_equals_the_bad_value() -> None:
    frame = pd.DataFrame({"status": ["default", "paid", "paid", "default"]})
    assert target_vector(frame, "status", "default").tolist() == [1, 0, 0, 1]


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"y": [0, 2]}), "1/0 values"),
        (pd.DataFrame({"y": [0, None]}), "no target value"),
        (pd.DataFrame({"x": [0, 1]}), "no column"),
    ],
)
def test_a_bad_target_is_refused_with_the_reason(frame: pd.DataFrame, message: str) -> None:
    with pytest.raises(TrainingError, match=message):
        target_vector(frame, "y", None)


def test_categorical_columns_become_text_and_excluded_columns_are_dropped() -> None:
    frame = pd.DataFrame(
        {"id": [1, 2], "tier": [1, None], "flag": [True, False], "income": [1.0, 2.0], "y": [0, 1]}
    )
    frame["tier"] = frame["tier"].astype("category")
    features, categorical = feature_frame(frame, TrainingOptions(target="y", exclude=("id",)))
    assert list(features.columns) == ["tier", "flag", "income"]
    assert categorical == ["tier", "flag"]
    assert features["tier"].tolist() == ["1.0", None]
    assert features["flag"].tolist() == ["True", "False"]
    assert features["income"].dtype == np.float64
