"""Review tasks: rule matching, workload-based assignment, claim and release, reassignment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from lendcrm.applications.models import Application
from lendcrm.audit.models import AuditEvent
from lendcrm.core.errors import Conflict, DomainError, PermissionDenied
from lendcrm.reporting.tests.factories import ProductFactory
from lendcrm.reviews.choices import ReviewLevel, ReviewTaskStatus
from lendcrm.reviews.models import ReviewRule, ReviewTask
from lendcrm.reviews.services import (
    claim_review_task,
    create_review_task,
    match_rule,
    reassign_review_task,
    release_review_task,
)
from lendcrm.reviews.tests.conftest import T0, Org

pytestmark = pytest.mark.django_db

MakeApp = Callable[..., Application]


def _rule(**values: object) -> ReviewRule:
    values.setdefault("name", "rule")
    return ReviewRule.objects.create(**values)


def test_the_seeded_default_rule_matches_any_application(make_application: MakeApp) -> None:
    rule = match_rule(make_application())

    assert rule is not None
    assert (rule.min_level, rule.sla_minutes, rule.product_id) == ("reviewer", 240, None)


def test_the_matching_rule_with_the_lowest_priority_number_applies(
    make_application: MakeApp, no_default_rule: None
) -> None:
    other_product = ProductFactory(code="CAR-36", name="车贷")
    _rule(name="car", product=other_product, priority=1)
    big = _rule(
        name="big", min_amount=Decimal("100000"), priority=10, min_level="review_supervisor"
    )
    grade_c = _rule(name="grade C", risk_grades=["C"], priority=20)
    fallback = _rule(name="any", priority=100)

    assert match_rule(make_application(amount=Decimal("150000.00"))) == big
    assert match_rule(make_application(amount=Decimal("100000.00"))) == big  # band inclusive
    assert match_rule(make_application(risk_grade="C")) == grade_c
    assert match_rule(make_application(risk_grade="A")) == fallback
    assert match_rule(make_application(product=other_product, amount=Decimal("1"))).name == "car"


def test_an_inactive_or_non_matching_rule_leaves_no_rule(
    make_application: MakeApp, no_default_rule: None
) -> None:
    _rule(name="off", is_active=False)
    _rule(name="small", max_amount=Decimal("1000"))

    assert match_rule(make_application()) is None


def test_a_new_task_goes_to_the_reviewer_with_the_fewest_held_tasks(
    org: Org, make_application: MakeApp, frozen: Callable[[datetime], None]
) -> None:
    first = create_review_task(make_application())
    second = create_review_task(make_application())
    third = create_review_task(make_application())

    # reviewer, reviewer2 and the supervisor (level at or above reviewer) share the load
    holders = {first.assignee, second.assignee, third.assignee}
    assert holders == {org.reviewer, org.reviewer2, org.supervisor}
    assert first.status == ReviewTaskStatus.CLAIMED
    assert first.due_at == T0 + timedelta(minutes=240)
    assert AuditEvent.objects.filter(action="reviews.task_assigned").count() == 3


def test_ties_go_to_the_reviewer_idle_longest(
    org: Org, make_application: MakeApp, frozen: Callable[[datetime], None], no_default_rule: None
) -> None:
    _rule(name="supervisors", min_level="review_supervisor")
    done = create_review_task(make_application())
    assert done.assignee == org.supervisor  # neither was ever assigned: lowest id
    ReviewTask.objects.filter(pk=done.pk).update(status=ReviewTaskStatus.DONE)

    frozen(T0 + timedelta(hours=1))
    next_task = create_review_task(make_application())

    # both hold nothing now; the director, never assigned, has been idle longest
    assert next_task.assignee == org.director


def test_the_rule_level_excludes_lower_reviewers(
    org: Org, make_application: MakeApp, no_default_rule: None
) -> None:
    _rule(name="director only", min_level=ReviewLevel.REVIEW_DIRECTOR)

    task = create_review_task(make_application())

    assert (task.level, task.assignee) == ("review_director", org.director)


def test_without_an_eligible_reviewer_the_task_stays_in_the_pool(
    org: Org, make_application: MakeApp
) -> None:
    for user in (org.reviewer, org.reviewer2, org.supervisor, org.director):
        user.is_active = False
        user.save(update_fields=["is_active"])

    task = create_review_task(make_application())

    assert (task.status, task.assignee) == (ReviewTaskStatus.OPEN, None)


def test_reviewers_of_another_branch_are_not_eligible(org: Org, make_application: MakeApp) -> None:
    tasks = [create_review_task(make_application()) for _ in range(6)]

    assert org.outsider not in {t.assignee for t in tasks}


def test_creating_a_task_twice_returns_the_active_one(make_application: MakeApp) -> None:
    application = make_application()

    assert create_review_task(application) == create_review_task(application)
    assert ReviewTask.objects.filter(application=application).count() == 1


def _to_pool(task: ReviewTask) -> None:
    ReviewTask.objects.filter(pk=task.pk).update(status=ReviewTaskStatus.OPEN, assignee=None)


def test_claim_takes_a_pool_task_and_release_puts_it_back(
    org: Org, make_application: MakeApp
) -> None:
    task = create_review_task(make_application())
    _to_pool(task)

    claimed = claim_review_task(task.pk, acting_user=org.reviewer)
    assert (claimed.status, claimed.assignee) == (ReviewTaskStatus.CLAIMED, org.reviewer)
    with pytest.raises(Conflict) as second:
        claim_review_task(task.pk, acting_user=org.reviewer2)
    assert second.value.problems[0].field == "task"
    with pytest.raises(PermissionDenied):
        release_review_task(task.pk, acting_user=org.reviewer2)

    released = release_review_task(task.pk, acting_user=org.reviewer)
    assert (released.status, released.assignee) == (ReviewTaskStatus.OPEN, None)
    assert released.due_at == task.due_at


def test_a_reviewer_cannot_claim_a_task_above_their_level(
    org: Org, make_application: MakeApp
) -> None:
    task = create_review_task(make_application())
    _to_pool(task)
    ReviewTask.objects.filter(pk=task.pk).update(level=ReviewLevel.REVIEW_SUPERVISOR)

    with pytest.raises(PermissionDenied):
        claim_review_task(task.pk, acting_user=org.reviewer)


def test_a_supervisor_reassigns_with_a_reason_and_it_is_audited(
    org: Org, make_application: MakeApp
) -> None:
    task = create_review_task(make_application())
    target = org.reviewer2 if task.assignee != org.reviewer2 else org.reviewer

    moved = reassign_review_task(task, target, acting_user=org.supervisor, reason="休假")

    assert (moved.assignee, moved.status) == (target, ReviewTaskStatus.CLAIMED)
    event = AuditEvent.objects.get(action="reviews.task_reassigned")
    assert event.metadata["to"] == target.pk
    assert event.metadata["reason"] == "休假"


def test_a_reviewer_may_not_reassign(org: Org, make_application: MakeApp) -> None:
    task = create_review_task(make_application())

    with pytest.raises(PermissionDenied):
        reassign_review_task(task, org.reviewer2, acting_user=org.reviewer, reason="x")


def test_reassignment_names_the_wrong_field(org: Org, make_application: MakeApp) -> None:
    task = create_review_task(make_application())

    with pytest.raises(DomainError) as no_reason:
        reassign_review_task(task, org.reviewer2, acting_user=org.supervisor, reason=" ")
    assert no_reason.value.problems[0].field == "reason"
    with pytest.raises(DomainError) as out_of_branch:
        reassign_review_task(task, org.outsider, acting_user=org.supervisor, reason="忙")
    assert out_of_branch.value.problems[0].field == "to_user"
