from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lendcrm.scoring.scorer import Scorer
from lendcrm.scoring.tests.applicant_data import generate_applicants


def test_train_prints_one_json_report_and_score_adds_score_and_reason_codes(tmp_path: Path) -> None:
    applicants = generate_applicants(2000, seed=5)
    applicants["status"] = applicants.pop("is_bad").map({1: "default", 0: "paid"})
    source = tmp_path / "applicants.parquet"
    applicants.to_parquet(source)
    card_path = tmp_path / "card.json"
    out = io.StringIO()
    call_command(
        "scorecard",
        "train",
        "--input",
        str(source),
        "--target",
        "status",
        "--bad-value",
        "default",
        "--exclude",
        "applicant_id",
        "--special",
        "-999",
        "--out",
        str(card_path),
        "--pdo",
        "40",
        stdout=out,
    )
    report = json.loads(out.getvalue())
    assert set(report) >= {"train", "test", "variables", "rows"}
    assert report["test"]["auc"] > 0.6
    card = json.loads(card_path.read_text(encoding="utf-8"))
    assert card["scaling"]["pdo"] == 40
    assert card["special_codes"] == [-999.0]

    scored_path = tmp_path / "scored.csv"
    applicants.head(50).to_csv(tmp_path / "some.csv", index=False)
    call_command(
        "scorecard",
        "score",
        "--model",
        str(card_path),
        "--input",
        str(tmp_path / "some.csv"),
        "--out",
        str(scored_path),
        stdout=io.StringIO(),
    )
    scored = pd.read_csv(scored_path)
    assert list(scored.columns[-2:]) == ["score", "reason_codes"]
    first = Scorer(card).score_row(applicants.iloc[0].to_dict())
    assert scored.loc[0, "score"] == pytest.approx(first.score, abs=1e-9)
    assert scored.loc[0, "reason_codes"] == ";".join(first.reason_codes)


def test_train_refuses_an_unknown_file_type(tmp_path: Path) -> None:
    source = tmp_path / "applicants.xlsx"
    source.write_text("x")
    with pytest.raises(CommandError, match=r"csv or \.parquet"):
        call_command(
            "scorecard",
            "train",
            "--input",
            str(source),
            "--target",
            "y",
            "--out",
            str(tmp_path / "c.json"),
        )


def test_score_refuses_a_file_that_is_not_a_card(tmp_path: Path) -> None:
    model = tmp_path / "card.json"
    model.write_text('{"format": "something-else"}')
    with pytest.raises(CommandError, match="not a lendcrm-scorecard"):
        call_command(
            "scorecard",
            "score",
            "--model",
            str(model),
            "--input",
            str(tmp_path / "x.csv"),
            "--out",
            str(tmp_path / "o.csv"),
        )


@pytest.mark.django_db
def test_register_adds_a_card_to_the_registry_as_a_draft(
    tmp_path: Path, card: dict[str, object]
) -> None:
    from lendcrm.scoring.models import ScorecardVersion
    from lendcrm.scoring.tests.factories import make_user

    maker = make_user()
    model = tmp_path / "card.json"
    model.write_text(json.dumps(card), encoding="utf-8")
    out = io.StringIO()
    call_command(
        "scorecard",
        "register",
        "--model",
        str(model),
        "--name",
        "申请评分卡A",
        "--by",
        maker.username,
        stdout=out,
    )
    version = ScorecardVersion.objects.get(pk=json.loads(out.getvalue())["id"])
    assert (version.number, version.status, version.created_by) == (1, "draft", maker)
    with pytest.raises(CommandError, match="no user"):
        call_command(
            "scorecard", "register", "--model", str(model), "--name", "x", "--by", "nobody"
        )
