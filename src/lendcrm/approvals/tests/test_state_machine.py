"""Random chains and random sequences of actions by random users (the right ones, wrong ones,
delegates, the owner, the reviewer): the application is approved only when every node of the
chain is satisfied, and nobody approves it twice or approves their own work."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.approvals.choices import ActionKind, InstanceStatus, NodeKind, TaskStatus
from lendcrm.approvals.models import ApprovalChain, ApprovalInstance, Delegation
from lendcrm.approvals.services import act, start_approval
from lendcrm.approvals.terms import ApprovalTerms
from lendcrm.approvals.tests.conftest import OPINION, People
from lendcrm.core import clock
from lendcrm.core.errors import DomainError

pytestmark = pytest.mark.django_db

LEVELS = ["review_supervisor", "review_director", "committee"]


@st.composite
def chain_shapes(draw: st.DrawFn) -> list[tuple[str, str, int]]:
    levels = draw(st.lists(st.sampled_from(LEVELS), min_size=1, max_size=3, unique=True))
    nodes = []
    for level in sorted(levels, key=LEVELS.index):
        kind = draw(st.sampled_from(NodeKind.values))
        count = 1 if kind == NodeKind.SINGLE else draw(st.integers(2, 3))
        if level == "review_director":
            count = min(count, 2)  # two directors exist
        if count == 1:
            kind = NodeKind.SINGLE
        nodes.append((level, kind, count))
    return nodes


STEPS = st.lists(
    st.fixed_dictionaries(
        {
            "actor": st.integers(0, 50),
            "as_assignee": st.sampled_from([True, True, True, False]),
            "task": st.integers(0, 20),
            "action": st.sampled_from(["approve"] * 10 + ["reject", "return"]),
            "raise_amount": st.booleans(),
            "note": st.sampled_from(["", "说明"]),
        }
    ),
    max_size=20,
)


def _act_randomly(instance: ApprovalInstance, pool: list[Any], step: dict[str, Any]) -> None:
    tasks = list(instance.tasks.select_related("assignee").order_by("pk"))
    task = tasks[step["task"] % len(tasks)]
    actor = task.assignee if step["as_assignee"] else pool[step["actor"] % len(pool)]
    terms = None
    if step["raise_amount"]:
        instance.refresh_from_db()
        terms = ApprovalTerms(
            amount=instance.current_amount + Decimal("1000"),
            annual_rate=instance.current_rate,
            term=instance.current_term,
            repayment_method=instance.current_method,
        )
    with contextlib.suppress(DomainError):  # refusals are expected: the invariants must hold
        act(task, action=step["action"], acting_user=actor, terms=terms, note=step["note"])


def _check_invariants(application: Application, instance: ApprovalInstance) -> None:
    application.refresh_from_db()
    instance.refresh_from_db()
    approvals = list(instance.actions.filter(action=ActionKind.APPROVE))
    people = [a.actor_id for a in approvals] + [
        a.on_behalf_of_id for a in approvals if a.on_behalf_of_id
    ]
    assert len(people) == len(set(people)), "someone approved twice"
    own = {application.owner_id, instance.submitted_by_id}
    assert not own & set(people), "someone approved their own work"
    approved = application.status == ApplicationStatus.APPROVED
    assert approved == (instance.status == InstanceStatus.APPROVED)
    if not approved:
        return
    for node in instance.chain.nodes.all():
        tasks = list(instance.tasks.filter(position=node.position))
        done = [t for t in tasks if t.status == TaskStatus.APPROVED]
        if node.kind == NodeKind.ALL_OF:
            assert len(done) == len(tasks) == node.approver_count
        else:
            assert len(done) == 1
    last = approvals[-1]
    assert application.approved_amount == last.amount
    assert application.decided_at is not None


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(shape=chain_shapes(), steps=STEPS, delegate=st.booleans())
def test_random_actions_never_approve_an_unsatisfied_chain(
    people: People,
    make_application: Callable[..., Application],
    shape: list[tuple[str, str, int]],
    steps: list[dict[str, Any]],
    delegate: bool,
) -> None:
    ApprovalChain.objects.filter(code="RANDOM").update(is_active=False, code=f"OLD{clock.now()}")
    chain = ApprovalChain.objects.create(code="RANDOM", name="随机审批流")
    for position, (level, kind, count) in enumerate(shape, start=1):
        chain.nodes.create(position=position, level=level, kind=kind, approver_count=count)
    chain.routes.create(name="随机", priority=0)
    Delegation.objects.all().delete()
    if delegate:
        now = clock.now()
        Delegation.objects.create(
            from_user=people.supervisors[0],
            to_user=people.supervisors[1],
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=1),
        )
    application = make_application(amount=Decimal("50000.00"))
    instance = start_approval(application, acting_user=people.reviewer, opinion=OPINION, note="")
    pool = [*people.approvers, people.sales, people.reviewer, people.reviewer2, people.outsider]

    for step in steps:
        _act_randomly(instance, pool, step)
        _check_invariants(application, instance)
    event(f"application {application.status}")


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(shape=chain_shapes())
def test_the_assignees_approving_in_turn_always_complete_the_chain(
    people: People,
    make_application: Callable[..., Application],
    shape: list[tuple[str, str, int]],
) -> None:
    ApprovalChain.objects.filter(code="RANDOM").update(is_active=False, code=f"OLD{clock.now()}")
    chain = ApprovalChain.objects.create(code="RANDOM", name="随机审批流")
    for position, (level, kind, count) in enumerate(shape, start=1):
        chain.nodes.create(position=position, level=level, kind=kind, approver_count=count)
    chain.routes.create(name="随机", priority=0)
    application = make_application(amount=Decimal("50000.00"))
    instance = start_approval(application, acting_user=people.reviewer, opinion=OPINION, note="")

    while (task := instance.tasks.filter(status=TaskStatus.OPEN).first()) is not None:
        act(task, action=ActionKind.APPROVE, acting_user=task.assignee)

    _check_invariants(application, instance)
    assert application.status == ApplicationStatus.APPROVED
