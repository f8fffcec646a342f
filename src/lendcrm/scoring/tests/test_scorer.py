from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lendcrm.scoring.card import CardError
from lendcrm.scoring.scorer import Scorer, score_frame
from lendcrm.scoring.tests.applicant_data import SPECIAL_INCOME, generate_applicants
from lendcrm.scoring.training import TrainingResult


def _unseen_sample() -> pd.DataFrame:
    """Fresh applicants with missing values, special incomes and categories never trained on."""
    frame = generate_applicants(2000, seed=99).drop(columns=["applicant_id", "is_bad"])
    frame.loc[0:40, "city_tier"] = "五线"
    frame.loc[41:60, "employment_type"] = "student"
    frame.loc[61:80, "monthly_income"] = SPECIAL_INCOME
    frame.loc[81:100, ["debt_to_income", "age"]] = np.nan
    return frame


def test_batch_scores_equal_optbinnings_own_scores_exactly(
    trained: TrainingResult, card: dict[str, Any]
) -> None:
    frame = _unseen_sample()
    expected = trained.model.score(frame)
    scores = Scorer(card).score_batch({c: frame[c].to_numpy() for c in frame.columns})
    assert np.array_equal(scores, expected)


def test_one_row_scores_equal_optbinnings_own_scores_exactly(
    trained: TrainingResult, card: dict[str, Any]
) -> None:
    frame = _unseen_sample()
    expected = trained.model.score(frame)
    scorer = Scorer(card)
    scores = [scorer.score_row(row).score for row in frame.to_dict("records")]
    assert scores == expected.tolist()


def test_unseen_categories_land_in_the_unknown_row_and_missing_in_the_missing_row(
    card: dict[str, Any],
) -> None:
    scorer = Scorer(card)
    result = scorer.score_row({"city_tier": "五线", "monthly_income": None, "age": float("nan")})
    city = next(v for v in scorer.variables if v.name == "city_tier")
    income = next(v for v in scorer.variables if v.name == "monthly_income")
    assert result.bins["city_tier"] == city.unknown_index
    assert result.bins["monthly_income"] == income.missing_index
    assert scorer.score_row({"monthly_income": -999}).bins["monthly_income"] == income.special_index
    assert (
        scorer.score_row({"monthly_income": "abc"}).bins["monthly_income"] == income.unknown_index
    )


def test_numeric_bins_are_closed_on_the_left(card: dict[str, Any]) -> None:
    scorer = Scorer(card)
    age = next(v for v in scorer.variables if v.name == "age")
    split = age.splits[0]
    assert scorer.score_row({"age": split}).bins["age"] == 1
    assert scorer.score_row({"age": math.nextafter(split, -math.inf)}).bins["age"] == 0


def test_reason_codes_are_the_four_largest_shortfalls_from_each_variables_best_bin(
    card: dict[str, Any],
) -> None:
    scorer = Scorer(card)
    row = {
        "monthly_income": 3000,
        "debt_to_income": 1.2,
        "card_utilisation": 1.1,
        "overdue_count_12m": 4,
        "age": 22,
        "city_tier": "四线及以下",
    }
    result = scorer.score_row(row)
    shortfall = {v.name: v.best - result.points[v.name] for v in scorer.variables}
    ranked = sorted((n for n in shortfall if shortfall[n] > 0), key=lambda n: -shortfall[n])
    assert result.reason_codes == ranked[:4]
    assert len(result.reason_codes) == 4


def test_batch_reason_codes_equal_the_one_row_reason_codes(card: dict[str, Any]) -> None:
    frame = _unseen_sample().head(300)
    scorer = Scorer(card)
    scores, joined = score_frame(scorer, frame)
    rows = [scorer.score_row(r) for r in frame.to_dict("records")]
    points = scorer.points_matrix(scorer.bin_indices({c: frame[c].to_numpy() for c in frame}))
    assert scorer.reason_codes_batch(points) == [r.reason_codes for r in rows]
    assert joined.tolist() == [";".join(r.reason_codes) for r in rows]
    assert scores.tolist() == [r.score for r in rows]


def test_an_applicant_in_every_best_bin_has_no_reason_codes(card: dict[str, Any]) -> None:
    scorer = Scorer(card)
    indices = {v.name: v.points.index(v.best) for v in scorer.variables}
    points = np.array([[v.points[indices[v.name]] for v in scorer.variables]])
    assert scorer.reason_codes_batch(points) == [[]]
    assert scorer.joined_reason_codes(points).tolist() == [""]


