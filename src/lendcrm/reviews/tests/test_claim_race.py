"""Two reviewers claiming the same pool task at once: exactly one wins (PostgreSQL row lock)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from lendcrm.applications.models import Application
from lendcrm.core.errors import Conflict
from lendcrm.reviews.choices import ReviewTaskStatus
from lendcrm.reviews.models import ReviewTask
from lendcrm.reviews.services import claim_review_task, create_review_task
from lendcrm.reviews.tests.conftest import Org

# Transactional (the two claims commit in their own connections); it runs after every
# non-transactional test, and the claim below does not depend on seeded rules.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks")
def test_only_one_of_two_concurrent_claims_wins(
    org: Org, make_application: Callable[..., Application]
) -> None:
    task = create_review_task(make_application())
    ReviewTask.objects.filter(pk=task.pk).update(status=ReviewTaskStatus.OPEN, assignee=None)
    start = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def claim(user_index: int) -> None:
        user = (org.reviewer, org.reviewer2)[user_index]
        try:
            start.wait()
            claim_review_task(task.pk, acting_user=user)
            outcomes[user_index] = "won"
        except Conflict:
            outcomes[user_index] = "conflict"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["conflict", "won"]
    task.refresh_from_db()
    winner = (org.reviewer, org.reviewer2)[next(i for i, o in outcomes.items() if o == "won")]
    assert (task.status, task.assignee) == (ReviewTaskStatus.CLAIMED, winner)
