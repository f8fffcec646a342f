"""The champion/challenger report: outcome mix per arm, the swap matrix and bad rates."""

from __future__ import annotations

import copy
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from lendcrm.applications.models import Application
from lendcrm.decisions.choices import DecisionArm, StrategyVersionStatus
from lendcrm.decisions.models import DecisionRecord, Strategy, StrategyVersion
from lendcrm.decisions.reports import champion_challenger_report
from lendcrm.decisions.tests.test_views import DEFINITION, make_user, signed_in
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.loans.choices import LoanStatus
from lendcrm.loans.models import Loan
from lendcrm.loans.tests.factories import make_customer, make_loan, make_product

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)


def _versions(author: User) -> tuple[StrategyVersion, StrategyVersion]:
    strategy = Strategy.objects.create(code="cc-report", name="对比报告", created_by=author)
    champion, challenger = (
        StrategyVersion.objects.create(
            strategy=strategy,
            number=n,
            definition=copy.deepcopy(DEFINITION),
            author=author,
            status=StrategyVersionStatus.PUBLISHED,
        )
        for n in (1, 2)
    )
    return champion, challenger


def _application() -> Application:
    return Application.objects.create(
        application_no=f"APP{next(_seq):06d}",
        customer=make_customer(),
        product=make_product(),
        amount=Decimal("10000.00"),
        term=12,
        repayment_method="equal_installment",
    )


def _record(version: StrategyVersion, app: Application, arm: str, outcome: str) -> None:
    DecisionRecord.objects.create(
        application=app,
        subject_key=f"s{app.pk}",
        strategy_version=version,
        arm=arm,
        applied=arm != DecisionArm.SHADOW,
        outcome=outcome,
        input_snapshot={"inputs": {}},
        output={},
    )


def _loan_for(app: Application, *, dpd: int) -> None:
    loan = make_loan()
    status = LoanStatus.OVERDUE if dpd else LoanStatus.ACTIVE
    Loan.objects.filter(pk=loan.pk).update(application=app, dpd=dpd, status=status)


@pytest.fixture
def shadow_book() -> dict[str, Any]:
    """Four applications decided by the champion and, in shadow, by the challenger:
    approve/approve (loan 45 DPD: bad), approve/decline (loan current: good),
    decline/approve (no loan), manual_review/decline (no loan)."""
    analyst = make_user(Role.RISK_ANALYST)
    champion, challenger = _versions(analyst)
    pairs = [("approve", "approve"), ("approve", "decline"), ("decline", "approve")]
    pairs.append(("manual_review", "decline"))
    apps = [_application() for _pair in pairs]
    for app, (ours, theirs) in zip(apps, pairs, strict=True):
        _record(champion, app, DecisionArm.CHAMPION, ours)
        _record(challenger, app, DecisionArm.SHADOW, theirs)
    _loan_for(apps[0], dpd=45)
    _loan_for(apps[1], dpd=0)
    return {"analyst": analyst, "strategy": champion.strategy}


def test_the_report_counts_outcomes_swaps_and_bad_rates(shadow_book: dict[str, Any]) -> None:
    report = champion_challenger_report(shadow_book["analyst"], shadow_book["strategy"])

    arms = {a["arm"]: a for a in report["arms"]}
    assert arms["champion"]["total"] == 4
    assert arms["champion"]["mix"]["approve"] == {"count": 2, "rate": 0.5}
    assert arms["shadow"]["mix"]["decline"] == {"count": 2, "rate": 0.5}
    assert arms["champion"]["versions"] == [1]
    assert arms["shadow"]["versions"] == [2]
    assert report["matrix"]["approve"] == {"approve": 1, "manual_review": 0, "decline": 1}
    assert report["matrix"]["decline"]["approve"] == 1
    assert report["matrix"]["manual_review"]["decline"] == 1
    assert (report["paired"], report["swap_in"], report["swap_out"]) == (4, 1, 1)
    assert (arms["champion"]["with_outcome"], arms["champion"]["bad"]) == (2, 1)
    assert arms["champion"]["bad_rate"] == 0.5
    assert (arms["shadow"]["with_outcome"], arms["shadow"]["bad_rate"]) == (1, 1.0)
    assert arms["challenger"]["total"] == 0
    assert report["has_outcomes"] is True


def test_the_report_page_shows_the_matrix_and_the_chart_data(shadow_book: dict[str, Any]) -> None:
    url = reverse("decisions:report", args=[shadow_book["strategy"].pk])

    page = signed_in(shadow_book["analyst"]).get(url).content.decode()

    assert 'id="swap-matrix"' in page
    assert 'data-cell="decline-approve">1' in page
    assert 'id="decisions-report-data"' in page
    assert "50.0%" in page
    assert 'id="no-outcomes"' not in page


def test_without_records_the_report_says_there_is_no_outcome_data() -> None:
    analyst = make_user(Role.RISK_ANALYST)
    champion, _challenger = _versions(analyst)

    page = signed_in(analyst).get(reverse("decisions:report", args=[champion.strategy_id]))

    assert 'id="no-outcomes"' in page.content.decode()
    assert 'id="no-pairs"' in page.content.decode()
