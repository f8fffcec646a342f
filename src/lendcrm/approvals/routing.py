"""The routing matrix: which approval chain an application goes through."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from lendcrm.applications.models import Application
from lendcrm.approvals.models import ApprovalChain, ApprovalRoute
from lendcrm.core.errors import DomainError


def route_matches(
    route: ApprovalRoute, *, product_id: int, amount: Decimal, risk_grade: str
) -> bool:
    """Product (empty = any), band [min, max) with open ends, grade in the list (empty = any)."""
    if route.product_id is not None and route.product_id != product_id:
        return False
    if route.min_amount is not None and amount < route.min_amount:
        return False
    if route.max_amount is not None and amount >= route.max_amount:
        return False
    grades = [str(g).strip().upper() for g in route.risk_grades or []]
    return not grades or risk_grade.strip().upper() in grades


def find_route(application: Application, *, amount: Decimal | None = None) -> ApprovalRoute:
    """The first active row, by priority, matching the application (and `amount`, when the
    reviewer recommends a different amount from the one applied for)."""
    routed_amount = application.amount if amount is None else amount
    rows = ApprovalRoute.objects.filter(is_active=True, chain__is_active=True).select_related(
        "chain"
    )
    for route in rows.order_by("priority", "pk"):
        if route_matches(
            route,
            product_id=application.product_id,
            amount=routed_amount,
            risk_grade=application.risk_grade or "",
        ):
            return route
    raise DomainError(
        _("没有匹配的审批路由：产品 %(product)s，金额 %(amount)s，风险等级 %(grade)s")
        % {
            "product": application.product_id,
            "amount": routed_amount,
            "grade": application.risk_grade or "-",
        },
        field="route",
    )


def route_for(application: Application, *, amount: Decimal | None = None) -> ApprovalChain:
    return find_route(application, amount=amount).chain
