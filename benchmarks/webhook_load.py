"""Repayment webhooks per second over loopback HTTP, against the real app under gunicorn.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/lendcrm_bench REDIS_URL=redis://127.0.0.1:6379/14 \\
        .venv/bin/python benchmarks/webhook_load.py --requests 20000 --clients 8 --workers 3
    ... webhook_load.py --requests 20000 --in-process

Needs active loans in the configured database (e.g. `eod_portfolio.py --loans 20000 --reset`).
It registers a benchmark channel, starts gunicorn on 127.0.0.1:8105 and a `lendcrm worker`,
sends --requests signed `payment.succeeded` notices from --clients processes (each for a
random loan, one in fifty repeated to exercise idempotency), waits until the worker has
posted every stored notice, then reports notices received per second, latency percentiles,
payments posted per second end to end, and checks that each notice was posted exactly once
and the ledger still holds. --in-process times posting alone: one by one against batches.
"""

from __future__ import annotations

import argparse
import http.client
import json
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

from lendcrm.integrations.payments.fake import signed_webhook, signed_webhook_batch  # noqa: E402
from lendcrm.loans.choices import NoticeStatus, PaymentSource  # noqa: E402
from lendcrm.loans.models import Loan, Payment, PaymentChannel, PaymentNotice  # noqa: E402
from lendcrm.loans.services.ledger_verification import verify_ledger  # noqa: E402

HOST, PORT = "127.0.0.1", 8105
CHANNEL, SECRET = "benchpay", "benchmark-secret"
PATH = "/api/v1/payments/webhook"
BATCH_PATH = "/api/v1/payments/webhook/batch"
ROOT = Path(__file__).resolve().parent.parent


def start_server(workers: int, threads: int) -> subprocess.Popen[bytes]:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "lendcrm.config.wsgi:application",
        f"--bind={HOST}:{PORT}",
        f"--workers={workers}",
        "--worker-class=gthread",  # keeps connections open between a client's calls
        f"--threads={threads}",
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


def send(batch: list[tuple[str, bytes, str]]) -> list[tuple[int, float]]:
    """Each client sends its calls one after another over one kept-alive connection, as a
    payment channel's notifier with a connection pool does (reconnecting when it is closed)."""
    results = []
    connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
    for path, body, signature in batch:
        started = time.perf_counter()
        try:
            status = _post(connection, path, body, signature)
        except (http.client.HTTPException, ConnectionError):
            connection.close()
            connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
            status = _post(connection, path, body, signature)
        results.append((status, time.perf_counter() - started))
    connection.close()
    return results


def _post(connection: http.client.HTTPConnection, path: str, body: bytes, signature: str) -> int:
    connection.request(
        "POST",
        path,
        body=body,
        headers={"Content-Type": "application/json", "X-Signature": signature},
    )
    response = connection.getresponse()
    response.read()
    return response.status


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


def requests_for(work: list[tuple[bytes, str]], per_call: int) -> list[tuple[str, bytes, str]]:
    """One call per notice, or the same notices grouped into signed batches of `per_call`."""
    if per_call <= 1:
        return [(PATH, body, signature) for body, signature in work]
    calls = []
    for start in range(0, len(work), per_call):
        items = [json.loads(body) for body, _ in work[start : start + per_call]]
        for payload in items:
            payload.pop("channel")
        body, signature = signed_webhook_batch(SECRET, items, channel=CHANNEL)
        calls.append((BATCH_PATH, body, signature))
    return calls


