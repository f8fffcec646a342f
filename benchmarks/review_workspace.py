"""Opening the reviewer workspace (信审工作台) on a fully seeded application, in one process.

    createdb -h 127.0.0.1 -U postgres lendcrm_bench_ws
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/lendcrm_bench_ws .venv/bin/lendcrm migrate
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/lendcrm_bench_ws \\
        .venv/bin/python benchmarks/review_workspace.py [--requests 30]

Seeds (with the test factories) one application in manual review whose customer has contacts,
a bureau report and an earlier application, with a decision record and uploaded ID documents,
opens its review task for a reviewer, then times GET of the workspace through Django's test
client (middleware, access policy, scoped reads, every section rendered) and counts its
queries. Target: under 300 ms. The factories number their rows from 1 in every process, so run
it on a freshly created database each time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendcrm.config.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from lendcrm.applications.choices import ApplicationStatus  # noqa: E402
from lendcrm.customers.tests.factories import (  # noqa: E402
    BranchFactory,
    CustomerFactory,
    TeamFactory,
    UserFactory,
)
from lendcrm.identity.choices import Role  # noqa: E402
from lendcrm.reporting.tests.factories import ApplicationFactory, ProductFactory  # noqa: E402
from lendcrm.reviews.models import ReviewTask  # noqa: E402
from lendcrm.reviews.services import create_review_task  # noqa: E402
from lendcrm.reviews.tests.conftest import (  # noqa: E402
    add_bureau_report,
    add_contacts,
    add_decision_record,
    add_documents,
)


def seeded_task() -> tuple[ReviewTask, object]:
    branch = BranchFactory()
    review_team, sales_team = TeamFactory(parent=branch), TeamFactory(parent=branch)
    reviewer = UserFactory(team=review_team, roles=[Role.REVIEWER])
    director = UserFactory(team=TeamFactory(), roles=[Role.REVIEW_DIRECTOR])
    sales = UserFactory(team=sales_team, roles=[Role.SALES])
    customer = CustomerFactory(owner=sales, employer="某科技公司")
    product = ProductFactory()
    application = ApplicationFactory(
        customer=customer, product=product, status=ApplicationStatus.MANUAL_REVIEW, risk_grade="B"
    )
    add_contacts(customer)
    add_bureau_report(customer)
    add_decision_record(application, director)
    add_documents(application, sales)
    ApplicationFactory(customer=customer, product=product, status=ApplicationStatus.DECLINED)
    task = create_review_task(application)
    ReviewTask.objects.filter(pk=task.pk).update(assignee=reviewer)
    return task, reviewer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    task, reviewer = seeded_task()
    client = Client()
    client.force_login(reviewer)
    url = reverse("reviews:workspace", args=[task.pk])
    assert client.get(url).status_code == 200  # warm templates and caches
    statements: list[str] = []

    def count(run: Any, sql: str, *rest: Any) -> Any:
        statements.append(sql)
        return run(sql, *rest)

    with connection.execute_wrapper(count):
        client.get(url)
    timings = []
    for _ in range(args.requests):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"workspace: {len(statements)} queries; best {timings[0]:.1f} ms, "
        f"median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms over {args.requests} "
        f"requests (target: under 300 ms); load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
