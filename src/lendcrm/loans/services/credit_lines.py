"""Credit lines (授信): opening, freezing, limit adjustment (调额) and price adjustment (调价)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from lendcrm.audit.services import record_event
from lendcrm.core.errors import DomainError, PermissionDenied
from lendcrm.core.money import ZERO, to_money
from lendcrm.customers.models import Customer
from lendcrm.identity.roles import can
from lendcrm.loans.choices import CreditLineStatus, LineAdjustmentKind, ProductKind
from lendcrm.loans.models import CreditLine, LineAdjustment, Product
from lendcrm.loans.services.numbers import new_number
from lendcrm.loans.transitions import transition_line

MANAGE = "loans.manage"


def _check_rate(product: Product, annual_rate: Decimal) -> None:
    if not product.min_rate <= annual_rate <= product.max_rate:
        raise DomainError(
            f"annual rate must lie within {product.min_rate}–{product.max_rate}",
            field="annual_rate",
        )


def open_line(
    *,
    customer: Customer,
    product: Product,
    limit: Decimal,
    annual_rate: Decimal,
    valid_from: date,
    valid_until: date,
    acting_user: Any,
) -> CreditLine:
    """Grant a line on the customer's data scope; revolving when the product is."""
    limit = to_money(limit)
    if limit <= ZERO:
        raise DomainError("limit must be positive", field="limit")
    if valid_until < valid_from:
        raise DomainError("the line ends before it starts", field="valid_until")
    _check_rate(product, annual_rate)
    with transaction.atomic():
        line = CreditLine.objects.create(
            line_no=new_number("CL"),
            customer=customer,
            product=product,
            limit=limit,
            available=limit,
            annual_rate=annual_rate,
            valid_from=valid_from,
            valid_until=valid_until,
            revolving=product.kind == ProductKind.REVOLVING,
            owner_id=customer.owner_id,
            team_id=customer.team_id,
            branch_id=customer.branch_id,
        )
        record_event(
            "loans.line_opened",
            actor=acting_user,
            target=line,
            metadata={"limit": str(limit), "annual_rate": str(annual_rate)},
        )
    return line


def check_four_eyes(operator: Any, approver: Any, reason: str) -> None:
    if not reason.strip():
        raise DomainError("give a reason", field="reason")
    if approver is None or operator is None:
        raise PermissionDenied("an operator and an approver are required", field="approver")
    if approver.pk == operator.pk:
        raise PermissionDenied("the approver must be another person", field="approver")
    if not (can(operator, MANAGE) and can(approver, MANAGE)):
        raise PermissionDenied("operator and approver must both manage loans", field="approver")


def _record(
    line: CreditLine,
    kind: LineAdjustmentKind,
    *,
    reason: str,
    before: dict[str, str],
    after: dict[str, str],
    operator: Any,
    approver: Any,
) -> LineAdjustment:
    adjustment = LineAdjustment.objects.create(
        line=line,
        kind=kind,
        reason=reason.strip()[:200],
        before=before,
        after=after,
        operator=operator,
        approver=approver,
    )
    record_event(
        f"loans.line_{kind.value}",
        actor=operator,
        target=line,
        changes={k: {"before": before.get(k), "after": after.get(k)} for k in after},
        metadata={"reason": reason.strip()[:200], "approver": approver.get_username()},
    )
    return adjustment


def _locked(line: CreditLine) -> CreditLine:
    return CreditLine.objects.select_for_update().get(pk=line.pk)


def freeze_line(line: CreditLine, *, reason: str, operator: Any, approver: Any) -> CreditLine:
    return _set_frozen(line, True, reason=reason, operator=operator, approver=approver)


def unfreeze_line(line: CreditLine, *, reason: str, operator: Any, approver: Any) -> CreditLine:
    return _set_frozen(line, False, reason=reason, operator=operator, approver=approver)