def test_a_card_with_decreasing_splits_is_refused(card: dict[str, Any]) -> None:
    broken = copy.deepcopy(card)
    numeric = next(v for v in broken["variables"] if v["dtype"] == "numerical")
    numeric["splits"] = list(reversed(numeric["splits"]))
    with pytest.raises(CardError, match="must increase"):
        Scorer(broken)


def test_a_card_of_another_format_version_is_refused(card: dict[str, Any]) -> None:
    with pytest.raises(CardError, match="format_version"):
        Scorer({**card, "format_version": 99})


def _value_strategy(variable: dict[str, Any]) -> st.SearchStrategy[object]:
    if variable["dtype"] == "categorical":
        return st.sampled_from([*variable["categories"], None, "未见过的类别"])
    splits = variable["splits"]
    return st.one_of(
        st.sampled_from([*splits, SPECIAL_INCOME, float("nan")]),
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_values_score_like_optbinning_in_batch_and_one_row_at_a_time(
    trained: TrainingResult, card: dict[str, Any], data: st.DataObject
) -> None:
    rows = data.draw(
        st.lists(
            st.fixed_dictionaries({v["name"]: _value_strategy(v) for v in card["variables"]}),
            min_size=1,
            max_size=40,
        )
    )
    frame = pd.DataFrame(rows, columns=[v["name"] for v in card["variables"]])
    for variable in card["variables"]:
        if variable["dtype"] == "numerical":
            frame[variable["name"]] = frame[variable["name"]].astype(float)
        else:
            frame[variable["name"]] = frame[variable["name"]].astype(object)
    expected = trained.model.score(frame)
    scorer = Scorer(card)
    assert np.array_equal(scorer.score_batch({c: frame[c].to_numpy() for c in frame}), expected)
    assert [scorer.score_row(r).score for r in rows] == expected.tolist()


AWKWARD_VALUES = [
    None,
    True,
    False,
    0,
    -999,
    -999.0,
    1,
    22,
    3000,
    2**53 - 1,
    2**53,
    2**53 + 1,
    -(2**53) - 1,
    10**30,
    0.5,
    float("nan"),
    float("inf"),
    "",
    "3000",
    "-999",
    "abc",
    "一线",
    "五线",
    pd.NA,
]


@given(st.lists(st.sampled_from(AWKWARD_VALUES), min_size=6, max_size=6))
@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_one_row_bins_ints_and_texts_inline_exactly_as_bin_index_does(
    card: dict[str, Any], values: list[Any]
) -> None:
    scorer = Scorer(card)
    row = dict(zip(scorer.variable_names, values, strict=False))
    result = scorer.score_row(row)
    bins = {v.name: scorer.bin_index(v, row.get(v.name)) for v in scorer.variables}
    points = {v.name: v.points[bins[v.name]] for v in scorer.variables}
    shortfall = [(v.best - points[v.name], i) for i, v in enumerate(scorer.variables)]
    adverse = sorted((s for s in shortfall if s[0] > 0), key=lambda s: (-s[0], s[1]))
    assert result.bins == bins
    assert result.points == points
    assert result.score == sum(points.values(), 0.0) + scorer.score_offset
    assert result.reason_codes == [scorer.variables[i].name for _, i in adverse[:4]]


def _row_score(result: Any) -> tuple[Any, ...]:
    """A RowScore with its dicts' orders, which the output keeps."""
    return (
        result.score,
        list(result.points.items()),
        list(result.bins.items()),
        result.reason_codes,
    )


@given(st.lists(st.sampled_from(AWKWARD_VALUES), min_size=10, max_size=10))
@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_generated_one_row_scorer_equals_the_walk_on_awkward_values(
    card: dict[str, Any], values: list[Any]
) -> None:
    scorer = Scorer(card)
    row = dict(zip(scorer.variable_names, values, strict=False))
    expected = _row_score(scorer.score_row(row))
    assert _row_score(scorer.score_row_generated(row)) == expected
    assert _row_score(scorer.score_row_generated({})) == _row_score(scorer.score_row({}))


def test_the_generated_one_row_scorer_equals_the_walk_on_generated_applicants(
    card: dict[str, Any],
) -> None:
    scorer = Scorer(card)
    frame = generate_applicants(2000, seed=11)
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for number, row in enumerate(rows):
        expected = _row_score(scorer.score_row(row))
        assert _row_score(scorer.score_row_generated(row)) == expected, f"row {number}"
