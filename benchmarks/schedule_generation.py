"""Schedules per second: the integer-cent engine against a plain all-Decimal implementation.

    .venv/bin/python benchmarks/schedule_generation.py [--loans 200000] [--seed 20250115]

One process, one core. It times `build_schedule` alone (every amount computed in exact
integer cents; the Decimal installment objects built lazily), build plus every row as
integer-cent tuples with due dates and balances, then build plus reading every installment, then the Decimal reference on a share of the same loans,
and checks on a sample that both give the same amounts.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendcrm.config.settings")
django.setup()

from lendcrm.loans.choices import RepaymentMethod  # noqa: E402
from lendcrm.loans.schedule.reference import reference_schedule  # noqa: E402
from lendcrm.loans.schedule.result import CentRow  # noqa: E402
from lendcrm.loans.schedules import (  # noqa: E402
    Installment,
    InterestConvention,
    Schedule,
    build_schedule,
)

METHOD_WEIGHTS = {
    RepaymentMethod.EQUAL_INSTALLMENT: 50,
    RepaymentMethod.EQUAL_PRINCIPAL: 25,
    RepaymentMethod.INTEREST_FIRST: 15,
    RepaymentMethod.BULLET: 10,
}


@dataclass(frozen=True)
class LoanTerms:
    principal: Decimal
    annual_rate: Decimal
    term: int
    method: RepaymentMethod
    start: date
    convention: InterestConvention


def generate_loans(count: int, seed: int) -> list[LoanTerms]:
    """A seeded mix of consumer loans: 1,000–500,000 CNY, 4.35%–24%, 12–36 months."""
    rng = random.Random(seed)
    methods = list(METHOD_WEIGHTS)
    weights = list(METHOD_WEIGHTS.values())
    first_day = date(2024, 1, 1)
    loans = []
    for _ in range(count):
        loans.append(
            LoanTerms(
                principal=Decimal(rng.randrange(100_000, 50_000_001)).scaleb(-2),
                annual_rate=Decimal(rng.randrange(435, 2401)).scaleb(-4),
                term=rng.randint(12, 36),
                method=rng.choices(methods, weights)[0],
                start=first_day + timedelta(days=rng.randrange(731)),
                convention=(
                    InterestConvention.ACTUAL_365
                    if rng.random() < 0.1
                    else InterestConvention.MONTHLY_30_360
                ),
            )
        )
    return loans


def build_only(loan: LoanTerms) -> Schedule:
    return build_schedule(
        loan.principal,
        loan.annual_rate,
        loan.term,
        loan.method,
        loan.start,
        convention=loan.convention,
    )


def build_and_read(loan: LoanTerms) -> tuple[Installment, ...]:
    schedule = build_schedule(
        loan.principal,
        loan.annual_rate,
        loan.term,
        loan.method,
        loan.start,
        convention=loan.convention,
    )
    return schedule.installments


def build_cent_rows(loan: LoanTerms) -> tuple[CentRow, ...]:
    """Every installment computed: due date and exact amounts in integer cents."""
    return build_only(loan).cent_rows()


def decimal_reference(loan: LoanTerms) -> list[tuple[date, Decimal, Decimal]]:
    return reference_schedule(
        loan.principal,
        loan.annual_rate,
        loan.term,
        loan.method,
        loan.start,
        daily=loan.convention == InterestConvention.ACTUAL_365,
    )


def decimal_reference_installments(loan: LoanTerms) -> tuple[Installment, ...]:
    """What a plain Decimal build_schedule returns: the reference rows as Installments."""
    balance = loan.principal
    rows = []
    for period, (due, principal, interest) in enumerate(decimal_reference(loan), 1):
        balance -= principal
        rows.append(Installment(period, due, principal, interest, principal + interest, balance))
    return tuple(rows)


def rate_of(work: Callable[[LoanTerms], object], loans: Sequence[LoanTerms], rounds: int) -> float:
    """Schedules per CPU-second in the best of `rounds` passes (the machine is shared)."""
    best = float("inf")
    for _ in range(rounds):
        began = time.process_time()
        for loan in loans:
            work(loan)
        best = min(best, time.process_time() - began)
    return len(loans) / best


def mismatches(loans: Sequence[LoanTerms]) -> int:
    wrong = 0
    for loan in loans:
        wrong += build_and_read(loan) != decimal_reference_installments(loan)
    return wrong


def cent_mismatches(loans: Sequence[LoanTerms]) -> int:
    wrong = 0
    for loan in loans:
        schedule = build_only(loan)
        as_money = tuple(
            (
                row.period,
                row.due_date,
                Decimal(row.principal).scaleb(-2),
                Decimal(row.interest).scaleb(-2),
                Decimal(row.balance).scaleb(-2),
            )
            for row in schedule.cent_rows()
        )
        expected = tuple(
            (i.period, i.due_date, i.principal, i.interest, i.balance)
            for i in schedule.installments
        )
        wrong += as_money != expected
    return wrong


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=200_000)
    parser.add_argument("--reference-loans", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20250115)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    loans = generate_loans(args.loans, args.seed)
    sample = loans[: args.reference_loans]
    periods = sum(1 if x.method == RepaymentMethod.BULLET else x.term for x in loans) / len(loans)
    print(f"{len(loans):,} loans ({len(sample):,} for the reference), {periods:.1f} installments")
    print(f"on average; one process; CPU time, best of {args.rounds} rounds")
    fast = rate_of(build_only, loans, args.rounds)
    cents = rate_of(build_cent_rows, loans, args.rounds)
    read = rate_of(build_and_read, loans, args.rounds)
    rows = rate_of(decimal_reference, sample, args.rounds)
    naive = rate_of(decimal_reference_installments, sample, args.rounds)
    print(f"build_schedule, installments built on first read: {fast:>9,.0f} schedules/s")
    print(f"build_schedule, every row in cents (cent_rows):   {cents:>9,.0f} schedules/s")
    print(f"build_schedule, then reading .installments:       {read:>9,.0f} schedules/s")
    print(f"all-Decimal reference, amounts only:              {rows:>9,.0f} schedules/s")
    print(f"all-Decimal reference, as Installments:           {naive:>9,.0f} schedules/s")
    print(f"speed-up against the all-Decimal Installments: {fast / naive:.1f}x (lazy), ", end="")
    print(f"{read / naive:.1f}x (installments read)")
    checked = loans[: min(len(loans), 5_000)]
    print(f"fast path == reference on {len(checked):,} loans: {mismatches(checked)} mismatches")
    print(
        f"cent rows == installments on {len(checked):,} loans: {cent_mismatches(checked)} mismatches"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
