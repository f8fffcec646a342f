"""`lendcrm schedule`: print a repayment schedule, as a table or as JSON. Needs no database."""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lendcrm.core.money import format_money
from lendcrm.loans.choices import RepaymentMethod
from lendcrm.loans.schedules import (
    InterestConvention,
    Schedule,
    ScheduleInputError,
    build_schedule,
    schedule_as_dict,
)

_OPTION_OF_FIELD = {
    "principal": "--principal",
    "annual_rate": "--annual-rate",
    "term": "--term",
    "method": "--method",
    "start": "--start-date",
    "convention": "--convention",
}


def _decimal(raw: str, option: str) -> Decimal:
    try:
        value = Decimal(raw.strip().replace(",", ""))
    except InvalidOperation:
        raise CommandError(f"{option}: not a number: {raw!r}") from None
    if not value.is_finite():
        raise CommandError(f"{option}: not a number: {raw!r}")
    return value


def _term(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise CommandError(f"--term: not a whole number of months: {raw!r}") from None


def _start_date(raw: str | None) -> date:
    if raw is None:
        from lendcrm.core import clock

        return clock.today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"--start-date: not a date (YYYY-MM-DD): {raw!r}") from None


def _choice(raw: str, allowed: list[str], option: str) -> str:
    if raw not in allowed:
        raise CommandError(f"{option}: unknown value {raw!r}; choose from {', '.join(allowed)}")
    return raw


class Command(BaseCommand):
    help = "Print a repayment schedule (还款计划) for a principal, rate, term and method."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--principal", required=True, help="loan amount in CNY, e.g. 100000")
        parser.add_argument(
            "--annual-rate", required=True, help="annual rate as a fraction, e.g. 0.049"
        )
        parser.add_argument("--term", required=True, help="number of monthly periods")
        parser.add_argument(
            "--method",
            required=True,
            help=f"repayment method: {', '.join(RepaymentMethod.values)}",
        )
        parser.add_argument("--start-date", help="YYYY-MM-DD; today when omitted")
        parser.add_argument(
            "--convention",
            default=InterestConvention.MONTHLY_30_360.value,
            help=f"interest convention: {', '.join(InterestConvention.values)}",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        principal = _decimal(options["principal"], "--principal")
        annual_rate = _decimal(options["annual_rate"], "--annual-rate")
        term = _term(options["term"])
        method = _choice(options["method"], RepaymentMethod.values, "--method")
        convention = _choice(options["convention"], InterestConvention.values, "--convention")
        start = _start_date(options["start_date"])
        try:
            schedule = build_schedule(
                principal,
                annual_rate,
                term,
                RepaymentMethod(method),
                start,
                convention=InterestConvention(convention),
            )
        except ScheduleInputError as exc:
            problem = exc.problems[0] if exc.problems else None
            option = _OPTION_OF_FIELD.get(problem.field, problem.field) if problem else "input"
            raise CommandError(f"{option}: {exc.message}") from None
        if options["json"]:
            self.stdout.write(json.dumps(schedule_as_dict(schedule), ensure_ascii=False))
        else:
            self.stdout.write(render_table(schedule))


_COLUMNS = (("期数", 4), ("还款日", 10), ("本金", 14), ("利息", 12), ("月供", 14), ("剩余本金", 16))


def _pad(text: str, width: int) -> str:
    # CJK characters take two columns in a terminal
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return " " * max(width - shown, 0) + text


def render_table(schedule: Schedule) -> str:
    lines = ["  ".join(_pad(title, width) for title, width in _COLUMNS)]
    for row in schedule.installments:
        cells = (
            str(row.period),
            row.due_date.isoformat(),
            format_money(row.principal),
            format_money(row.interest),
            format_money(row.payment),
            format_money(row.balance),
        )
        lines.append("  ".join(_pad(c, w) for c, (_, w) in zip(cells, _COLUMNS, strict=True)))
    lines.append(
        f"合计  本金 {format_money(schedule.total_principal)}  利息 "
        f"{format_money(schedule.total_interest)}  还款总额 {format_money(schedule.total_payment)}"
        f"  年化利率(IRR) {schedule.apr * 100:.4f}%"
    )
    return "\n".join(lines)
