"""The review opinion: validated against the product, naming the field; recorded and handed on."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.approvals.models import ApprovalInstance
from lendcrm.audit.models import AuditEvent
from lendcrm.core.errors import Conflict, DomainError, PermissionDenied
from lendcrm.reviews.choices import Recommendation, ReviewTaskStatus
from lendcrm.reviews.models import ReviewTask
from lendcrm.reviews.services import OpinionInput, create_review_task, record_opinion
from lendcrm.reviews.tests.conftest import Org

pytestmark = pytest.mark.django_db


def _approve(**values: object) -> OpinionInput:
    data: dict[str, object] = {
        "recommendation": Recommendation.APPROVE,
        "approved_amount": Decimal("40000.00"),
        "approved_rate": Decimal("0.1800"),
        "approved_term": 12,
        "approved_method": "equal_installment",
        "risk_points": ("multi_lending",),
        "comment": "收入稳定",
    }
    data.update(values)
    return OpinionInput(**data)  # type: ignore[arg-type]


@pytest.fixture
def task(make_application: Callable[..., Application]) -> ReviewTask:
    return create_review_task(make_application())  # 50,000 requested; product 1,000–200,000


def _fields(error: DomainError) -> list[str]:
    return [p.field for p in error.problems]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"approved_amount": Decimal("500.00")}, "approved_amount"),
        ({"approved_amount": Decimal("300000.00")}, "approved_amount"),
        ({"approved_amount": None}, "approved_amount"),
        ({"approved_amount": Decimal("60000.00"), "comment": ""}, "approved_amount"),
        ({"approved_rate": Decimal("0.3000")}, "approved_rate"),
        ({"approved_rate": Decimal("0.0100")}, "approved_rate"),
        ({"approved_term": 36}, "approved_term"),
        ({"approved_method": "bullet"}, "approved_method"),
        ({"risk_points": ("no_such_point",)}, "risk_points"),
    ],
)
def test_an_invalid_approval_names_the_field(
    task: ReviewTask, values: dict[str, object], field: str
) -> None:
    with pytest.raises(DomainError) as refused:
        record_opinion(task.pk, data=_approve(**values), acting_user=task.assignee)  # type: ignore[arg-type]

    assert _fields(refused.value) == [field]
    task.refresh_from_db()
    assert task.status == ReviewTaskStatus.CLAIMED


def test_all_problems_are_reported_at_once(task: ReviewTask) -> None:
    data = _approve(approved_amount=Decimal("1"), approved_rate=Decimal("1"), approved_term=7)

    with pytest.raises(DomainError) as refused:
        record_opinion(task.pk, data=data, acting_user=task.assignee)  # type: ignore[arg-type]

    assert _fields(refused.value) == ["approved_amount", "approved_rate", "approved_term"]


def test_more_than_requested_is_allowed_with_a_reason(task: ReviewTask) -> None:
    data = _approve(approved_amount=Decimal("60000.00"), comment="收入证明充分，可上调额度")

    opinion = record_opinion(task.pk, data=data, acting_user=task.assignee)  # type: ignore[arg-type]

    assert opinion.approved_amount == Decimal("60000.00")


def test_an_approval_closes_the_task_and_hands_the_application_to_the_approval_chain(
    task: ReviewTask,
) -> None:
    opinion = record_opinion(task.pk, data=_approve(), acting_user=task.assignee)  # type: ignore[arg-type]

    task.refresh_from_db()
    assert task.status == ReviewTaskStatus.DONE
    assert task.completed_at is not None
    assert (opinion.approved_amount, opinion.approved_rate, opinion.approved_term) == (
        Decimal("40000.00"),
        Decimal("0.1800"),
        12,
    )
    assert opinion.risk_points == ["multi_lending"]
    status = Application.objects.get(pk=task.application_id).status
    assert status == ApplicationStatus.IN_APPROVAL
    instance = ApprovalInstance.objects.get(application_id=task.application_id)
    assert instance.current_amount == Decimal("40000.00")
    assert instance.submitted_by_id == task.assignee_id
    event = AuditEvent.objects.get(action="reviews.opinion_recorded")
    assert event.metadata["recommendation"] == "approve"


@pytest.mark.parametrize(
    ("recommendation", "status"),
    [
        (Recommendation.DECLINE, ApplicationStatus.DECLINED),
        (Recommendation.RETURN, ApplicationStatus.RETURNED),
    ],
)
def test_decline_and_return_set_the_application_status(
    task: ReviewTask, recommendation: str, status: str
) -> None:
    data = OpinionInput(recommendation=recommendation, comment="多头借贷严重")

    opinion = record_opinion(task.pk, data=data, acting_user=task.assignee)  # type: ignore[arg-type]

    assert opinion.approved_amount is None
    assert Application.objects.get(pk=task.application_id).status == status


def test_a_decline_needs_a_comment(task: ReviewTask) -> None:
    with pytest.raises(DomainError) as refused:
        record_opinion(
            task.pk,
            data=OpinionInput(recommendation=Recommendation.DECLINE),
            acting_user=task.assignee,  # type: ignore[arg-type]
        )

    assert _fields(refused.value) == ["comment"]


def test_only_the_holder_records_an_opinion_and_only_once(task: ReviewTask, org: Org) -> None:
    other = org.reviewer2 if task.assignee != org.reviewer2 else org.reviewer
    with pytest.raises(PermissionDenied):
        record_opinion(task.pk, data=_approve(), acting_user=other)
    record_opinion(task.pk, data=_approve(), acting_user=task.assignee)  # type: ignore[arg-type]

    with pytest.raises(Conflict):
        record_opinion(task.pk, data=_approve(), acting_user=task.assignee)  # type: ignore[arg-type]