def in_process(work: list[tuple[bytes, str]]) -> None:
    """Posting alone, no HTTP: one notice at a time (the old path) against inbox batches."""
    from lendcrm.loans.services import inbox
    from lendcrm.loans.services.repayments import post_payment
    from lendcrm.loans.services.webhooks import authenticate, parse_notice

    half = len(work) // 2
    parsed = [parse_notice(authenticate(body, signature), CHANNEL) for body, signature in work]
    loans = dict(
        Loan.objects.filter(loan_no__in={n.loan_no for n in parsed}).values_list("loan_no", "pk")
    )
    started = time.perf_counter()
    for notice in parsed[:half]:
        post_payment(
            Loan(pk=loans[notice.loan_no]),
            amount=notice.amount,
            channel=CHANNEL,
            channel_txn_id=notice.txn_id,
            value_date=notice.paid_on,
            source=PaymentSource.WEBHOOK,
        )
    one_by_one = half / (time.perf_counter() - started)
    for notice in parsed[half:]:
        inbox.store_notice(
            channel=CHANNEL,
            txn_id=notice.txn_id,
            event=notice.event,
            loan_no=notice.loan_no,
            amount=notice.amount,
            paid_on=notice.paid_on,
        )
    started = time.perf_counter()
    handled = inbox.drain(budget_seconds=3600)
    batched = handled / (time.perf_counter() - started)
    print(f"posting in-process, one by one: {one_by_one:,.0f} payments/s ({half} notices)")
    print(f"posting in-process, inbox batches of {inbox.BATCH_SIZE}: {batched:,.0f} payments/s")
    print(f"batches against one by one: {batched / one_by_one:.1f}x")


def start_worker(concurrency: int) -> subprocess.Popen[bytes]:
    command = [
        str(ROOT / ".venv" / "bin" / "lendcrm"),
        "worker",
        f"--concurrency={concurrency}",
    ]
    env = {**os.environ, "LENDCRM_LOG_LEVEL": "WARNING"}
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)


def wait_until_posted(notice_ids_from: int, expected: int, timeout: float) -> float:
    """Seconds until every notice stored in this run has left the inbox."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        waiting = PaymentNotice.objects.filter(
            pk__gt=notice_ids_from, status=NoticeStatus.RECEIVED
        ).count()
        stored = PaymentNotice.objects.filter(pk__gt=notice_ids_from).count()
        if stored >= expected and waiting == 0:
            return time.perf_counter()
        time.sleep(0.05)
    sys.exit("notices still waiting after the timeout")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--posting-workers", type=int, default=1, help="Celery concurrency")
    parser.add_argument("--paid-on", type=date.fromisoformat, default=date(2025, 7, 1))
    parser.add_argument("--per-call", type=int, default=1, help="notices per call (batch API)")
    parser.add_argument("--in-process", action="store_true", help="call the services, no HTTP")
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
    if not os.environ.get("REDIS_URL"):
        sys.exit("set REDIS_URL: the webhook stores notices and a Celery worker posts them")
    before = Payment.objects.filter(channel=CHANNEL).count()
    last_notice = PaymentNotice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    server = start_server(args.workers, args.threads)
    worker = start_worker(args.posting_workers)
    try:
        calls = requests_for(work, args.per_call)
        batches = [calls[i :: args.clients] for i in range(args.clients)]
        started = time.perf_counter()
        with Pool(args.clients) as pool:
            results = [r for part in pool.map(send, batches) for r in part]
        received = time.perf_counter()
        posted_at = wait_until_posted(last_notice, distinct, timeout=600)
    finally:
        server.terminate()
        worker.terminate()
        server.wait(timeout=30)
        worker.wait(timeout=30)
    latencies = sorted(seconds for _, seconds in results)
    failures = [status for status, _ in results if status != 200]
    posted = Payment.objects.filter(channel=CHANNEL).count() - before
    print(
        f"{len(work)} notices in {len(results)} calls of {args.per_call} received in "
        f"{received - started:.1f}s: {len(work) / (received - started):,.0f} notices/s "
        f"({args.workers} gunicorn workers, {args.clients} clients)"
    )
    print(
        f"latency p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms; non-200: {len(failures)}"
    )
    print(
        f"all posted {posted_at - received:.1f}s after the last notice: "
        f"{posted / (posted_at - started):,.0f} payments/s sustained, end to end "
        f"({args.posting_workers} posting worker(s))"
    )
    print(f"distinct notices {distinct}, payments posted {posted} (duplicates ignored)")
    result = verify_ledger()
    print(f"ledger verify: {'ok' if result.ok else result.describe()}")


if __name__ == "__main__":
    main()
