"""The audit log at scale: appends per second, chain verification, and the auditor's queries.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/lendcrm_bench \\
        .venv/bin/python benchmarks/audit_log.py [--events 1000000] [--appends 2000]

It writes into the configured database, so point it at a scratch one with migrations applied;
it refuses to start when the audit log is not empty. Phases:

1. appends: `--appends` calls of record_event(), the real path with the chain-head lock;
2. bulk load: the rest of `--events`, a valid chain computed with the same canonical form and
   loaded with COPY (PostgreSQL) or executemany (SQLite) — appending a million rows one by one
   would take too long; the chain-head guard trigger is lifted for the one jump of the head;
3. verify: run_verification() over the whole log (saving checkpoints), then the detail
   page's check of the newest record from its checkpoint;
4. list queries: the auditor's filters, first page and a page deep in the log, median of runs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendcrm.config.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402

from lendcrm.audit import queries  # noqa: E402
from lendcrm.audit.chain import canonical_payload, entry_hash  # noqa: E402
from lendcrm.audit.models import AuditChainHead, AuditEvent  # noqa: E402
from lendcrm.audit.services import record_event, run_verification, verify_chain  # noqa: E402

ACTIONS = [
    f"{domain}.{verb}"
    for domain in (
        "customer",
        "loan",
        "lead",
        "review",
        "user",
        "application",
        "repayment",
        "collection",
    )
    for verb in ("viewed", "updated", "created", "approved")
]
COLUMNS = (
    "sequence", "occurred_at", "actor_id", "actor_username", "action", "object_type",
    "object_id", "ip_address", "user_agent", "changes", "metadata", "prev_hash", "entry_hash",
)  # fmt: skip


def synthetic_rows(count: int, start: int, prev: str, seed: int) -> Iterator[tuple[Any, ...]]:
    """A valid chain continuing after `start`: 300 actors, 32 actions, a year of events."""
    rng = random.Random(seed)
    first_day = datetime(2025, 1, 1, tzinfo=UTC)
    step = timedelta(days=365) / max(count, 1)
    for i in range(count):
        sequence = start + i + 1
        fields: dict[str, Any] = {
            "occurred_at": first_day + step * i,
            "actor_id": rng.randrange(1, 301),
            "actor_username": f"user{rng.randrange(1, 301):03d}",
            "action": rng.choice(ACTIONS),
            "object_type": "customers.customer",
            "object_id": str(rng.randrange(1, 200_000)),
            "ip_address": f"10.{rng.randrange(4)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
            "user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0",
            "changes": {"employer": {"before": "甲公司", "after": "乙公司"}},
            "metadata": {"channel": "web", "n": i},
        }
        digest = entry_hash(prev, canonical_payload(sequence=sequence, **fields))
        yield (sequence, *fields.values(), prev, digest)
        prev = digest


def bulk_load(rows: Iterator[tuple[Any, ...]]) -> tuple[int, str]:
    last = (0, "")
    columns = ", ".join(COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY audit_auditevent ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(_jsonify(row))
                    last = (row[0], row[-1])
        else:
            marks = ", ".join(["%s"] * len(COLUMNS))
            batch = [_jsonify(row) for row in rows]
            cursor.executemany(f"INSERT INTO audit_auditevent ({columns}) VALUES ({marks})", batch)
            last = (batch[-1][0], batch[-1][-1]) if batch else last
    return last


def _jsonify(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return (*row[:9], json.dumps(row[9], ensure_ascii=False), json.dumps(row[10]), *row[11:])


def move_head(sequence: int, last_hash: str) -> None:
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            cursor.execute(
                "ALTER TABLE audit_auditchainhead DISABLE TRIGGER audit_chain_head_forward_only"
            )
        cursor.execute(
            "UPDATE audit_auditchainhead SET sequence = %s, last_hash = %s WHERE id = 1",
            [sequence, last_hash],
        )
        if postgres:
            cursor.execute(
                "ALTER TABLE audit_auditchainhead ENABLE TRIGGER audit_chain_head_forward_only"
            )


def timed(action: Callable[[], object], runs: int = 5) -> float:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples) * 1000


def list_query_figures(total: int) -> None:
    deep = total // 2
    cases: list[tuple[str, queries.EventFilters, int | None]] = [
        ("newest, no filter", queries.EventFilters(), None),
        ("no filter, page at the middle", queries.EventFilters(), deep),
        ("actor", queries.EventFilters(actor="user042"), None),
        ("actor, page at the middle", queries.EventFilters(actor="user042"), deep),
        ("action", queries.EventFilters(action="loan.approved"), None),
        ("action prefix loan.*", queries.EventFilters(action="loan.*"), None),
        ("object", queries.EventFilters(object_type="customers.customer", object_id="4242"), None),
        ("ip", queries.EventFilters(ip="10.1.2.3"), None),
        ("one day", queries.EventFilters(date_from=datetime(2025, 6, 1).date(),
                                          date_to=datetime(2025, 6, 1).date()), None),
        ("actor + one month", queries.EventFilters(actor="user042", date_from=datetime(2025, 6, 1).date(),
                                                   date_to=datetime(2025, 6, 30).date()), None),
    ]  # fmt: skip
    print("list_events, 50 rows, median of 5 runs:")
    for label, filters, before in cases:
        ms = timed(lambda f=filters, b=before: queries.list_events(f, before=b))
        print(f"  {label:<32} {ms:>8.1f} ms")


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20250115)
    args = parser.parse_args(argv)
    if AuditEvent.objects.exists():
        sys.exit("benchmarks/audit_log.py: the audit log is not empty; use a scratch database")
    print(f"database: {connection.vendor}")
    began = time.perf_counter()
    for i in range(args.appends):
        record_event("bench.append", username="bench", object_id=str(i))
    elapsed = time.perf_counter() - began
    print(f"record_event, one at a time:       {args.appends / elapsed:>10,.0f} events/s")
    head = AuditChainHead.objects.get()
    began = time.perf_counter()
    rest = synthetic_rows(args.events - args.appends, head.sequence, head.last_hash, args.seed)
    last_sequence, last_hash = bulk_load(rest)
    move_head(last_sequence, last_hash)
    print(f"bulk load to {last_sequence:,} events:     {time.perf_counter() - began:>10.1f} s")
    began = time.perf_counter()
    report = run_verification()
    elapsed = time.perf_counter() - began
    print(f"audit verify: ok={report.ok}, {report.checked:,} records in {elapsed:.1f} s "
          f"({report.checked / elapsed:,.0f} records/s), checkpoints saved")  # fmt: skip
    checkpoint = queries.latest_checkpoint(at_or_before=last_sequence - 1)
    ms = timed(lambda: verify_chain(up_to=last_sequence - 1, start=checkpoint), runs=3)
    print(f"detail page check of #{last_sequence - 1:,} from its checkpoint: {ms:,.0f} ms")
    list_query_figures(last_sequence)


if __name__ == "__main__":
    main(sys.argv[1:])
