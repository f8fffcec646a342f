"""POST /api/v1/decisions/pre-screen at a fixed rate over loopback HTTP, against gunicorn.

    createdb -h 127.0.0.1 -U postgres lendcrm_bench_dec
    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/lendcrm_bench_dec
    .venv/bin/lendcrm migrate
    .venv/bin/python benchmarks/prescreen_load.py --rate 200 --seconds 30 --workers 4
    dropdb -h 127.0.0.1 -U postgres lendcrm_bench_dec

Publishes the default strategy (maker and checker are two risk analysts it creates), issues a
bearer token to a system caller, starts gunicorn on 127.0.0.1:8103 (--port; --worker-class,
--server-threads, --gunicorn-arg to try other set-ups) and sends pre-screen
requests on an open-loop schedule (request i is due at start + i / rate, whatever the
previous answers took; a request sent late is timed from when it was due, so queueing in the
client counts against the server). Each request is a distinct synthetic applicant with an ID
number and mobile, so the list lookup, bureau and multi-lending fakes, the decision record
and its audit event are all exercised. Reports achieved rate, latency percentiles and checks
that every request stored exactly one decision. Client threads keep their connection when the
server allows it (gthread workers); timing is still from each request's due time.

Another throw-away database may be used with --scratch-database.
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
import threading
import time
from multiprocessing import Pool
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendcrm.config.settings")
django.setup()

from lendcrm.core.cn_ids import id_check_char  # noqa: E402
from lendcrm.decisions.models import DecisionRecord  # noqa: E402
from lendcrm.decisions.seeding import seed_default_strategy  # noqa: E402
from lendcrm.identity.choices import Role  # noqa: E402
from lendcrm.identity.models import User  # noqa: E402
from lendcrm.identity.services import assign_roles, issue_api_token  # noqa: E402

HOST = "127.0.0.1"
PATH = "/api/v1/decisions/pre-screen"
ROOT = Path(__file__).resolve().parent.parent


def user(username: str, role: Role) -> User:
    found, created = User.objects.get_or_create(username=username)
    if created:
        found.set_unusable_password()
        found.save()
        assign_roles(found, [role])
    return found


def start_server(args: argparse.Namespace) -> subprocess.Popen[bytes]:
    port = args.port
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "lendcrm.config.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={args.workers}",
        f"--worker-class={args.worker_class}",
        f"--threads={args.server_threads}",
        f"--backlog={args.backlog}",
        "--log-level=warning",
        *args.gunicorn_arg,
    ]
    env = {**os.environ, "LENDCRM_LOG_LEVEL": "WARNING", "LENDCRM_DEBUG": "false"}
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    for _ in range(150):
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit(f"gunicorn did not come up on port {port}")


def applicant(n: int, rng: random.Random) -> dict[str, object]:
    first17 = f"110105{1970 + n % 30}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return {
        "id_number": first17 + id_check_char(first17),
        "mobile": f"13{n % 10}{n:08d}"[:11],
        "province": rng.choice(["北京市", "广东省", "浙江省", "青海省"]),
        "monthly_income": rng.choice([2800, 6000, 9000, 15000, 30000]),
        "requested_amount": rng.choice([10000, 30000, 80000]),
        "identity_verified": True,
        "education": rng.choice(["bachelor", "college", "master"]),
        "housing": rng.choice(["owned", "rented", "family"]),
        "employment_years": rng.randint(0, 12),
    }


def client(
    job: tuple[list[tuple[float, bytes]], str, int, int],
) -> list[tuple[float, int, float]]:
    """Sends each body when it is due, from a few threads; returns (due, status, seconds).

    Each thread keeps its connection while the server keeps it open (gthread workers do;
    sync workers close it after every answer and the next request connects again).
    """
    schedule, token, threads, port = job
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    results: list[tuple[float, int, float]] = []
    lock = threading.Lock()
    cursor = iter(schedule)

    def run() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        while True:
            with lock:
                item = next(cursor, None)
            if item is None:
                connection.close()
                return
            due, body = item
            delay = due - time.time()
            if delay > 0:
                time.sleep(delay)
            try:
                connection.request("POST", PATH, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (http.client.HTTPException, OSError):
                connection.close()  # the next request connects again
                status = 0
            with lock:
                results.append((due, status, time.time() - due))

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds not counted")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class")
    parser.add_argument("--server-threads", type=int, default=2, help="threads per worker")
    parser.add_argument("--backlog", type=int, default=2048, help="gunicorn listen backlog")
    parser.add_argument(
        "--gunicorn-arg", action="append", default=[], help="passed to gunicorn (repeatable)"
    )
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--threads", type=int, default=12, help="threads per client process")
    parser.add_argument("--port", type=int, default=8103, help="gunicorn's port on 127.0.0.1")
    parser.add_argument(
        "--scratch-database",
        action="store_true",
        help="DATABASE_URL names a throw-away database other than lendcrm_bench_dec",
    )
    args = parser.parse_args()
    if not args.scratch_database and "lendcrm_bench_dec" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("point DATABASE_URL at the lendcrm_bench_dec database (or --scratch-database)")
    maker = user("bench_risk_maker", Role.RISK_ANALYST)
    checker = user("bench_risk_checker", Role.RISK_ANALYST)
    seed_default_strategy(maker=maker, checker=checker)
    token = issue_api_token(user("bench_channel", Role.ADMIN)).plaintext
    rng = random.Random(20261123)
    total = int(args.rate * (args.seconds + args.warmup))
    offset = int(time.time()) % 100_000 * 1000
    bodies = [json.dumps({"input": applicant(offset + n, rng)}).encode() for n in range(total)]
    before = DecisionRecord.objects.count()
    server = start_server(args)
    try:
        start = time.time() + 1.0
        schedule = [(start + n / args.rate, body) for n, body in enumerate(bodies)]
        jobs = [
            (schedule[i :: args.clients], token, args.threads, args.port)
            for i in range(args.clients)
        ]
        with Pool(args.clients) as pool:
            parts = pool.map(client, jobs)
        finished = time.time()
    finally:
        server.terminate()
        server.wait(timeout=30)
    results = [r for part in parts for r in part]
    counted_from = start + args.warmup
    latencies = sorted(seconds for due, _, seconds in results if due >= counted_from)
    failures = [status for _, status, _ in results if status != 200]
    stored = DecisionRecord.objects.count() - before

    def p(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * q))] * 1000

    print(
        f"{len(results)} requests due at {args.rate:.0f}/s over {args.seconds + args.warmup:.0f}s; "
        f"last answered {finished - schedule[-1][0]:.2f}s after it was due "
        f"({args.workers} gunicorn {args.worker_class} workers x{args.server_threads} threads, "
        f"{args.clients}x{args.threads} client threads)"
    )
    print(
        f"latency p50 {p(0.50):.1f} ms, p90 {p(0.90):.1f} ms, p99 {p(0.99):.1f} ms, "
        f"max {latencies[-1] * 1000:.1f} ms, mean {statistics.mean(latencies) * 1000:.1f} ms; "
        f"non-200: {len(failures)}"
    )
    print(
        f"{len(latencies)} requests after a {args.warmup:.0f}s warm-up counted; "
        f"decisions stored {stored} for {len(results)} requests"
    )
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
