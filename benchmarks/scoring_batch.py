"""Scorecard scoring speed: lendcrm's own scorer against optbinning's Scorecard.score().

    .venv/bin/python benchmarks/scoring_batch.py [--rows 1000000] [--train-rows 5000]

One process. Trains a card on --train-rows generated applicants (with missing values, special
incomes and, in the scored rows, unseen categories), then times: a batch of --rows rows
(vectorised scorer, best of --repeat; then once more with reason codes), one row at a time (plain-Python scorer), and
optbinning's score() on the same rows, and checks that both give identical scores.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from lendcrm.scoring.scorer import Scorer, score_frame
from lendcrm.scoring.tests.applicant_data import SPECIAL_INCOME, generate_applicants
from lendcrm.scoring.training import TrainingOptions, train_scorecard


def best_of(repeat: int, run: Callable[[], Any]) -> tuple[float, Any]:
    timings, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        timings.append(time.perf_counter() - start)
    return min(timings), result


def scored_rows(rows: int, seed: int) -> pd.DataFrame:
    frame = generate_applicants(rows, seed=seed).drop(columns=["applicant_id", "is_bad"])
    unseen = np.random.default_rng(seed).random(rows) < 0.01
    frame.loc[unseen, "city_tier"] = "五线"
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--train-rows", type=int, default=5000)
    parser.add_argument("--single-rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args()

    training = generate_applicants(args.train_rows, seed=args.seed).drop(columns=["applicant_id"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = train_scorecard(
            training, TrainingOptions(target="is_bad", special_codes=(SPECIAL_INCOME,))
        )
    card = json.loads(json.dumps(result.card))
    scorer = Scorer(card)
    frame = scored_rows(args.rows, args.seed + 1)
    columns = {name: frame[name].to_numpy() for name in scorer.variable_names}

    batch_s, ours = best_of(args.repeat, lambda: scorer.score_batch(columns))
    reasons_s, _ = best_of(1, lambda: score_frame(scorer, frame))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref_s, reference = best_of(1, lambda: result.model.score(frame))
    records = frame.head(args.single_rows).to_dict("records")
    row_s, _ = best_of(args.repeat, lambda: [scorer.score_row(r) for r in records])
    sample = [frame.iloc[[i]] for i in range(200)]
    ref_row_s, _ = best_of(1, lambda: [result.model.score(one) for one in sample])

    per_row_us = row_s / len(records) * 1e6
    ref_per_row_us = ref_row_s / len(sample) * 1e6
    figures = {
        "rows": args.rows,
        "variables": len(scorer.variables),
        "identical_to_optbinning": bool(np.array_equal(ours, reference)),
        "batch_seconds": round(batch_s, 4),
        "batch_rows_per_second": round(args.rows / batch_s),
        "batch_with_reason_codes_rows_per_second": round(args.rows / reasons_s),
        "optbinning_batch_seconds": round(ref_s, 4),
        "batch_speedup_vs_optbinning": round(ref_s / batch_s, 1),
        "single_row_microseconds_with_reason_codes": round(per_row_us, 2),
        "optbinning_single_row_microseconds": round(ref_per_row_us, 1),
        "single_row_speedup_vs_optbinning": round(ref_per_row_us / per_row_us, 1),
    }
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
