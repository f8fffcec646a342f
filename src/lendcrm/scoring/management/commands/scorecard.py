"""`lendcrm scorecard train|score`: train a card from a file, or score a file with a card."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lendcrm.scoring.card import CardError


class Command(BaseCommand):
    help = (
        "Scorecards: `lendcrm scorecard train --input FILE --target COL --out MODEL.json` "
        "prints the fit as JSON; `lendcrm scorecard score --model MODEL.json --input FILE "
        "--out FILE.csv` adds score and reason_codes columns; `register` adds a card to the "
        "registry as a draft."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        train = actions.add_parser("train", help="train a scorecard (CSV or Parquet input)")
        train.add_argument("--input", required=True)
        train.add_argument("--target", required=True, help="1 = bad, 0 = good")
        train.add_argument("--bad-value", help="target value meaning bad (instead of 1/0)")
        train.add_argument("--exclude", nargs="+", default=[], metavar="COL")
        train.add_argument(
            "--special",
            nargs="+",
            type=float,
            default=[],
            metavar="VALUE",
            help="numeric codes binned apart as Special, e.g. -999",
        )
        train.add_argument("--out", required=True)
        train.add_argument("--name", default="")
        train.add_argument("--base-score", type=float, default=600.0)
        train.add_argument("--base-odds", type=float, default=50.0, help="good:bad odds at base")
        train.add_argument("--pdo", type=float, default=20.0, help="points to double the odds")
        train.add_argument("--test-size", type=float, default=0.3)
        train.add_argument("--seed", type=int, default=42)
        train.add_argument(
            "--monotonic-trend",
            default="auto_asc_desc",
            help="optbinning trend for numeric variables (auto_asc_desc, auto, ascending, ...)",
        )
        score = actions.add_parser("score", help="score a file with a card")
        score.add_argument("--model", required=True)
        score.add_argument("--input", required=True)
        score.add_argument("--out", required=True)
        register = actions.add_parser("register", help="add a card to the registry as a draft")
        register.add_argument("--model", required=True, help="the card (MODEL.json)")
        register.add_argument("--name", required=True, help="scorecard name, e.g. 申请评分卡A")
        register.add_argument("--by", required=True, help="user name of the maker")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "train":
            self._train(options)
        elif options["action"] == "register":
            self._register(options)
        else:
            self._score(options)

    def _register(self, options: dict[str, Any]) -> None:
        from django.contrib.auth import get_user_model

        from lendcrm.core.errors import DomainError
        from lendcrm.scoring.services import register_version

        user = get_user_model().objects.filter(username=options["by"]).first()
        if user is None:
            raise CommandError(f"--by: no user {options['by']!r}")
        try:
            card = json.loads(Path(options["model"]).read_text(encoding="utf-8"))
            version = register_version(model_name=options["name"], card=card, acting_user=user)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(json.dumps({"id": version.pk, "version": version.number}))

    def _train(self, options: dict[str, Any]) -> None:
        from lendcrm.scoring.training import (
            TrainingError,
            TrainingOptions,
            read_table,
            train_scorecard,
        )

        settings = TrainingOptions(
            target=options["target"],
            bad_value=options["bad_value"],
            exclude=tuple(options["exclude"]),
            special_codes=tuple(options["special"]),
            base_score=options["base_score"],
            base_odds=options["base_odds"],
            pdo=options["pdo"],
            test_size=options["test_size"],
            seed=options["seed"],
            monotonic_trend=options["monotonic_trend"],
            name=options["name"] or Path(options["out"]).stem,
        )
        try:
            frame = read_table(options["input"])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = train_scorecard(frame, settings)
        except (TrainingError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        Path(options["out"]).write_text(
            json.dumps(result.card, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        self.stdout.write(json.dumps({**result.report, "out": options["out"]}, ensure_ascii=False))

    def _score(self, options: dict[str, Any]) -> None:
        from lendcrm.scoring.scorer import Scorer, score_frame
        from lendcrm.scoring.training import TrainingError, read_table

        try:
            card = json.loads(Path(options["model"]).read_text(encoding="utf-8"))
            scorer = Scorer(card)
            frame = read_table(options["input"])
            scores, reasons = score_frame(scorer, frame)
        except (CardError, TrainingError, OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        frame = frame.assign(score=scores, reason_codes=reasons)
        frame.to_csv(options["out"], index=False)
        self.stdout.write(json.dumps({"rows": len(frame), "out": options["out"]}))
