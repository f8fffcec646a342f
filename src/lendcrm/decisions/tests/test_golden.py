"""Golden files: for every strategy shipped in the repository, inputs → expected outputs.

An engine upgrade or swap that changes any decision, trace entry, score or limit fails here.
Regenerate deliberately with LENDCRM_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

import pytest

from lendcrm.decisions.engine import CompiledStrategy
from lendcrm.decisions.seeding import default_definition, load_data

GOLDEN = Path(__file__).parent / "golden"
SHIPPED = {"default_strategy": lambda: default_definition(0)}


BASE: dict[str, Any] = {
    "age": 35,
    "province": "北京市",
    "monthly_income": 15000,
    "employment_years": 6,
    "education": "bachelor",
    "housing": "owned",
    "identity_verified": True,
    "requested_amount": 60000,
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
VARIANTS: dict[str, list[Any]] = {
    "age": [19, 22, 28, 47, 55, 58, None],
    "province": ["广东省", "青海省", "上海市", None],
    "monthly_income": [2500, 4200.5, 8000, 42000, None],
    "employment_years": [0, 2, 12, None],
    "education": ["master", "college", "junior_high", "phd", None],
    "housing": ["rented", "family", "dormitory", None],
    "identity_verified": [False],
    "requested_amount": [5000, 30000, 500000],
    "blacklist_hit": [True],
    "graylist_hit": [True],
    "ml_applications_7d": [2, 5, None],
    "ml_applications_6m": [3, 6, 11],
    "ml_platforms_6m": [4, 9],
    "bureau_overdue_24m": [1, 3, 7],
    "bureau_current_overdue": [350.25],
    "bureau_inquiries_1m": [2, 4],
    "bureau_inquiries_3m": [4, 9],
    "bureau_inquiries_6m": [8, 16],
    "bureau_card_count": [0, 5, None],
    "bureau_card_limit": [0, 80000],
    "bureau_loan_balance": [0, 250000, "120000.50", None],
}


def _cases(count: int = 80) -> list[dict[str, Any]]:
    """The clean applicant, then that applicant with one to four fields changed."""
    rng = random.Random(20261123)  # reproducible test data
    cases = [dict(BASE)]
    names = sorted(VARIANTS)
    for _ in range(count - 1):
        case = dict(BASE)
        for name in rng.sample(names, rng.randint(1, 4)):
            case[name] = rng.choice(VARIANTS[name])
        cases.append(case)
    return cases


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_the_shipped_strategy_matches_its_golden_file(name: str) -> None:
    compiled = CompiledStrategy(SHIPPED[name](), cards={0: load_data("demo_scorecard.json")})
    path = GOLDEN / f"{name}.json"
    if os.environ.get("LENDCRM_UPDATE_GOLDEN") == "1":
        cases = [{"input": c, "output": compiled.evaluate(c)} for c in _cases()]
        path.write_text(json.dumps(cases, ensure_ascii=False, indent=1) + "\n", "utf-8")
    cases = json.loads(path.read_text("utf-8"))
    assert len({c["output"]["outcome"] for c in cases}) == 3
    for number, case in enumerate(cases):
        assert compiled.evaluate(case["input"]) == case["output"], f"case {number}"


def test_every_shipped_strategy_has_a_golden_file() -> None:
    shipped = {p.stem for p in (Path(__file__).parents[1] / "data").glob("*_strategy.json")}
    assert shipped == set(SHIPPED)
    assert {p.stem for p in GOLDEN.glob("*.json")} == shipped
