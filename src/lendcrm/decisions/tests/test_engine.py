"""The engine alone: documents, positions of authoring errors, evaluation and its trace."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from lendcrm.decisions.engine import CompiledStrategy, DefinitionError, InputRejected
from lendcrm.decisions.engine.compiled import DATA_INCOMPLETE, decimal_text, money
from lendcrm.decisions.engine.definition import check_definition
from lendcrm.decisions.engine.diff import diff_definitions
from lendcrm.decisions.engine.split import is_challenger

GOOD = {
    "age": 35,
    "province": "广东省",
    "monthly_income": 9000,
    "employment_years": 4,
    "education": "bachelor",
    "housing": "rented",
    "identity_verified": True,
    "requested_amount": 50000,
    "blacklist_hit": False,
    "graylist_hit": False,
    "ml_applications_7d": 0,
    "ml_applications_6m": 1,
    "ml_platforms_6m": 1,
    "bureau_overdue_24m": 0,
    "bureau_current_overdue": 0,
    "bureau_inquiries_1m": 0,
    "bureau_inquiries_3m": 1,
    "bureau_inquiries_6m": 2,
    "bureau_card_count": 2,
    "bureau_card_limit": 30000,
    "bureau_loan_balance": 20000,
}


def _problems(definition: Any, *, strict: bool = False) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        check_definition(definition, strict=strict)
    return [str(p) for p in caught.value.problems]


def test_a_malformed_unary_test_is_reported_with_step_row_and_column(
    small_definition: dict[str, Any],
) -> None:
    small_definition["steps"][0]["table"]["rules"][0]["c1"] = "> 3 and"
    problems = _problems(small_definition)
    assert len(problems) == 1
    assert problems[0].startswith("step hard, row 1, column age:")
    assert "'> 3 and'" in problems[0]


def test_a_malformed_output_expression_is_reported_with_its_position(
    small_definition: dict[str, Any],
) -> None:
    small_definition["steps"][1]["table"]["rules"][0]["p2"] = "income +* 3"
    assert _problems(small_definition)[0].startswith("step matrix, row 1, column limit:")


def test_an_unknown_variable_is_accepted_in_a_draft_but_refused_strictly(
    small_definition: dict[str, Any],
) -> None:
    small_definition["steps"][1]["table"]["rules"][0]["m1"] = "> salary * 2"
    check_definition(small_definition)
    assert _problems(small_definition, strict=True) == [
        "step matrix, row 1, column income: unknown input variable salary"
    ]


def test_a_javascript_function_node_is_refused(small_definition: dict[str, Any]) -> None:
    small_definition["steps"].insert(
        0,
        {
            "key": "js",
            "type": "hard_rules",
            "node": {"type": "functionNode", "content": {"source": "while(1){}"}},
        },
    )
    assert any("functionNode is not allowed" in p for p in _problems(small_definition))


def test_an_action_outside_decline_and_manual_review_is_refused(
    small_definition: dict[str, Any],
) -> None:
    small_definition["steps"][0]["table"]["rules"][0]["o2"] = '"approve"'
    assert _problems(small_definition)[0].startswith("step hard, row 1, column action:")


def test_the_shipped_strategy_is_valid_strictly(definition: dict[str, Any]) -> None:
    check_definition(definition, strict=True)


def test_a_good_applicant_is_approved_with_limit_tier_score_and_full_trace(
    definition: dict[str, Any], card: dict[str, Any]
) -> None:
    output = CompiledStrategy(definition, cards={0: card}).evaluate(GOOD)
    assert output["outcome"] == "approve"
    assert output["limit"] == "45000.00"
    assert output["pricing_tier"] == "B"
    assert output["score"] == "609.7"
    assert len(output["score_points"]) == 10
    assert output["reason_codes"] == output["score_reason_codes"][:4]
    hard = [r for r in output["rule_results"] if r["step"] == "hard_rules"]
    assert len(hard) == 16
    assert not any(r["hit"] for r in hard)
    assert output["rule_results"][-1] == {
        "step": "matrix",
        "rule_id": "M03_B",
        "hit": True,
        "outputs": {"outcome": "approve", "limit": 45000, "pricing_tier": "B"},
    }


def test_hard_rule_hits_decline_and_lead_the_reason_codes(
    definition: dict[str, Any], card: dict[str, Any]
) -> None:
    output = CompiledStrategy(definition, cards={0: card}).evaluate(
        {**GOOD, "blacklist_hit": True, "age": 60}
    )
    assert output["outcome"] == "decline"
    assert output["limit"] is None
    assert output["reason_codes"][:2] == ["BLACKLIST_HIT", "AGE_OUT_OF_RANGE"]
    hits = [r["rule_id"] for r in output["rule_results"] if r["hit"] and r["step"] == "hard_rules"]
    assert hits == ["H01_BLACKLIST", "H03_AGE"]


def test_a_missing_input_marked_manual_review_gives_data_incomplete_not_a_crash(
    definition: dict[str, Any], card: dict[str, Any]
) -> None:
    output = CompiledStrategy(definition, cards={0: card}).evaluate(
        {**GOOD, "monthly_income": None}
    )
    assert output["outcome"] == "manual_review"
    assert output["reason_codes"][0] == DATA_INCOMPLETE
    assert output["missing"] == ["monthly_income"]


def test_a_missing_input_marked_reject_names_the_field(
    definition: dict[str, Any], card: dict[str, Any]
) -> None:
    raw = {k: v for k, v in GOOD.items() if k != "requested_amount"}
    with pytest.raises(InputRejected) as caught:
        CompiledStrategy(definition, cards={0: card}).evaluate(raw)
    assert caught.value.field == "requested_amount"


def test_a_wrongly_typed_input_is_rejected_naming_the_field(
    small_definition: dict[str, Any],
) -> None:
    with pytest.raises(InputRejected) as caught:
        CompiledStrategy(small_definition, cards={}).evaluate({"age": "old", "income": 1})
    assert caught.value.field == "age"


def test_the_optional_scorecard_is_skipped_when_its_card_is_absent(
    definition: dict[str, Any],
) -> None:
    output = CompiledStrategy(definition, cards={}).evaluate(GOOD)
    assert output["score"] is None
    assert output["outcome"] == "manual_review"
    assert "NO_SCORE" in output["reason_codes"]


def test_a_scorecard_reading_a_derived_feature_runs_in_two_graphs(
    small_definition: dict[str, Any], card: dict[str, Any]
) -> None:
    card = copy.deepcopy(card)
    card["variables"][0]["name"] = "double_age"
    small_definition["steps"].insert(
        0,
        {
            "key": "features",
            "type": "expressions",
            "expressions": [{"key": "double_age", "value": "age * 2"}],
        },
    )
    small_definition["steps"].insert(
        2, {"key": "score", "type": "scorecard", "scorecard_version": 1}
    )
    compiled = CompiledStrategy(small_definition, cards={1: card})
    assert [s.key for s in compiled.segments] == ["before", "after"]
    output = compiled.evaluate({"age": 30, "income": 20000})
    assert output["features"] == {"double_age": 60}
    assert output["score_points"]["double_age"] == "52"  # 60 falls in the [50, inf) bin
    assert output["outcome"] == "approve"
    assert output["limit"] == "60000.00"


def test_numbers_are_written_as_exact_decimal_text() -> None:
    assert decimal_text(0.1 + 0.2) == "0.30000000000000004"
    assert decimal_text(1e-7) == "0.0000001"
    assert decimal_text(600.0) == "600"
    assert money(1234.565) == "1234.57"
    assert money("8000") == "8000.00"


def test_the_diff_lists_rows_added_removed_and_changed_per_step(
    small_definition: dict[str, Any],
) -> None:
    new = copy.deepcopy(small_definition)
    rules = new["steps"][0]["table"]["rules"]
    rules[0]["c1"] = "< 20"
    rules.append({"_id": "AGE2", "c1": "> 60", "o1": '"OLD"', "o2": '"decline"'})
    del new["steps"][1]["table"]["rules"][1]
    diff = diff_definitions(small_definition, new)
    hard, matrix = diff["steps"]
    assert hard["rows"] == {
        "added": ["AGE2"],
        "removed": [],
        "changed": [
            {"rule_id": "AGE", "cells": [{"column": "age", "old": "< 22, > 55", "new": "< 20"}]}
        ],
    }
    assert matrix["rows"]["removed"] == ["OTHER"]


def test_the_challenger_share_holds_within_one_percent_over_100000_customers() -> None:
    share = Decimal("0.3")
    keys = [f"subject-{n}" for n in range(100_000)]
    chosen = [is_challenger(key, "prescreen", share) for key in keys]
    assert abs(sum(chosen) / len(keys) - 0.3) < 0.01
    assert chosen == [is_challenger(key, "prescreen", share) for key in keys]
    assert not any(is_challenger(key, "prescreen", Decimal(0)) for key in keys[:1000])
    assert all(is_challenger(key, "prescreen", Decimal(1)) for key in keys[:1000])
