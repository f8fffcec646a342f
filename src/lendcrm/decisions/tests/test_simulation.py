"""Simulation summaries against small cases computed by hand."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from lendcrm.decisions.simulation import (
    CaseResult,
    evaluate_cases,
    load_job,
    read_cases,
    save_job,
    summarise,
)

# (live outcome, candidate outcome, bad) for ten cases; the last one fails to evaluate.
TEN = [
    ("approve", "approve", False),
    ("approve", "approve", True),
    ("approve", "decline", True),
    ("approve", "manual_review", False),
    ("decline", "approve", None),
    ("decline", "decline", None),
    ("manual_review", "approve", None),
    ("manual_review", "manual_review", False),
    ("approve", "approve", False),
]


def test_ten_cases_give_the_hand_computed_rates_swaps_and_bad_rates() -> None:
    results = [CaseResult(i + 1, live, new, bad) for i, (live, new, bad) in enumerate(TEN)]
    results.append(CaseResult(10, None, None, None, error="age: 缺失"))

    summary = summarise(results)

    assert (summary["total"], summary["evaluated"], summary["error_count"]) == (10, 9, 1)
    assert summary["errors"] == [{"row": 10, "message": "age: 缺失"}]
    assert {o: v["count"] for o, v in summary["candidate"].items()} == {
        "approve": 5,
        "manual_review": 2,
        "decline": 2,
    }
    assert summary["candidate"]["approve"]["rate"] == 0.5556
    assert summary["candidate"]["decline"]["rate"] == 0.2222
    assert {o: v["count"] for o, v in summary["live"].items()} == {
        "approve": 5,
        "manual_review": 2,
        "decline": 2,
    }
    assert summary["matrix"]["approve"] == {"approve": 2 + 1, "manual_review": 1, "decline": 1}
    assert (summary["swap_in"], summary["swap_out"]) == (2, 2)
    assert summary["bad_rates"]["approve"]["approve"] == {"known": 3, "bad": 1, "rate": 0.3333}
    assert summary["bad_rates"]["approve"]["decline"] == {"known": 1, "bad": 1, "rate": 1.0}
    assert summary["bad_rates"]["decline"]["approve"] == {"known": 0, "bad": 0, "rate": None}
    assert summary["with_outcome"] == 6


def _new_rule(inputs: Mapping[str, Any]) -> str:
    if inputs["age"] < 22:
        return "decline"
    return "approve" if inputs["income"] >= 5000 else "manual_review"


def _live_rule(inputs: Mapping[str, Any]) -> str:
    return "approve" if inputs["income"] >= 8000 else "decline"


def test_a_csv_file_is_read_typed_and_evaluated(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(
        "age,income,bad\n30,9000,0\n20,9000,1\n40,6000,\n25,3000,\n50,12000,1\n,5000,\n",
        encoding="utf-8",
    )
    types = {"age": "number", "income": "number"}

    cases = read_cases(path, types)
    summary = summarise(evaluate_cases(cases, candidate=_new_rule, live=_live_rule))

    assert cases[0].inputs == {"age": 30, "income": 9000}
    assert cases[0].bad is False
    assert cases[2].bad is None
    # row 6 has no age: the candidate raises KeyError and the row is counted as an error
    assert (summary["evaluated"], summary["error_count"]) == (5, 1)
    assert {o: v["count"] for o, v in summary["candidate"].items()} == {
        "approve": 3,
        "manual_review": 1,
        "decline": 1,
    }
    assert summary["matrix"]["approve"] == {"approve": 2, "manual_review": 0, "decline": 1}
    assert summary["matrix"]["decline"] == {"approve": 1, "manual_review": 1, "decline": 0}
    assert (summary["swap_in"], summary["swap_out"]) == (1, 1)
    assert summary["bad_rates"]["approve"]["decline"]["rate"] == 1.0
    assert summary["bad_rates"]["approve"]["approve"] == {"known": 2, "bad": 1, "rate": 0.5}


def test_a_parquet_file_is_read(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    path = tmp_path / "cases.parquet"
    pq.write_table(pa.table({"age": [30, 21], "income": [5000.0, 9000.5]}), path)

    cases = read_cases(path, {"age": "number", "income": "number"})

    assert [c.inputs for c in cases] == [{"age": 30, "income": 5000}, {"age": 21, "income": 9000.5}]


def test_job_state_is_saved_and_loaded(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path

    save_job("abc123", {"status": "running", "done": 5})

    assert load_job("abc123") == {"status": "running", "done": 5}
    assert load_job("missing") is None
    assert load_job("../etc") is None
