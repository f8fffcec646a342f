"""Monthly due dates that keep the start date's day of month, clamped to the month's end."""

from __future__ import annotations

from datetime import date

_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def is_leap_year(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    if month == 2 and is_leap_year(year):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def add_months(start: date, months: int) -> date:
    """`start` moved by whole months: Jan 31 + 1 → Feb 28 (29), Jan 31 + 2 → Mar 31."""
    index = start.month - 1 + months
    year = start.year + index // 12
    month = index % 12 + 1
    return date(year, month, min(start.day, days_in_month(year, month)))


def month_ordinals(start: date, months: range) -> list[int]:
    """Proleptic ordinals of `add_months(start, m)` for each m, for day counts."""
    return [due.toordinal() for due in due_dates(start, months)]


def due_dates(start: date, months: range) -> list[date]:
    """`add_months(start, m)` for each m; the common day ≤ 28 needs no clamping."""
    day, year, index = start.day, start.year, start.month - 1
    if day > 28:
        return [add_months(start, m) for m in months]
    return [date(year + (index + m) // 12, (index + m) % 12 + 1, day) for m in months]
