"""Strategy evaluations per second in one process, with the full trace kept.

    .venv/bin/python benchmarks/decision_eval.py --decisions 20000

Evaluates the shipped default strategy (16 hard rules in one collect table, 2 derived
features, the 10-variable demo scorecard, an 8-row decision matrix) three ways in the same
run: the engine (every cell compiled by zen once, the tables walked in Python), the engine's
reference (one zen graph evaluation per decision), and the same rules, features, scorecard and
matrix written as plain Python (the ratio). Every decision is compared: the engine's complete
output with the reference's, and outcome, limit, tier, reasons and score with plain Python.
It also reports where the reference's time goes (zen call alone with the same input, scorer
alone) and zen's evaluate_batch over the same graph.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendcrm.config.settings")
import django

django.setup()

import zen  # noqa: E402

from lendcrm.decisions.engine import CompiledStrategy  # noqa: E402
from lendcrm.decisions.engine.compiled import decimal_text  # noqa: E402
from lendcrm.decisions.engine.jdm import build_graph  # noqa: E402
from lendcrm.decisions.seeding import default_definition, load_data  # noqa: E402
from lendcrm.scoring.scorer import Scorer  # noqa: E402

SERVED = frozenset(
    [
        "北京市",
        "上海市",
        "天津市",
        "重庆市",
        "广东省",
        "浙江省",
        "江苏省",
        "四川省",
        "湖北省",
        "山东省",
        "福建省",
        "河南省",
        "湖南省",
        "安徽省",
        "陕西省",
    ]
)


def applicants(count: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    provinces = [*sorted(SERVED), "青海省", "云南省"]
    rows = []
    for _ in range(count):
        income = rng.choice([2800, 4500, 6000, 8000, 12000, 15000, 22000, 40000])
        rows.append(
            {
                "age": rng.randint(19, 60),
                "province": rng.choice(provinces),
                "monthly_income": income,
                "employment_years": rng.randint(0, 15),
                "education": rng.choice(["master", "bachelor", "college", "high_school"]),
                "housing": rng.choice(["owned", "mortgaged", "rented", "family"]),
                "identity_verified": rng.random() > 0.03,
                "requested_amount": rng.choice([10000, 30000, 60000, 100000]),
                "blacklist_hit": rng.random() < 0.02,
                "graylist_hit": rng.random() < 0.03,
                "ml_applications_7d": rng.choice([0, 0, 0, 1, 2, 5]),
                "ml_applications_6m": rng.choice([0, 1, 2, 3, 5, 8, 11]),
                "ml_platforms_6m": rng.choice([0, 1, 2, 3, 5, 9]),
                "bureau_overdue_24m": rng.choice([0, 0, 0, 1, 2, 7]),
                "bureau_current_overdue": rng.choice([0] * 19 + [500]),
                "bureau_inquiries_1m": rng.choice([0, 0, 1, 2, 4]),
                "bureau_inquiries_3m": rng.choice([0, 1, 2, 4, 9]),
                "bureau_inquiries_6m": rng.choice([1, 3, 6, 10, 16]),
                "bureau_card_count": rng.randint(0, 7),
                "bureau_card_limit": rng.choice([0, 20000, 50000, 120000]),
                "bureau_loan_balance": rng.choice([0, 20000, 80000, 300000]),
            }
        )
    return rows


HARD_RULES: list[tuple[str, str, str, Callable[[dict[str, Any]], bool]]] = [
    ("H01_BLACKLIST", "BLACKLIST_HIT", "decline", lambda x: x["blacklist_hit"] is True),
    ("H02_GRAYLIST", "GRAYLIST_HIT", "manual_review", lambda x: x["graylist_hit"] is True),
    ("H03_AGE", "AGE_OUT_OF_RANGE", "decline", lambda x: x["age"] < 22 or x["age"] > 55),
    ("H04_REGION", "REGION_NOT_SERVED", "decline", lambda x: x["province"] not in SERVED),
    ("H05_ML_7D", "MULTI_LENDING_7D", "decline", lambda x: x["ml_applications_7d"] >= 5),
    ("H06_ML_PLATFORMS", "MULTI_LENDING_PLATFORMS", "decline", lambda x: x["ml_platforms_6m"] >= 8),
    ("H07_ML_6M", "MULTI_LENDING_6M", "manual_review", lambda x: x["ml_applications_6m"] >= 10),
    ("H08_OVERDUE_24M", "BUREAU_OVERDUE_24M", "decline", lambda x: x["bureau_overdue_24m"] >= 6),
    (
        "H09_CURRENT_OVERDUE",
        "BUREAU_CURRENT_OVERDUE",
        "decline",
        lambda x: x["bureau_current_overdue"] > 0,
    ),
    ("H10_INQUIRIES_1M", "BUREAU_INQUIRIES_1M", "decline", lambda x: x["bureau_inquiries_1m"] >= 4),
    (
        "H11_INQUIRIES_3M",
        "BUREAU_INQUIRIES_3M",
        "manual_review",
        lambda x: x["bureau_inquiries_3m"] >= 8,
    ),
    (
        "H12_INQUIRIES_6M",
        "BUREAU_INQUIRIES_6M",
        "decline",
        lambda x: x["bureau_inquiries_6m"] >= 15,
    ),
    ("H13_INCOME", "INCOME_TOO_LOW", "decline", lambda x: x["monthly_income"] < 3000),
    ("H14_IDENTITY", "IDENTITY_NOT_VERIFIED", "decline", lambda x: x["identity_verified"] is False),
    ("H15_DTI", "DEBT_TO_INCOME_HIGH", "manual_review", lambda x: x["debt_to_income"] > 0.7),
    (
        "H16_AMOUNT",
        "AMOUNT_TO_INCOME_HIGH",
        "manual_review",
        lambda x: x["requested_amount"] > x["monthly_income"] * 20,
    ),
]


def plain_python(scorer: Scorer) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The same strategy hand-written (complete inputs only), with the same trace."""

    def evaluate(x: dict[str, Any]) -> dict[str, Any]:
        income = x["monthly_income"]
        x = {
            **x,
            "debt_to_income": x["bureau_loan_balance"] / (income * 12),
            "card_limit_to_income": x["bureau_card_limit"] / income,
        }
        results, declines, reviews = [], [], []
        for rule_id, code, action, test in HARD_RULES:
            hit = test(x)
            results.append(
                {
                    "step": "hard_rules",
                    "rule_id": rule_id,
                    "hit": hit,
                    "outputs": {"reason_code": code, "action": action} if hit else {},
                }
            )
            if hit:
                (declines if action == "decline" else reviews).append(code)
        scored = scorer.score_row(x)
        # zen reads a float as a decimal of about 16 digits: a sum of card points such as
        # 569.9999999999999 is 570 to the matrix, so it is compared rounded here too
        s = round(scored.score, 9)
        ml, amount = x["ml_applications_6m"], x["requested_amount"]
        if s >= 640:
            row = (
                ("M01_A", "approve", min(amount, income * 8), "A")
                if ml <= 2
                else ("M02_B", "approve", min(amount, income * 6), "B")
            )
        elif s >= 600:
            row = (
                ("M03_B", "approve", min(amount, income * 5), "B")
                if ml <= 2
                else ("M04_C", "approve", min(amount, income * 3), "C")
            )
        elif s >= 570:
            row = ("M05_C", "approve", min(amount, income * 2), "C")
        elif s >= 540:
            row = ("M06_REVIEW", "manual_review", None, "", "SCORE_BORDERLINE")
        else:
            row = ("M07_DECLINE", "decline", None, "", "SCORE_TOO_LOW")
        results.append(
            {"step": "matrix", "rule_id": row[0], "hit": True, "outputs": {"outcome": row[1]}}
        )
        outcome = "decline" if declines else ("manual_review" if reviews else "approve")
        if {"approve": 0, "manual_review": 1, "decline": 2}[row[1]] > (
            {"approve": 0, "manual_review": 1, "decline": 2}[outcome]
        ):
            outcome = row[1]
        limit = None
        if outcome == "approve":
            limit = str(Decimal(row[2]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        return {
            "outcome": outcome,
            "limit": limit,
            "pricing_tier": row[3] if outcome == "approve" else "",
            "reason_codes": list(
                dict.fromkeys([*declines, *reviews, *row[4:], *scored.reason_codes])
            )[:4],
            "rule_results": results,
            "score": decimal_text(scored.score),
            "score_points": {k: decimal_text(v) for k, v in scored.points.items()},
        }

    return evaluate


COMPARED = ("outcome", "limit", "pricing_tier", "reason_codes", "score", "score_points")


def rate(function: Callable[[dict[str, Any]], Any], rows: list[dict[str, Any]]) -> float:
    best = 0.0
    for _ in range(3):
        started = time.perf_counter()
        for row in rows:
            function(row)
        best = max(best, len(rows) / (time.perf_counter() - started))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=20_000)
    args = parser.parse_args()
    card = load_data("demo_scorecard.json")
    compiled = CompiledStrategy(default_definition(0), cards={0: card})
    graph = CompiledStrategy(default_definition(0), cards={0: card}, reference=True)
    hand_written = plain_python(Scorer(card))
    rows = applicants(args.decisions)

    differ_graph = differ_plain = 0
    for row in rows:
        engine_out, graph_out, plain_out = (
            compiled.evaluate(row),
            graph.evaluate(row),
            hand_written(row),
        )
        differ_graph += engine_out != graph_out
        differ_plain += any(engine_out[k] != plain_out[k] for k in COMPARED)
    total = len(rows)
    print(f"engine and zen graph agree (whole output) on {total - differ_graph}/{total} decisions")
    print(f"engine and plain Python agree on {total - differ_plain}/{total} decisions")

    engine_rate = rate(compiled.evaluate, rows)
    graph_rate = rate(graph.evaluate, rows)
    plain_rate = rate(hand_written, rows)
    contexts = [dict(compiled.prepare_inputs(r)[0], score=600.5) for r in rows]
    engine, key = graph._engine, graph.segments[0].key
    zen_rate = rate(lambda c: engine.evaluate(key, c), contexts)
    scorer_rate = rate(compiled.scorer.score_row if compiled.scorer else len, contexts)
    empty = zen.ZenDecisionContent(build_graph([]))
    bare = zen.ZenEngine({"loader": lambda _key: empty})
    bare_rate = rate(lambda c: bare.evaluate("empty", c), contexts)
    batch = [{"key": key, "context": c} for c in contexts]
    started = time.perf_counter()
    for i in range(0, len(batch), 500):
        engine.evaluate_batch(batch[i : i + 500])
    batch_rate = len(batch) / (time.perf_counter() - started)
    for label, value in (
        ("engine (zen per cell + scorer + trace):", engine_rate),
        ("reference (zen graph + scorer + trace):", graph_rate),
        ("plain Python, same rules and trace:    ", plain_rate),
    ):
        print(f"{label} {value:,.0f} decisions/s, {1e6 / value:.1f} µs each")
    print(f"engine / plain Python: {engine_rate / plain_rate:.2f}x")
    print(f"reference / plain Python: {graph_rate / plain_rate:.2f}x")
    print(f"  zen graph evaluation alone (one call, all tables): {1e6 / zen_rate:.1f} µs")
    print(f"  zen call on an empty graph, same input (fixed cost): {1e6 / bare_rate:.1f} µs")
    print(f"  zen evaluate_batch, 500 per call: {1e6 / batch_rate:.1f} µs per decision")
    print(f"  scorecard alone: {1e6 / scorer_rate:.1f} µs")
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
