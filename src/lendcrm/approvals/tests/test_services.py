"""Running a chain: submission, each node type, reject and return, terms and notes, refusals
(not yours, out of order, twice, own work), delegation and approver picking."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.approvals import queries
from lendcrm.approvals.choices import ActionKind, InstanceStatus, TaskStatus
from lendcrm.approvals.models import ApprovalChain, ApprovalInstance, ApprovalTask, Delegation
from lendcrm.approvals.services import act, create_delegation, start_approval
from lendcrm.approvals.tests.conftest import OPINION, People
from lendcrm.audit.models import AuditEvent
from lendcrm.core import clock
from lendcrm.core.errors import Conflict, DomainError, PermissionDenied
from lendcrm.identity.choices import Role
from lendcrm.identity.services import assign_roles

pytestmark = pytest.mark.django_db

SUP, DIR, COM = "review_supervisor", "review_director", "committee"
ChainMaker = Callable[..., ApprovalChain]


def _start(application: Application, people: People) -> ApprovalInstance:
    return start_approval(
        application, acting_user=people.reviewer, opinion=OPINION, note="建议通过"
    )


def _open_tasks(instance: ApprovalInstance) -> list[ApprovalTask]:
    return list(instance.tasks.filter(status=TaskStatus.OPEN).order_by("pk"))


def _approve(task: ApprovalTask, note: str = "") -> ApprovalTask:
    return act(task, action=ActionKind.APPROVE, acting_user=task.assignee, note=note)


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


# ---- submission ------------------------------------------------------------------------------


def test_submitting_the_opinion_opens_the_routed_chain_with_its_first_node(
    application: Application, people: People, only_chain: ChainMaker
) -> None:
    chain = only_chain((SUP, "single", 1), (DIR, "single", 1))

    instance = _start(application, people)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_APPROVAL
    assert (instance.chain, instance.current_position, instance.status) == (chain, 1, "open")
    [task] = _open_tasks(instance)
    assert task.assignee in people.supervisors
    [submitted] = queries.history_for(application)
    assert (submitted.action, submitted.approver, submitted.amount) == (
        ActionKind.SUBMIT,
        str(people.reviewer),
        Decimal("30000.00"),
    )
    assert _events("approvals.submitted")[-1].metadata["assignees"] == [task.assignee_id]


def test_submission_is_refused_for_the_applications_own_account_manager(
    application: Application, people: People, only_chain: ChainMaker
) -> None:
    only_chain((SUP, "single", 1))
    assign_roles(people.sales, [Role.SALES, Role.REVIEWER])

    with pytest.raises(PermissionDenied):
        start_approval(application, acting_user=people.sales, opinion=OPINION, note="")


def test_submission_is_refused_twice_and_from_a_draft(
    make_application: Callable[..., Application], people: People, only_chain: ChainMaker
) -> None:
    only_chain((SUP, "single", 1))
    application = make_application()
    _start(application, people)
    draft = make_application(status=ApplicationStatus.DRAFT)

    with pytest.raises(Conflict):
        _start(application, people)
    with pytest.raises(Conflict):
        _start(draft, people)


def test_submission_refuses_terms_outside_the_product(
    application: Application, people: People, only_chain: ChainMaker
) -> None:
    only_chain((SUP, "single", 1))
    opinion = replace(OPINION, annual_rate=Decimal("0.3600"), term=7)

    with pytest.raises(DomainError) as caught:
        start_approval(application, acting_user=people.reviewer, opinion=opinion, note="")

    assert {p.field for p in caught.value.problems} == {"annual_rate", "term"}


# ---- node types ------------------------------------------------------------------------------


def test_a_single_node_chain_approves_with_the_final_terms(
    application: Application, people: People, only_chain: ChainMaker
) -> None:
    only_chain((SUP, "single", 1))
    instance = _start(application, people)
    [task] = _open_tasks(instance)

    act(
        task,
        action=ActionKind.APPROVE,
        acting_user=task.assignee,
        terms=replace(OPINION, amount=Decimal("25000"), annual_rate=Decimal("0.2")),
        note="",
    )

    application.refresh_from_db()
    instance.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert (application.approved_amount, application.approved_rate) == (
        Decimal("25000.00"),
        Decimal("0.2000"),
    )
    assert (application.approved_term, application.approved_method) == (12, "equal_installment")
    assert application.decided_at is not None
    assert (instance.status, instance.closed_at is not None) == (InstanceStatus.APPROVED, True)
    assert len(_events("approvals.completed")) == 1


def test_a_countersign_node_needs_every_assigned_approver(
    application: Application, people: People, only_chain: ChainMaker
) -> None:
    only_chain((COM, "all_of", 3))
    instance = _start(application, people)
    first, second, third = _open_tasks(instance)

    _approve(first)
    _approve(second)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_APPROVAL

    _approve(third)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED


def test_an_any_one_node_completes_on_the_first_approval_and_cancels_the_others(
    application: Application, people: People, only_chain: ChainMaker
) -> None:
    only_chain((SUP, "any_of", 2), (DIR, "single", 1))
    instance = _start(application, people)
    first, second = _open_tasks(instance)

    _approve(first)

    second.refresh_from_db()
    instance.refresh_from_db()
    assert second.status == TaskStatus.CANCELLED
    assert instance.current_position == 2
    with pytest.raises(Conflict):
        _approve(second)
    assert _events("approvals.refused")[-1].metadata["task"] == second.pk


def test_a_two_level_chain_moves_to_the_next_level_only_when_the_first_completes(
    application: Application, people: People, only_chain: ChainMaker
) -> None:
    only_chain((SUP, "single", 1), (COM, "all_of", 2))
    instance = _start(application, people)
    [supervisor_task] = _open_tasks(instance)

    _approve(supervisor_task)
    committee_tasks = _open_tasks(instance)
    for task in committee_tasks:
        _approve(task)

    application.refresh_from_db()
    assert [t.level for t in committee_tasks] == [COM, COM]
    assert application.status == ApplicationStatus.APPROVED
    assert [s.action for s in queries.history_for(application)] == [
        ActionKind.SUBMIT,
        ActionKind.APPROVE,
        ActionKind.APPROVE,
        ActionKind.APPROVE,
    ]


def test_a_rejection_declines_the_application_and_closes_the_run(
    application: Application, people: People, only_chain: ChainMaker
) -> None:
    only_chain((COM, "all_of", 2))
    instance = _start(application, people)
    first, second = _open_tasks(instance)

    act(first, action=ActionKind.REJECT, acting_user=first.assignee, note="负债过高")

    application.refresh_from_db()
    second.refresh_from_db()
    instance.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED
    assert application.decided_at is not None
    assert (instance.status, second.status) == (InstanceStatus.REJECTED, TaskStatus.CANCELLED)


def test_a_return_sends_it_back_and_a_resubmission_starts_a_new_run(
    application: Application, people: People, only_chain: ChainMaker
) -> None:
    only_chain((SUP, "single", 1))
    first_run = _start(application, people)
    [task] = _open_tasks(first_run)

    act(task, action=ActionKind.RETURN, acting_user=task.assignee, note="补充收入证明")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED

    second_run = _start(application, people)
    assert second_run.pk != first_run.pk
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_APPROVAL


def test_reject_and_return_need_a_reason(
    application: Application, people: People, only_chain: ChainMaker
) -> None:
    only_chain((SUP, "single", 1))
    [task] = _open_tasks(_start(application, people))

    with pytest.raises(DomainError) as caught:
        act(task, action=ActionKind.REJECT, acting_user=task.assignee, note=" ")

    assert caught.value.problems[0].field == "note"


# ---- terms -----------------------------------------------------------------------------------


def test_raising_the_amount_above_the_previous_level_needs_a_note(
    application: Application, people: People, only_chain: ChainMaker
) -> None:
    only_chain((SUP, "single", 1))
    [task] = _open_tasks(_start(application, people))
    more = replace(OPINION, amount=Decimal("40000"))

    with pytest.raises(DomainError) as caught:
        act(task, action=ActionKind.APPROVE, acting_user=task.assignee, terms=more, note="")
    assert caught.value.problems[0].field == "note"
    assert not _events("approvals.refused")  # a missing note is not a refusal to audit

    act(task, action=ActionKind.APPROVE, acting_user=task.assignee, terms=more, note="公积金基数高")
    application.refresh_from_db()
    assert application.approved_amount == Decimal("40000.00")


def test_lowering_the_rate_needs_a_note_but_lowering_the_amount_does_not(
    application: Application, people: People, only_chain: ChainMaker
) -> None:
    only_chain((SUP, "single", 1), (DIR, "single", 1))
    instance = _start(application, people)
    [task] = _open_tasks(instance)
    act(
        task,
        action=ActionKind.APPROVE,
        acting_user=task.assignee,
        terms=replace(OPINION, amount=Decimal("20000"), annual_rate=Decimal("0.2000")),
    )
    [director_task] = _open_tasks(instance)
    cheaper = replace(OPINION, amount=Decimal("20000"), annual_rate=Decimal("0.1900"))

    with pytest.raises(DomainError) as caught:
        act(
            director_task,
            action=ActionKind.APPROVE,
            acting_user=director_task.assignee,
            terms=cheaper,
        )

    assert caught.value.problems[0].field == "note"
    assert "20000.00" in caught.value.message  # names the previous level's terms


# ---- refusals --------------------------------------------------------------------------------


def test_acting_on_someone_elses_task_is_refused_and_audited(
    application: Application, people: People, only_chain: ChainMaker
) -> None:
    only_chain((SUP, "single", 1))
    [task] = _open_tasks(_start(application, people))
    intruder = next(s for s in people.supervisors if s != task.assignee)

    with pytest.raises(PermissionDenied):
        act(task, action=ActionKind.APPROVE, acting_user=intruder)

    [event] = _events("approvals.refused")
    assert (event.actor_id, event.metadata["action"]) == (intruder.pk, "approve")
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_a_later_node_cannot_act_before_the_earlier_completes(
    application: Application, people: People, only_chain: ChainMaker
) -> None:
    chain = only_chain((SUP, "single", 1), (DIR, "single", 1))
    instance = _start(application, people)
    early = ApprovalTask.objects.create(  # as if a later task leaked out ahead of its turn
        instance=instance,
        node=chain.nodes.get(position=2),
        position=2,
        level=DIR,
        kind="single",
        assignee=people.directors[0],
    )

    with pytest.raises(Conflict) as caught:
        _approve(early)

    assert "顺序" in caught.value.message


def test_a_done_task_cannot_be_acted_on_again(
    application: Application, people: People, only_chain: ChainMaker
) -> None:
    only_chain((SUP, "single", 1), (DIR, "single", 1))
    [task] = _open_tasks(_start(application, people))
    _approve(task)

    with pytest.raises(Conflict):
        act(task, action=ActionKind.REJECT, acting_user=task.assignee, note="改主意")


def test_the_same_person_cannot_approve_the_same_application_twice(
    application: Application, people: People, only_chain: ChainMaker
) -> None:
    chain = only_chain((SUP, "single", 1), (DIR, "single", 1))
    instance = _start(application, people)
    [task] = _open_tasks(instance)
    both = task.assignee
    assign_roles(both, [Role.REVIEW_SUPERVISOR, Role.REVIEW_DIRECTOR])
    _approve(task)
    [director_task] = _open_tasks(instance)
    assert director_task.assignee != both  # the picker never chooses an earlier approver
    director_task.status = TaskStatus.CANCELLED
    director_task.save()
    again = ApprovalTask.objects.create(
        instance=instance,
        node=chain.nodes.get(position=2),
        position=2,
        level=DIR,
        kind="single",
        assignee=both,
    )

    with pytest.raises(PermissionDenied) as caught:
        _approve(again)

    assert "重复" in caught.value.message


def test_nobody_approves_their_own_work(
    application: Application, people: People, only_chain: ChainMaker
) -> None:
    chain = only_chain((SUP, "single", 1))
    assign_roles(people.sales, [Role.SALES, Role.REVIEW_SUPERVISOR])
    assign_roles(people.reviewer, [Role.REVIEWER, Role.REVIEW_SUPERVISOR])
    instance = _start(application, people)
    [task] = _open_tasks(instance)
    assert task.assignee not in (people.sales, people.reviewer)
    own = ApprovalTask.objects.create(
        instance=instance,
        node=chain.nodes.get(),
        position=1,
        level=SUP,
        kind="single",
        assignee=people.sales,
    )

    with pytest.raises(PermissionDenied) as caught:
        _approve(own)

    assert "自己" in caught.value.message


# ---- delegation and picking ------------------------------------------------------------------


def test_a_delegate_acts_on_the_away_approvers_task_and_both_are_recorded(
    application: Application, people: People, only_chain: ChainMaker
) -> None:
    only_chain((SUP, "single", 1))
    [task] = _open_tasks(_start(application, people))
    away = task.assignee
    stand_in = next(s for s in people.supervisors if s != away)
    now = clock.now()
    create_delegation(
        from_user=away,
        to_user=stand_in,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=3),
        acting_user=away,
    )

    assert [t.pk for t in queries.list_my_tasks(stand_in)] == [task.pk]
    act(task, action=ActionKind.APPROVE, acting_user=stand_in)

    task.refresh_from_db()
    step = queries.history_for(application)[-1]
    assert (task.assignee, task.acted_by) == (away, stand_in)
    assert (step.approver, step.on_behalf_of) == (str(stand_in), str(away))


def test_an_expired_delegation_gives_nothing(
    application: Application, people: People, only_chain: ChainMaker
) -> None:
    only_chain((SUP, "single", 1))
    [task] = _open_tasks(_start(application, people))
    stand_in = next(s for s in people.supervisors if s != task.assignee)
    now = clock.now()
    Delegation.objects.create(
        from_user=task.assignee,
        to_user=stand_in,
        starts_at=now - timedelta(days=3),
        ends_at=now - timedelta(days=1),
    )

    assert queries.list_my_tasks(stand_in) == []
    with pytest.raises(PermissionDenied):
        act(task, action=ActionKind.APPROVE, acting_user=stand_in)


def test_a_delegation_needs_a_delegate_who_may_approve(people: People) -> None:
    now = clock.now()

    with pytest.raises(DomainError) as caught:
        create_delegation(
            from_user=people.supervisors[0],
            to_user=people.sales,
            starts_at=now,
            ends_at=now + timedelta(days=1),
            acting_user=people.supervisors[0],
        )

    assert caught.value.problems[0].field == "to_user"


def test_the_least_loaded_supervisor_of_the_branch_is_picked(
    make_application: Callable[..., Application], people: People, only_chain: ChainMaker
) -> None:
    only_chain((SUP, "single", 1))
    picked = []
    for _ in range(3):
        instance = _start(make_application(), people)
        picked.append(_open_tasks(instance)[0].assignee)

    assert sorted(u.pk for u in picked) == sorted(u.pk for u in people.supervisors)
    assert people.outsider not in picked  # another branch, although it has no work at all


def test_submission_fails_clearly_when_a_level_has_too_few_approvers(
    application: Application, people: People, only_chain: ChainMaker
) -> None:
    only_chain((COM, "all_of", 5))

    with pytest.raises(Conflict) as caught:
        _start(application, people)

    assert caught.value.problems[0].field == "approvers"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.MANUAL_REVIEW
