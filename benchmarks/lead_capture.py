"""Lead capture through the bulk API, deduplicated against many customers, on PostgreSQL.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/lendcrm_leads_bench \\
        .venv/bin/python benchmarks/lead_capture.py [--customers 1000000] [--leads 20000]

Point it at a scratch database with migrations applied. Customers of seed `--seed` are loaded
with COPY (as `lendcrm seed-demo --bulk` does) until `--customers` of them exist; then
`--leads` leads are pushed in calls of 1,000 to POST /api/v1/leads/bulk through Django's test
client (JSON parsing, X-API-Key check, cleaning, dedupe by blind index against leads and
customers, screening, assignment, insert, audit). A `--dup-share` of the leads carry the mobile
number of an existing customer. Prints leads per second, and the outcome counts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Sequence
from datetime import date

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendcrm.config.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from generators.customers import customer_batches  # noqa: E402
from lendcrm.core.cn_ids import id_check_char  # noqa: E402
from lendcrm.customers.models import Customer  # noqa: E402
from lendcrm.demo.households import generate_customer  # noqa: E402
from lendcrm.demo.loaders import CopyLoader  # noqa: E402
from lendcrm.demo.rows import customer_values  # noqa: E402
from lendcrm.demo.services import ensure_references  # noqa: E402
from lendcrm.leads.models import Channel  # noqa: E402
from lendcrm.leads.services import create_channel, issue_channel_key  # noqa: E402

AS_OF = date(2025, 6, 30)
BATCH = 1000


def ensure_customers(seed: int, count: int) -> int:
    """Load customers of `seed` with COPY until `count` exist; returns how many were there."""
    have = Customer.objects.filter(customer_no__startswith=f"C{seed}-").count()
    if have >= count:
        return have
    refs, loader = ensure_references(), CopyLoader()
    started = time.perf_counter()
    batches = customer_batches(
        seed=seed, count=count - have, batch_size=10_000, as_of=AS_OF, first=have + 1
    )
    for n, batch in enumerate(batches, start=1):
        with transaction.atomic():
            loader.insert(Customer, [customer_values(p, refs) for p in batch])
        if n % 10 == 0:
            print(
                f"  loaded {have + n * 10_000:,} customers, {time.perf_counter() - started:,.0f} s"
            )
    print(f"loaded {count - have:,} customers in {time.perf_counter() - started:,.1f} s")
    return have


def lead_bodies(seed: int, customers: int, leads: int, dup_share: float) -> list[dict[str, object]]:
    rng = random.Random(seed)
    bodies: list[dict[str, object]] = []
    for n in range(leads):
        if rng.random() < dup_share:
            mobile = generate_customer(seed, rng.randint(1, customers), as_of=AS_OF).mobile
        else:
            mobile = f"19{rng.randint(0, 10**9 - 1):09d}"
        first17 = f"110105{1970 + n % 30}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
        bodies.append({
            "name": f"线索{n}", "mobile": mobile, "id_number": first17 + id_check_char(first17),
            "city": "北京", "requested_amount": "50000", "campaign": "百度信息流-2024Q2",
            "consent": True,
        })  # fmt: skip
    return bodies


def channel_key() -> str:
    channel = Channel.objects.filter(code="bench-feed").first() or create_channel(
        name="压测渠道", code="bench-feed"
    )
    return issue_channel_key(channel, scopes=["leads:bulk"]).plaintext


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument("--dup-share", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=611)
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        sys.exit("lead_capture: set DATABASE_URL=postgresql://... (a scratch database)")
    ensure_customers(args.seed, args.customers)
    total_customers = Customer.objects.count()
    bodies = lead_bodies(args.seed, args.customers, args.leads, args.dup_share)
    client, key = Client(), channel_key()
    totals = {"created": 0, "duplicates": 0, "rejected": 0}
    started = time.perf_counter()
    for start in range(0, len(bodies), BATCH):
        payload = json.dumps({"leads": bodies[start : start + BATCH]})
        response = client.post(
            "/api/v1/leads/bulk", payload, content_type="application/json", HTTP_X_API_KEY=key
        )
        assert response.status_code == 200, response.content[:300]
        for name in totals:
            totals[name] += response.json()[name]
    elapsed = time.perf_counter() - started
    print(f"customers in the database: {total_customers:,}")
    print(f"{args.leads:,} leads in calls of {BATCH}: {elapsed:,.1f} s, "
          f"{args.leads / elapsed:,.0f} leads/s; outcomes {totals}")  # fmt: skip


if __name__ == "__main__":
    main()
