"""Two approvers acting at the same moment on one instance (PostgreSQL, real threads): the
instance row lock serialises them, so a node completes once and the chain approves once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.approvals.choices import ActionKind, TaskStatus
from lendcrm.approvals.models import ApprovalChain, ApprovalTask
from lendcrm.approvals.services import act, running, start_approval
from lendcrm.approvals.tests.conftest import OPINION, People
from lendcrm.audit.models import AuditEvent
from lendcrm.core.errors import Conflict

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _race(tasks: list[ApprovalTask]) -> list[str]:
    """Both assignees approve at once; returns "ok" or the refusal class of each."""
    barrier = threading.Barrier(len(tasks))
    results: list[str] = []

    def approve(task: ApprovalTask) -> None:
        try:
            barrier.wait(timeout=10)
            act(task, action=ActionKind.APPROVE, acting_user=task.assignee)
            results.append("ok")
        except Conflict:
            results.append("conflict")
        except Exception as exc:  # reported by the assertion below
            results.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(task,)) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(results)


@pytest.mark.parametrize(
    ("kind", "expected"), [("any_of", ["conflict", "ok"]), ("all_of", ["ok", "ok"])]
)
def test_concurrent_approvals_complete_the_last_node_exactly_once(
    application: Application,
    people: People,
    only_chain: Callable[..., ApprovalChain],
    kind: str,
    expected: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checks = running._check_four_eyes

    def slow_checks(*args: Any) -> None:  # widen the window in which the two could overlap
        time.sleep(0.3)
        checks(*args)

    monkeypatch.setattr(running, "_check_four_eyes", slow_checks)
    only_chain(("committee", kind, 2))
    instance = start_approval(application, acting_user=people.reviewer, opinion=OPINION, note="")
    tasks = list(instance.tasks.select_related("assignee", "instance__application"))

    results = _race(tasks)

    assert results == expected
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    approved = instance.tasks.filter(status=TaskStatus.APPROVED).count()
    assert approved == (1 if kind == "any_of" else 2)
    assert AuditEvent.objects.filter(action="approvals.completed").count() == 1
