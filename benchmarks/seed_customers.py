"""Customers per second loaded by ORM bulk_create and by COPY, in one process, on PostgreSQL.

    DATABASE_URL=postgresql://... .venv/bin/python benchmarks/seed_customers.py \
        [--customers 100000] [--orm-customers N] [--seed 910] [--keep]

Each batch of demo customers is generated once (as `lendcrm seed-demo` does) and then loaded
twice into the same table, in separate transactions: by bulk_create through the model fields,
and by COPY with the same encryption and blind indexes. The COPY copies are renumbered
(`B…` instead of `C…`) so that customer numbers never collide. Generation, each loader and
the process's CPU time are timed apart; end-to-end rates add generation to each loader.
Unless --keep is given, the benchmark's rows are deleted at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendcrm.config.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402

from generators.customers import customer_batches  # noqa: E402
from lendcrm.customers.models import Customer  # noqa: E402
from lendcrm.demo.loaders import CopyLoader, Loader, OrmLoader  # noqa: E402
from lendcrm.demo.rows import customer_values  # noqa: E402
from lendcrm.demo.services import ensure_references  # noqa: E402

AS_OF = date(2025, 6, 30)


@dataclass
class Timer:
    """Wall and CPU time of this process spent in one step, and the customers it handled."""

    name: str
    customers: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0

    def __enter__(self) -> Timer:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds += time.perf_counter() - self._wall
        self.cpu_seconds += time.process_time() - self._cpu

    @property
    def rate(self) -> float:
        return self.customers / self.seconds if self.seconds else 0.0


def load(loader: Loader, rows: list[dict[str, object]]) -> None:
    with transaction.atomic():
        loader.insert(Customer, rows)


def renumbered(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{**row, "customer_no": "B" + str(row["customer_no"])[1:]} for row in rows]


def delete_rows(seed: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {Customer._meta.db_table} WHERE customer_no LIKE %s OR customer_no LIKE %s",
            [f"C{seed}-%", f"B{seed}-%"],
        )
        return cursor.rowcount


def run(*, seed: int, customers: int, orm_customers: int, batch_size: int) -> list[Timer]:
    refs = ensure_references()
    timers = [Timer("generate"), Timer("ORM bulk_create"), Timer("COPY")]
    generate, orm, copy = timers
    orm_loader, copy_loader = OrmLoader(), CopyLoader()
    batches = customer_batches(seed=seed, count=customers, batch_size=batch_size, as_of=AS_OF)
    started, report_every = time.perf_counter(), max(customers // 10, batch_size)
    for _ in range(0, customers, batch_size):
        with generate:
            rows = [customer_values(profile, refs) for profile in next(batches)]
        generate.customers += len(rows)
        if orm.customers < orm_customers:
            with orm:
                load(orm_loader, rows)
            orm.customers += len(rows)
        with copy:
            load(copy_loader, renumbered(rows))
        copy.customers += len(rows)
        if copy.customers % report_every < batch_size:
            elapsed = time.perf_counter() - started
            print(f"  {copy.customers:>10,} / {customers:,} customers  {elapsed:,.0f} s")
    return timers


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--orm-customers", type=int, help="load only the first N with the ORM")
    parser.add_argument("--seed", type=int, default=910)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--keep", action="store_true", help="keep the loaded rows")
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        sys.exit("seed_customers: COPY needs PostgreSQL; set DATABASE_URL=postgresql://...")
    delete_rows(args.seed)
    orm_customers = min(args.orm_customers or args.customers, args.customers)
    print(f"{args.customers:,} customers: COPY all, bulk_create the first {orm_customers:,}")
    timers = run(
        seed=args.seed,
        customers=args.customers,
        orm_customers=orm_customers,
        batch_size=args.batch_size,
    )
    print_report(*timers)
    if not args.keep:
        print(f"deleted the {delete_rows(args.seed):,} benchmark rows (--keep keeps them)")


def print_report(generate: Timer, orm: Timer, copy: Timer) -> None:
    print(f"\n{'step':<16} {'customers':>10} {'seconds':>8} {'cpu s':>7} {'customers/s':>12} "
          f"{'with generation/s':>18}")  # fmt: skip
    per_customer = generate.seconds / generate.customers if generate.customers else 0.0
    for timer in (generate, orm, copy):
        total = timer.seconds + (per_customer * timer.customers if timer is not generate else 0)
        end_to_end = timer.customers / total if total else 0.0
        print(
            f"{timer.name:<16} {timer.customers:>10,} {timer.seconds:>8.1f} "
            f"{timer.cpu_seconds:>7.1f} {timer.rate:>12,.0f} {end_to_end:>18,.0f}"
        )
    if orm.rate:
        with_generation = (orm.seconds / orm.customers + per_customer) / (
            copy.seconds / copy.customers + per_customer
        )
        print(
            f"COPY / ORM: {copy.rate / orm.rate:.2f}x loading only, "
            f"{with_generation:.2f}x with generation"
        )


if __name__ == "__main__":
    main()
