"""End of day at scale: the set-based SQL engine, and its ratio to the Python reference.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/lendcrm_bench \\
        .venv/bin/python benchmarks/eod_batch.py --loans 1000000 --days 2
    .venv/bin/python benchmarks/eod_batch.py --compare 5000

The first form loads a loan book with eod_portfolio.py (emptying the loans tables), then runs
end of day for --days dates in-process (or on Celery workers when REDIS_URL is set) and checks
the ledger. --compare loads a smaller book twice and times one date with each engine, then
extrapolates the Python engine to a million loans.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date, timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendcrm.config.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

import eod_portfolio  # noqa: E402
from lendcrm.loans.models import EodRun  # noqa: E402
from lendcrm.loans.services.end_of_day import run_end_of_day, uses_workers  # noqa: E402
from lendcrm.loans.services.ledger_verification import verify_ledger  # noqa: E402

MILLION = 1_000_000


def figures() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE status = 'overdue'), max(dpd), "
            "(SELECT count(*) FROM loans_journalentry) FROM loans_loan"
        )
        overdue, max_dpd, entries = cursor.fetchone()  # type: ignore[misc]
    return f"overdue loans {overdue}, max DPD {max_dpd}, journal entries {entries}"


def run_once(business_date: date, engine: str, chunk_size: int) -> float:
    started = time.monotonic()
    if uses_workers() and engine == "sql":
        call_command("eod", date=business_date.isoformat(), chunk_size=chunk_size)
    else:
        run_end_of_day(business_date, engine=engine, chunk_size=chunk_size)
    elapsed = time.monotonic() - started
    assert EodRun.objects.get(business_date=business_date).status == "completed"
    return elapsed


def scale(args: argparse.Namespace) -> None:
    if not args.skip_generate:
        started = time.monotonic()
        eod_portfolio.generate(args.loans, args.date, reset=True)
        print(f"generated {args.loans} loans in {time.monotonic() - started:.1f}s", flush=True)
    for n in range(args.days):
        day = args.date + timedelta(days=n)
        elapsed = run_once(day, args.engine, args.chunk_size)
        rate = args.loans / elapsed
        print(
            f"EOD {day} [{args.engine}] {elapsed:.1f}s  {rate:,.0f} loans/s  ({figures()})",
            flush=True,
        )
    if args.verify:
        started = time.monotonic()
        result = verify_ledger()
        print(
            f"ledger verify: {'ok' if result.ok else result.describe()} in {time.monotonic() - started:.1f}s"
        )


def compare(loans: int, business_date: date, chunk_size: int) -> None:
    timings = {}
    for engine in ("python", "sql"):
        eod_portfolio.generate(loans, business_date, reset=True)
        timings[engine] = run_once(business_date, engine, chunk_size)
        print(f"{engine:<6} {loans} loans: {timings[engine]:.2f}s ({figures()})", flush=True)
    ratio = timings["python"] / timings["sql"]
    print(
        f"SQL is {ratio:.1f}x faster; Python extrapolated to 1,000,000 loans: "
        f"{timings['python'] * MILLION / loans:,.0f}s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=MILLION)
    parser.add_argument("--date", type=date.fromisoformat, default=date(2025, 6, 30))
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--engine", choices=["sql", "python"], default="sql")
    parser.add_argument("--chunk-size", type=int, default=50_000)
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--verify", action="store_true")
    parser.add_argument("--compare", type=int, metavar="LOANS")
    args = parser.parse_args()
    if args.compare:
        compare(args.compare, args.date, args.chunk_size)
    else:
        scale(args)


if __name__ == "__main__":
    main()