def _set_frozen(
    line: CreditLine, frozen: bool, *, reason: str, operator: Any, approver: Any
) -> CreditLine:
    check_four_eyes(operator, approver, reason)
    target = CreditLineStatus.FROZEN if frozen else CreditLineStatus.ACTIVE
    kind = LineAdjustmentKind.FREEZE if frozen else LineAdjustmentKind.UNFREEZE
    with transaction.atomic():
        locked = _locked(line)
        before = {"status": locked.status}
        transition_line(locked, to=target)
        _record(
            locked,
            kind,
            reason=reason,
            before=before,
            after={"status": target.value},
            operator=operator,
            approver=approver,
        )
    return locked


def adjust_limit(
    line: CreditLine, *, new_limit: Decimal, reason: str, operator: Any, approver: Any
) -> CreditLine:
    """调额: the amount in use stays in use; a limit below it is refused."""
    check_four_eyes(operator, approver, reason)
    new_limit = to_money(new_limit)
    with transaction.atomic():
        locked = _locked(line)
        in_use = locked.limit - locked.available
        if new_limit < max(in_use, ZERO) or new_limit <= ZERO:
            raise DomainError(
                f"the new limit must be positive and at least {in_use}", field="limit"
            )
        before = {"limit": str(locked.limit), "available": str(locked.available)}
        locked.limit, locked.available = new_limit, new_limit - in_use
        locked.save(update_fields=["limit", "available", "updated_at"])
        after = {"limit": str(locked.limit), "available": str(locked.available)}
        _record(
            locked,
            LineAdjustmentKind.LIMIT,
            reason=reason,
            before=before,
            after=after,
            operator=operator,
            approver=approver,
        )
    return locked


def adjust_price(
    line: CreditLine, *, new_rate: Decimal, reason: str, operator: Any, approver: Any
) -> CreditLine:
    """调价: applies to later drawdowns; existing loan notes keep their contract rate."""
    check_four_eyes(operator, approver, reason)
    with transaction.atomic():
        locked = _locked(line)
        _check_rate(locked.product, new_rate)
        before = {"annual_rate": str(locked.annual_rate)}
        locked.annual_rate = new_rate
        locked.save(update_fields=["annual_rate", "updated_at"])
        _record(
            locked,
            LineAdjustmentKind.PRICE,
            reason=reason,
            before=before,
            after={"annual_rate": str(new_rate)},
            operator=operator,
            approver=approver,
        )
    return locked


def restore_available(line_id: int, amount: Decimal) -> None:
    """Give principal back to a line (a failed pay-out, or repaid principal on a revolving line)."""
    locked = CreditLine.objects.select_for_update().get(pk=line_id)
    locked.available = min(locked.limit, locked.available + amount)
    locked.save(update_fields=["available", "updated_at"])


def consume_available(line_id: int, amount: Decimal) -> None:
    """Take principal back out of a line, e.g. when a repayment is reversed."""
    locked = CreditLine.objects.select_for_update().get(pk=line_id)
    locked.available = locked.available - amount
    locked.save(update_fields=["available", "updated_at"])


def adjust_line(
    line: CreditLine,
    *,
    kind: LineAdjustmentKind,
    reason: str,
    operator: Any,
    approver: Any,
    new_limit: Decimal | None = None,
    new_rate: Decimal | None = None,
) -> CreditLine:
    """One entry point for the four adjustments, as the API and the line page offer them."""
    people = {"reason": reason, "operator": operator, "approver": approver}
    if kind == LineAdjustmentKind.FREEZE:
        return freeze_line(line, **people)
    if kind == LineAdjustmentKind.UNFREEZE:
        return unfreeze_line(line, **people)
    if kind == LineAdjustmentKind.LIMIT:
        if new_limit is None:
            raise DomainError("give the new limit", field="new_limit")
        return adjust_limit(line, new_limit=new_limit, **people)
    if new_rate is None:
        raise DomainError("give the new annual rate", field="new_rate")
    return adjust_price(line, new_rate=new_rate, **people)
