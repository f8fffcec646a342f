"""`POST /api/v1/schedules/preview`: a repayment schedule for given terms, nothing stored."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from lendcrm.loans.choices import RepaymentMethod
from lendcrm.loans.schedules import (
    InterestConvention,
    ScheduleInputError,
    build_schedule,
    schedule_as_dict,
)

router = Router(tags=["schedules"])


class SchedulePreviewRequest(Schema):
    principal: Decimal
    annual_rate: Decimal
    term: int
    method: str
    start_date: date
    convention: str = InterestConvention.MONTHLY_30_360.value


class InstallmentOut(Schema):
    period: int
    due_date: str
    principal: str
    interest: str
    payment: str
    balance: str


class ScheduleOut(Schema):
    installments: list[InstallmentOut]
    total_principal: str
    total_interest: str
    total_payment: str
    apr: str


def _choice(value: str, allowed: list[str], field: str) -> str:
    if value not in allowed:
        raise ScheduleInputError(f"must be one of {', '.join(allowed)}", field=field)
    return value


@router.post("/preview", response=ScheduleOut)
def preview_schedule(request: HttpRequest, payload: SchedulePreviewRequest) -> dict[str, object]:
    method = _choice(payload.method, RepaymentMethod.values, "method")
    convention = _choice(payload.convention, InterestConvention.values, "convention")
    schedule = build_schedule(
        payload.principal,
        payload.annual_rate,
        payload.term,
        RepaymentMethod(method),
        payload.start_date,
        convention=InterestConvention(convention),
    )
    return schedule_as_dict(schedule)
