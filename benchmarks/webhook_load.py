"""Repayment webhooks per second over loopback HTTP, against the real app under gunicorn.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/lendcrm_bench \\
        .venv/bin/python benchmarks/webhook_load.py --requests 20000 --clients 8 --workers 4

Needs active loans in the configured database (e.g. `eod_portfolio.py --loans 20000 --reset`).
It registers a benchmark channel, starts gunicorn on 127.0.0.1:8105, sends --requests signed
`payment.succeeded` notices from --clients processes (each notice for a random loan, a few
of them repeated to exercise idempotency), then reports payments per second, latency
percentiles and checks that every notice was posted exactly once and the ledger still holds.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from multiprocessing import Pool
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendcrm.config.settings")
django.setup()

from lendcrm.integrations.payments.fake import signed_webhook  # noqa: E402
from lendcrm.loans.models import Loan, Payment, PaymentChannel  # noqa: E402
from lendcrm.loans.services.ledger_verification import verify_ledger  # noqa: E402

HOST, PORT = "127.0.0.1", 8105
CHANNEL, SECRET = "benchpay", "benchmark-secret"
PATH = "/api/v1/payments/webhook"
ROOT = Path(__file__).resolve().parent.parent


def start_server(workers: int) -> subprocess.Popen[bytes]:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "lendcrm.config.wsgi:application",
        f"--bind={HOST}:{PORT}",
        f"--workers={workers}",
        "--log-level=warning",
    ]
    env = {**os.environ, "LENDCRM_LOG_LEVEL": "WARNING", "LENDCRM_DEBUG": "false"}
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection(HOST, PORT, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not come up on port 8105")


def send(batch: list[tuple[bytes, str]]) -> list[tuple[int, float]]:
    results = []
    for body, signature in batch:
        started = time.perf_counter()
        connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
        connection.request(
            "POST",
            PATH,
            body=body,
            headers={"Content-Type": "application/json", "X-Signature": signature},
        )
        status = connection.getresponse().status
        connection.close()
        results.append((status, time.perf_counter() - started))
    return results


def notices(count: int, loan_nos: list[str], paid_on: date) -> list[tuple[bytes, str]]:
    rng = random.Random(20250701)
    run = int(time.time())
    made = [
        signed_webhook(
            SECRET,
            channel=CHANNEL,
            txn_id=f"W{run}-{n}",
            loan_no=rng.choice(loan_nos),
            amount=Decimal(rng.randint(1000, 150000)).scaleb(-2),
            paid_on=paid_on,
        )
        for n in range(count)
    ]
    for n in range(0, count, 50):  # one in fifty is a duplicate delivery
        made[n] = made[max(0, n - 1)]
    return made


def in_process(work: list[tuple[bytes, str]]) -> None:
    """The posting service alone, no HTTP: what one process posts per second."""
    from lendcrm.loans.services.webhooks import receive_webhook

    started = time.perf_counter()
    for body, signature in work:
        receive_webhook(body, signature)
    elapsed = time.perf_counter() - started
    print(
        f"{len(work)} notices in-process in {elapsed:.1f}s: {len(work) / elapsed:,.0f} payments/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--paid-on", type=date.fromisoformat, default=date(2025, 7, 1))
    parser.add_argument("--in-process", action="store_true", help="call the service, no HTTP")
    args = parser.parse_args()
    PaymentChannel.objects.update_or_create(
        code=CHANNEL, defaults={"name": CHANNEL, "secret": SECRET}
    )
    loan_nos = list(
        Loan.objects.filter(status__in=("active", "overdue")).values_list("loan_no", flat=True)[
            :50_000
        ]
    )
    if not loan_nos:
        sys.exit("no active loans: run eod_portfolio.py first")
    work = notices(args.requests, loan_nos, args.paid_on)
    distinct = len({body for body, _ in work})
    if args.in_process:
        in_process(work)
        return
    before = Payment.objects.filter(channel=CHANNEL).count()
    server = start_server(args.workers)
    try:
        batches = [work[i :: args.clients] for i in range(args.clients)]
        started = time.perf_counter()
        with Pool(args.clients) as pool:
            results = [r for part in pool.map(send, batches) for r in part]
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies = sorted(seconds for _, seconds in results)
    failures = [status for status, _ in results if status != 200]
    posted = Payment.objects.filter(channel=CHANNEL).count() - before
    print(
        f"{len(results)} notices in {elapsed:.1f}s: {len(results) / elapsed:,.0f} payments/s "
        f"({args.workers} gunicorn workers, {args.clients} clients)"
    )
    print(
        f"latency p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms; non-200: {len(failures)}"
    )
    print(f"distinct notices {distinct}, payments posted {posted} (duplicates ignored)")
    result = verify_ledger()
    print(f"ledger verify: {'ok' if result.ok else result.describe()}")


if __name__ == "__main__":
    main()
