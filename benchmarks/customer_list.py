"""Customer list and search over a large customer table: first-page latency, median and p95.

    createdb -h 127.0.0.1 -U postgres lendcrm_bench_customers
    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/lendcrm_bench_customers
    .venv/bin/lendcrm migrate
    .venv/bin/python benchmarks/seed_customers.py --customers 1000000 --orm-customers 5000 --keep
    .venv/bin/python benchmarks/customer_list.py [--runs 30] [--explain]

Every query goes through `lendcrm.customers.queries.list_customers`, the code the list page and
`GET /api/v1/customers` run, as an admin (data scope ALL) and as a sales manager (scope TEAM).
Before timing, tags are put on a share of the customers with one set-based INSERT each
(idempotent): 高意向 10 %, 优质客户 2 %, 风险关注 0.2 %. Search values (a city, a name, a mobile)
are taken from stored customers and never printed. The target is a first page under 200 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendcrm.config.settings")
django.setup()

from django.db import connection  # noqa: E402

from lendcrm.customers.models import Customer, Tag, TagAssignment  # noqa: E402
from lendcrm.customers.queries import (  # noqa: E402
    CustomerFilters,
    _count_tags,
    filtered_customers,
    list_customers,
    list_tag_counts,
)
from lendcrm.identity.choices import Role  # noqa: E402
from lendcrm.identity.models import User  # noqa: E402
from lendcrm.identity.roles import roles_of, scope_of  # noqa: E402

TARGET_MS = 200.0
# tag name → customers per thousand carrying it, chosen by a hash of the id (deterministic)
TAG_SHARES = {"高意向": 100, "优质客户": 20, "风险关注": 2}


def ensure_tags() -> None:
    for name, per_mille in TAG_SHARES.items():
        tag = Tag.objects.get(name=name)
        if TagAssignment.objects.filter(tag=tag).exists():
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {TagAssignment._meta.db_table}
                    (tag_id, customer_id, source, assigned_at)
                SELECT %s, id, %s, now() FROM {Customer._meta.db_table}
                WHERE (id * 2654435761) %% 1000 < %s
                """,
                [tag.pk, "rule" if tag.kind == "auto" else "manual", per_mille],
            )
            print(f"  tagged {cursor.rowcount:,} customers {name}")
    with connection.cursor() as cursor:  # fresh statistics after bulk loading
        cursor.execute(f"ANALYZE {Customer._meta.db_table}")
        cursor.execute(f"ANALYZE {TagAssignment._meta.db_table}")


def timed(run: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    result = run()  # warm-up: plan cache, buffers
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = run()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95, result


def cursor_for_page(user: Any, filters: CustomerFilters, page: int) -> str:
    cursor = ""
    for _ in range(page - 1):
        cursor = list_customers(user, filters=filters, cursor=cursor).next_cursor or ""
    return cursor


def sample_values() -> dict[str, str]:
    """A city, a surname, a name and a mobile of stored customers (kept in memory only)."""
    middle = Customer.objects.order_by("id")[Customer.objects.count() // 2]
    rare = Customer.objects.order_by("-id")[12345]
    return {
        "city": middle.city,
        "surname": middle.name[:1],
        "name": rare.name,
        "mobile": rare.mobile,
    }


def cases(values: dict[str, str]) -> list[tuple[str, CustomerFilters, int]]:
    return [
        ("first page, no filter", CustomerFilters(), 1),
        ("city", CustomerFilters(city=values["city"]), 1),
        ("tag 高意向 (10 %)", CustomerFilters(tag="高意向"), 1),
        ("tag 风险关注 (0.2 %)", CustomerFilters(tag="风险关注"), 1),
        ("name prefix, surname", CustomerFilters.from_search(values["surname"]), 1),
        ("name prefix, full name", CustomerFilters.from_search(values["name"]), 1),
        ("exact mobile (blind index)", CustomerFilters.from_search(values["mobile"]), 1),
        ("page 50 by cursor", CustomerFilters(), 50),
        ("page 50 by cursor, city", CustomerFilters(city=values["city"]), 50),
    ]


def users() -> list[tuple[str, User]]:
    admin = User.objects.filter(is_superuser=True).first() or User.objects.order_by("pk").first()
    chosen = [("admin (ALL)", admin)]
    for user in User.objects.filter(team__isnull=False).order_by("pk"):
        if Role.SALES_MANAGER in roles_of(user):
            chosen.append(("sales manager (TEAM)", user))
            break
    return [(label, user) for label, user in chosen if user is not None]


def explain(user: Any, filters: CustomerFilters) -> None:
    query = filtered_customers(user, filters)[:26]
    print(query.explain(analyze=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--explain", action="store_true", help="print each plan (EXPLAIN ANALYZE)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("customer_list: run against PostgreSQL (DATABASE_URL=postgresql://...)")
    total = Customer.objects.count()
    print(f"{total:,} customers; {args.runs} runs per case after one warm-up")
    ensure_tags()
    values = sample_values()
    worst = 0.0
    for label, user in users():
        print(f"\n{label}")
        print(f"  {'case':<32} {'rows':>5} {'median ms':>10} {'p95 ms':>8}")
        for name, filters, page in cases(values):
            cursor = cursor_for_page(user, filters, page)
            median, p95, result = timed(
                lambda f=filters, c=cursor, u=user: list_customers(u, filters=f, cursor=c),
                args.runs,
            )
            worst = max(worst, p95)
            print(f"  {name:<32} {len(result.items):>5} {median:>10.1f} {p95:>8.1f}")
            if args.explain:
                explain(user, filters)
        median, p95, _result = timed(
            lambda u=user: _count_tags(u, scope_of(u)), max(5, args.runs // 3)
        )
        print(f"  {'tag counts, uncached':<32} {'':>5} {median:>10.1f} {p95:>8.1f}")
        median, p95, _result = timed(lambda u=user: list_tag_counts(u), args.runs)
        print(f"  {'tag counts, cached (list page)':<32} {'':>5} {median:>10.1f} {p95:>8.1f}")
    verdict = "met" if worst < TARGET_MS else "MISSED"
    print(f"\nworst first-page p95 {worst:.1f} ms: target {TARGET_MS:.0f} ms {verdict}")


if __name__ == "__main__":
    main()
