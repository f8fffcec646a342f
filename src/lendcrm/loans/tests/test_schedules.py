"""Repayment schedules: known figures, due dates, validation, prepayment. No database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest

from lendcrm.loans.choices import RepaymentMethod
from lendcrm.loans.schedules import (
    Installment,
    InterestConvention,
    PrepaymentMode,
    Schedule,
    ScheduleInputError,
    build_schedule,
    reschedule_after_prepayment,
)

D = Decimal
EI = RepaymentMethod.EQUAL_INSTALLMENT
EP = RepaymentMethod.EQUAL_PRINCIPAL


def mortgage(method: RepaymentMethod = EI, start: date = date(2025, 1, 15)) -> Schedule:
    return build_schedule(D("1000000"), D("0.049"), 360, method, start)


def test_equal_installment_known_figures() -> None:
    schedule = mortgage()

    first = schedule.installments[0]
    assert first == Installment(
        period=1,
        due_date=date(2025, 2, 15),
        principal=D("1223.94"),
        interest=D("4083.33"),
        payment=D("5307.27"),
        balance=D("998776.06"),
    )
    assert len(schedule.installments) == 360
    assert {row.payment for row in schedule.installments[:-1]} == {D("5307.27")}
    assert schedule.installments[-1].due_date == date(2055, 1, 15)
    assert schedule.installments[-1].balance == D("0.00")
    assert schedule.total_principal == D("1000000.00")
    # regression figures of this engine (per-period rounding, residue in the last period)
    assert schedule.installments[-1].payment == D("5305.19")
    assert schedule.total_interest == D("910615.12")
    assert schedule.total_payment == D("1910615.12")
    assert schedule.apr == D("0.049000")


def test_equal_principal_pays_less_each_month() -> None:
    rows = mortgage(EP).installments

    assert rows[0].payment == D("6861.11")
    assert (rows[0].principal, rows[0].interest) == (D("2777.78"), D("4083.33"))
    assert rows[1].payment == D("6849.77")
    drops = [a.payment - b.payment for a, b in pairwise(rows[:-1])]
    # 2777.78 × 0.049 / 12 = 11.3426 less interest a month; rounding makes some drops 11.35
    assert drops[:3] == [D("11.34")] * 3
    assert set(drops) == {D("11.34"), D("11.35")}
    assert rows[-1].principal == D("1000000") - 359 * D("2777.78")


def test_interest_first_and_bullet() -> None:
    interest_first = build_schedule(
        D("120000"), D("0.12"), 12, RepaymentMethod.INTEREST_FIRST, date(2024, 3, 10)
    )
    bullet = build_schedule(D("120000"), D("0.12"), 12, RepaymentMethod.BULLET, date(2024, 3, 10))

    assert [row.payment for row in interest_first.installments] == [D("1200.00")] * 11 + [
        D("121200.00")
    ]
    assert interest_first.apr == D("0.120000")
    assert bullet.installments == (
        Installment(1, date(2025, 3, 10), D("120000.00"), D("14400.00"), D("134400.00"), D("0.00")),
    )
    assert bullet.total_interest == D("14400.00")
    # 14,400 over 12 months without compounding: the monthly IRR is lower than 1%
    assert bullet.apr == D("0.113866")


def test_zero_rate_costs_nothing() -> None:
    schedule = build_schedule(D("1200"), D("0"), 12, EI, date(2025, 1, 1))

    assert {row.payment for row in schedule.installments} == {D("100.00")}
    assert schedule.total_interest == D("0.00")
    assert schedule.apr == D("0.000000")


def test_due_dates_keep_the_day_clamped_to_month_end() -> None:
    schedule = build_schedule(D("10000"), D("0.1"), 14, EI, date(2023, 12, 31))

    assert [row.due_date for row in schedule.installments[:4]] == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
    ]
    assert schedule.installments[13].due_date == date(2025, 2, 28)


def test_actual_365_counts_days() -> None:
    schedule = build_schedule(
        D("36500"),
        D("0.1"),
        3,
        RepaymentMethod.INTEREST_FIRST,
        date(2025, 1, 31),
        convention=InterestConvention.ACTUAL_365,
    )

    # 36,500 × 10% / 365 = 10.00 a day: Jan 31 → Feb 28 → Mar 31 → Apr 30
    assert [row.interest for row in schedule.installments] == [
        D("280.00"),
        D("310.00"),
        D("300.00"),
    ]


def test_small_principal_over_long_term_keeps_a_last_installment() -> None:
    # 100 / 360 rounds up to 0.28, which would repay everything by period 358
    for method in (EI, EP):
        rows = build_schedule(D("100"), D("0"), 360, method, date(2025, 1, 1)).installments

        assert {row.payment for row in rows[:-1]} == {D("0.27")}
        assert rows[-1].payment == D("3.07")
        assert rows[-2].balance == D("3.07")


def test_rounding_amplified_by_a_high_rate_over_a_long_term_goes_to_the_last_installment() -> None:
    # 2.34% a month for 255 months multiplies a cent of rounding in the payment by ~6,700:
    # the exact 14.0852… rounds up to 14.09, which would repay the loan early, so it is 14.08
    rows = build_schedule(D("599.65"), D("0.2811"), 255, EI, date(2025, 1, 31)).installments

    assert {row.payment for row in rows[:-1]} == {D("14.08")}
    assert (rows[-1].principal, rows[-1].interest) == (D("94.09"), D("2.20"))


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"principal": D("0")}, "principal", "must be greater than 0"),
        ({"principal": D("-5")}, "principal", "must be greater than 0"),
        ({"principal": D("100.001")}, "principal", "at most 2 decimal places"),
        ({"principal": D("NaN")}, "principal", "must be a number"),
        ({"principal": 100.5}, "principal", "never a float"),
        ({"annual_rate": D("-0.01")}, "annual_rate", "must not be negative"),
        ({"annual_rate": D("Infinity")}, "annual_rate", "must be a number"),
        ({"term": 0}, "term", "must be at least 1"),
        ({"term": 601}, "term", "must be at most 600"),
        ({"term": True}, "term", "whole number"),
        ({"method": "weekly"}, "method", "unknown repayment method"),
        ({"convention": "30/365"}, "convention", "unknown interest convention"),
        ({"start": "2025-01-01"}, "start", "must be a date"),
    ],
)
def test_refuses_bad_input_naming_the_argument(
    kwargs: dict[str, object], field: str, message: str
) -> None:
    arguments: dict[str, object] = {
        "principal": D("1000"),
        "annual_rate": D("0.1"),
        "term": 12,
        "method": EI,
        "start": date(2025, 1, 1),
    }
    arguments.update(kwargs)

    with pytest.raises(ScheduleInputError, match=message) as caught:
        build_schedule(**arguments)  # type: ignore[arg-type]

    assert [problem.field for problem in caught.value.problems] == [field]
    assert caught.value.status_code == 422


def test_prepayment_keeping_the_term_lowers_the_installment() -> None:
    original = mortgage()

    rest = reschedule_after_prepayment(
        original, paid_through=12, amount=D("100000"), keep=PrepaymentMode.KEEP_TERM
    )

    rows = rest.installments
    assert [row.period for row in rows] == list(range(13, 361))
    assert [row.due_date for row in rows] == [row.due_date for row in original.installments[12:]]
    assert rest.principal == original.installments[11].balance - D("100000")
    assert rows[0].payment == D("4768.45")
    assert rows[0].interest == (rest.principal * D("0.049") / 12).quantize(D("0.01"))
    assert rest.total_principal == rest.principal
    assert rows[-1].balance == D("0.00")
    assert rest.apr == D("0.049000")


def test_prepayment_keeping_the_installment_shortens_the_term() -> None:
    original = mortgage()

    rest = reschedule_after_prepayment(
        original, paid_through=12, amount=D("100000"), keep=PrepaymentMode.KEEP_INSTALLMENT
    )

    rows = rest.installments
    assert len(rows) == 281
    assert {row.payment for row in rows[:-1]} == {D("5307.27")}
    assert rows[-1].payment <= D("5307.27")
    assert rows[-1].period == 293
    assert rows[-1].due_date == original.installments[292].due_date
    assert rest.total_principal == original.installments[11].balance - D("100000")


def test_prepayments_chain_with_period_numbers_of_the_loan() -> None:
    original = mortgage()
    shorter = reschedule_after_prepayment(
        original, paid_through=12, amount=D("100000"), keep=PrepaymentMode.KEEP_INSTALLMENT
    )

    rest = reschedule_after_prepayment(
        shorter, paid_through=24, amount=D("50000"), keep=PrepaymentMode.KEEP_TERM
    )

    assert shorter.first_period == 13
    assert [row.period for row in rest.installments] == list(range(25, 294))
    assert rest.installments[0].due_date == original.installments[24].due_date
    assert rest.principal == shorter.installments[11].balance - D("50000")
    assert rest.installments[-1].balance == D("0.00")
    with pytest.raises(ScheduleInputError, match="between 12 and 292"):
        reschedule_after_prepayment(
            shorter, paid_through=5, amount=D("1000"), keep=PrepaymentMode.KEEP_TERM
        )


def test_equal_principal_prepayment_keeping_the_installment() -> None:
    original = mortgage(EP)

    rest = reschedule_after_prepayment(
        original, paid_through=0, amount=D("500000"), keep=PrepaymentMode.KEEP_INSTALLMENT
    )

    assert len(rest.installments) == 180
    assert {row.principal for row in rest.installments[:-1]} == {D("2777.78")}
    assert rest.total_principal == D("500000.00")


def test_bullet_prepayment_keeps_maturity() -> None:
    original = build_schedule(D("100000"), D("0.06"), 12, RepaymentMethod.BULLET, date(2025, 1, 31))

    rest = reschedule_after_prepayment(
        original, paid_through=0, amount=D("40000"), keep=PrepaymentMode.KEEP_TERM
    )

    assert rest.installments == (
        Installment(1, date(2026, 1, 31), D("60000.00"), D("3600.00"), D("63600.00"), D("0.00")),
    )


@pytest.mark.parametrize(
    ("method", "kwargs", "field"),
    [
        (EI, {"paid_through": 360}, "paid_through"),
        (EI, {"paid_through": -1}, "paid_through"),
        (EI, {"amount": D("998776.06"), "paid_through": 1}, "amount"),
        (EI, {"amount": D("0")}, "amount"),
        (RepaymentMethod.BULLET, {"keep": PrepaymentMode.KEEP_INSTALLMENT}, "keep"),
        (RepaymentMethod.INTEREST_FIRST, {"keep": PrepaymentMode.KEEP_INSTALLMENT}, "keep"),
    ],
)
def test_prepayment_refuses_bad_input(
    method: RepaymentMethod, kwargs: dict[str, object], field: str
) -> None:
    arguments: dict[str, object] = {
        "paid_through": 0,
        "amount": D("1000"),
        "keep": PrepaymentMode.KEEP_TERM,
    }
    arguments.update(kwargs)

    with pytest.raises(ScheduleInputError) as caught:
        reschedule_after_prepayment(mortgage(method), **arguments)  # type: ignore[arg-type]

    assert caught.value.problems[0].field == field


def test_cent_rows_hold_exactly_the_installments_of_each_schedule() -> None:
    import random

    rng = random.Random(7)
    schedules = [
        build_schedule(
            Decimal(rng.randrange(100_000, 50_000_001)).scaleb(-2),
            Decimal(rng.randrange(0, 2401)).scaleb(-4),
            rng.randint(1, 36),
            rng.choice(list(RepaymentMethod)),
            date(2024, 1, 1) + timedelta(days=rng.randrange(731)),
            convention=rng.choice(list(InterestConvention)),
        )
        for _ in range(300)
    ]
    schedules += [
        reschedule_after_prepayment(
            s, paid_through=2, amount=Decimal("100.00"), keep=PrepaymentMode.KEEP_INSTALLMENT
        )
        for s in schedules[:40]
        if s.method in (EI, EP) and s.term > 3
    ]

    expected = [
        (row.period, row.due_date, row.principal, row.interest, row.balance)
        for schedule in schedules
        for row in schedule.installments
    ]
    got = [
        (row.period, row.due_date, *(Decimal(cents).scaleb(-2) for cents in row[2:]))
        for schedule in schedules
        for row in schedule.cent_rows()
    ]
    assert got == expected
