"""Backtests through the real engine: ten applicants whose outcomes are computed by hand, from a
file (command and page) and from the decisions already made."""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from lendcrm.decisions import services
from lendcrm.decisions.models import StrategyVersion
from lendcrm.decisions.tests.test_views import DEFINITION, make_user, signed_in
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User

pytestmark = pytest.mark.django_db

# v1 (live) declines under 22; v2 declines under 25. The matrix approves income ≥ 8000 with
# dti < 0.5, reviews income in [3000, 8000), declines the rest; both decline over 60.
#   row  age income debt bad   v1              v2
CASES = """age,monthly_income,monthly_debt,bad
30,9000,1000,0
23,9000,1000,1
24,10000,2000,0
21,9000,1000,
40,5000,1000,0
45,2000,100,
65,12000,1000,
35,8000,5000,
50,20000,2000,1
23,4000,500,
"""
#    1 approve → approve (good)       6 decline → decline
#    2 approve → decline (bad)        7 decline → decline (over 60)
#    3 approve → decline (good)       8 decline → decline (dti 0.625, income not < 8000)
#    4 decline → decline              9 approve → approve (bad)
#    5 review  → review  (good)      10 review  → decline


@pytest.fixture
def versions(tmp_path: Path, settings: Any) -> tuple[StrategyVersion, StrategyVersion, User]:
    settings.DATA_DIR = tmp_path
    author, checker = make_user(Role.RISK_ANALYST), make_user(Role.RISK_ANALYST)
    strategy = services.create_strategy(code="backtest", name="回测", acting_user=author)
    live = services.create_draft(strategy, definition=copy.deepcopy(DEFINITION), acting_user=author)
    services.submit_version(live, acting_user=author)
    services.approve_version(live, acting_user=checker)
    services.publish_version(live, acting_user=checker)
    changed = copy.deepcopy(DEFINITION)
    changed["steps"][0]["table"]["rules"][0]["c_age"] = "< 25"
    candidate = services.create_draft(strategy, definition=changed, acting_user=author)
    return live, candidate, author


def _check_hand_computed(summary: dict[str, Any]) -> None:
    assert (summary["total"], summary["evaluated"], summary["error_count"]) == (10, 10, 0)
    counts = {o: v["count"] for o, v in summary["candidate"].items()}
    assert counts == {"approve": 2, "manual_review": 1, "decline": 7}
    assert {o: v["rate"] for o, v in summary["live"].items()} == {
        "approve": 0.4,
        "manual_review": 0.2,
        "decline": 0.4,
    }
    assert summary["matrix"] == {
        "approve": {"approve": 2, "manual_review": 0, "decline": 2},
        "manual_review": {"approve": 0, "manual_review": 1, "decline": 1},
        "decline": {"approve": 0, "manual_review": 0, "decline": 4},
    }
    assert (summary["swap_in"], summary["swap_out"]) == (0, 2)
    assert summary["bad_rates"]["approve"]["approve"] == {"known": 2, "bad": 1, "rate": 0.5}
    assert summary["bad_rates"]["approve"]["decline"] == {"known": 2, "bad": 1, "rate": 0.5}
    assert summary["bad_rates"]["manual_review"]["manual_review"]["rate"] == 0.0
    assert summary["with_outcome"] == 5


def test_the_command_backtests_a_csv_against_the_live_version(
    versions: tuple[StrategyVersion, StrategyVersion, User], tmp_path: Path
) -> None:
    _live, candidate, _author = versions
    path = tmp_path / "cases.csv"
    path.write_text(CASES, encoding="utf-8")
    out = StringIO()

    call_command(
        "strategy", "simulate", "--strategy", "backtest", "--version",
        str(candidate.number), "--input", str(path), "--json", stdout=out,
    )  # fmt: skip

    summary = json.loads(out.getvalue())
    assert (summary["version"], summary["live_version"]) == (2, 1)
    _check_hand_computed(summary)


def test_the_command_prints_a_text_summary(
    versions: tuple[StrategyVersion, StrategyVersion, User], tmp_path: Path
) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(CASES, encoding="utf-8")
    out = StringIO()

    call_command(
        "strategy", "simulate", "--strategy", "backtest", "--version", "2",
        "--input", str(path), stdout=out,
    )  # fmt: skip

    assert "swap-in 0  swap-out 2" in out.getvalue()
    assert "declined applications have no outcome" in out.getvalue()


def test_the_page_runs_a_simulation_job_and_shows_the_result(
    versions: tuple[StrategyVersion, StrategyVersion, User],
    django_capture_on_commit_callbacks: Any,
    tmp_path: Path,
) -> None:
    live, candidate, author = versions
    client = signed_in(author)
    upload = SimpleUploadedFile("cases.csv", CASES.encode(), content_type="text/csv")
    url = reverse("decisions:simulations", args=[live.strategy_id])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"version": candidate.number, "file": upload})

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    progress = client.get(response["Location"] + "progress/")
    assert 'data-status="completed"' in page
    assert 'data-cell="approve-decline">2' in page
    assert "20.0%" in page  # the candidate's approval rate
    assert "被拒绝的申请没有表现数据" in page
    assert progress.status_code == 200
    assert "hx-trigger" not in progress.content.decode()
    assert list(tmp_path.glob("simulations/*.csv")) == []  # the upload is not kept


def test_a_file_that_is_not_csv_or_parquet_is_refused(
    versions: tuple[StrategyVersion, StrategyVersion, User],
) -> None:
    live, _candidate, author = versions
    upload = SimpleUploadedFile("cases.xlsx", b"x", content_type="application/octet-stream")

    response = signed_in(author).post(
        reverse("decisions:simulations", args=[live.strategy_id]), {"version": 2, "file": upload}
    )

    assert response.status_code == 400
    assert "CSV 或 Parquet" in response.content.decode()


def test_without_a_file_the_decisions_made_are_replayed(
    versions: tuple[StrategyVersion, StrategyVersion, User],
) -> None:
    _live, _candidate, author = versions
    for age in (23, 30, 70):
        payload = {"age": age, "monthly_income": 9000, "monthly_debt": 1000}
        services.pre_screen(acting_user=author, strategy_code="backtest", payload=payload)
    out = StringIO()

    call_command(
        "strategy", "simulate", "--strategy", "backtest", "--version", "2", "--json", stdout=out
    )

    summary = json.loads(out.getvalue())
    assert summary["total"] == 3
    assert summary["matrix"]["approve"] == {"approve": 1, "manual_review": 0, "decline": 1}
    assert summary["matrix"]["decline"]["decline"] == 1
    assert summary["with_outcome"] == 0
