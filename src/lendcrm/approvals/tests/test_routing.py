"""The routing matrix: amount bands, risk grades, product, priority, and no match."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from lendcrm.applications.models import Application
from lendcrm.approvals.models import ApprovalChain, ApprovalRoute
from lendcrm.approvals.routing import route_for, route_matches
from lendcrm.core.errors import DomainError
from lendcrm.reporting.tests.factories import ProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("default_matrix")]


@pytest.mark.parametrize(
    ("amount", "grade", "chain"),
    [
        ("30000.00", "A", "SMALL"),
        ("49999.99", "B", "SMALL"),
        ("50000.00", "A", "MEDIUM"),  # the lower end of a band is inclusive
        ("199999.99", "B", "MEDIUM"),
        ("200000.00", "A", "LARGE"),
        ("30000.00", "C", "SMALL_C"),
        ("120000.00", "c", "MEDIUM_C"),
        ("200000.00", "C", "LARGE"),
        ("30000.00", "", "MEDIUM"),  # no grade: treated conservatively
    ],
)
def test_the_seeded_matrix_routes_by_band_and_grade(
    make_application: Callable[..., Application], amount: str, grade: str, chain: str
) -> None:
    application = make_application(amount=Decimal(amount), risk_grade=grade)

    assert route_for(application).code == chain


def test_the_seeded_chains_have_the_documented_nodes() -> None:
    nodes = {
        c.code: [(n.level, n.kind, n.approver_count) for n in c.nodes.order_by("position")]
        for c in ApprovalChain.objects.all()
    }
    assert nodes["SMALL"] == [("review_supervisor", "single", 1)]
    assert nodes["LARGE"][-1] == ("committee", "all_of", 2)
    assert nodes["SMALL_C"][-1] == ("committee", "any_of", 2)


def test_the_recommended_amount_routes_when_given(
    make_application: Callable[..., Application],
) -> None:
    application = make_application(amount=Decimal("150000.00"), risk_grade="A")

    assert route_for(application, amount=Decimal("40000.00")).code == "SMALL"


def test_a_product_row_applies_to_its_product_only(
    make_application: Callable[..., Application],
) -> None:
    special = ProductFactory(code="CAR-36", name="车主贷")
    chain = ApprovalChain.objects.get(code="LARGE")
    ApprovalRoute.objects.create(name="车主贷全部上会", priority=5, product=special, chain=chain)

    car = make_application(product=special, amount=Decimal("10000.00"))
    cash = make_application(amount=Decimal("10000.00"))

    assert (route_for(car).code, route_for(cash).code) == ("LARGE", "SMALL")


def test_the_lowest_priority_number_wins_and_inactive_rows_are_skipped(
    make_application: Callable[..., Application],
) -> None:
    large = ApprovalChain.objects.get(code="LARGE")
    medium = ApprovalChain.objects.get(code="MEDIUM")
    ApprovalRoute.objects.create(name="停用", priority=1, chain=large, is_active=False)
    ApprovalRoute.objects.create(name="先匹配", priority=2, chain=medium)
    ApprovalRoute.objects.create(name="后匹配", priority=3, chain=large)

    assert route_for(make_application()).code == "MEDIUM"


def test_no_matching_row_is_a_clear_error(make_application: Callable[..., Application]) -> None:
    ApprovalRoute.objects.all().delete()

    with pytest.raises(DomainError) as caught:
        route_for(make_application(risk_grade="B"))

    assert caught.value.problems[0].field == "route"
    assert "没有匹配的审批路由" in caught.value.message


@pytest.mark.parametrize(
    ("low", "high", "grades", "amount", "grade", "expected"),
    [
        (None, None, [], "1.00", "", True),
        ("100.00", None, [], "99.99", "A", False),
        ("100.00", None, [], "100.00", "A", True),
        (None, "100.00", [], "100.00", "A", False),
        (None, None, ["A", "B"], "5.00", "C", False),
        (None, None, ["A", "B"], "5.00", " b ", True),
    ],
)
def test_route_matches_bands_and_grades(
    low: str | None,
    high: str | None,
    grades: list[str],
    amount: str,
    grade: str,
    expected: bool,
) -> None:
    route = ApprovalRoute(
        min_amount=Decimal(low) if low else None,
        max_amount=Decimal(high) if high else None,
        risk_grades=grades,
    )

    assert route_matches(route, product_id=1, amount=Decimal(amount), risk_grade=grade) is expected
