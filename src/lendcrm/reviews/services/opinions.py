"""The reviewer's opinion (审核意见): validated against the product, recorded, and handed on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.errors import Conflict, DomainError, FieldProblem, PermissionDenied
from lendcrm.core.money import to_money
from lendcrm.identity.models import User
from lendcrm.reviews.choices import Recommendation, ReviewTaskStatus, RiskPoint
from lendcrm.reviews.models import ReviewOpinion, ReviewTask

RATE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class OpinionInput:
    recommendation: str
    approved_amount: Decimal | None = None
    approved_rate: Decimal | None = None  # annual, e.g. 0.1800
    approved_term: int | None = None
    approved_method: str = ""
    risk_points: Sequence[str] = field(default_factory=tuple)
    risk_note: str = ""
    comment: str = ""


def validate_opinion(application: Application, data: OpinionInput) -> list[FieldProblem]:
    """Every problem with the opinion, each naming its field. Approved terms must fit the
    product; an amount above the requested one needs a reason in the comment."""
    problems: list[FieldProblem] = []
    if data.recommendation not in Recommendation.values:
        problems.append(FieldProblem("recommendation", _("请选择审核结论")))
    unknown = [p for p in data.risk_points if p not in RiskPoint.values]
    if unknown:
        problems.append(FieldProblem("risk_points", _("未知的风险点：%s") % "、".join(unknown)))
    if data.recommendation == Recommendation.APPROVE:
        problems += _terms_problems(application, data)
    elif not data.comment.strip() and data.recommendation in Recommendation.values:
        problems.append(FieldProblem("comment", _("拒绝或退回时请填写审核意见")))
    return problems


def _terms_problems(application: Application, data: OpinionInput) -> list[FieldProblem]:
    product = application.product
    problems: list[FieldProblem] = []
    amount = data.approved_amount
    if amount is None:
        problems.append(FieldProblem("approved_amount", _("请填写核准金额")))
    elif not product.min_amount <= amount <= product.max_amount:
        problems.append(
            FieldProblem(
                "approved_amount",
                _("核准金额须在产品范围 %(low)s–%(high)s 元内")
                % {"low": product.min_amount, "high": product.max_amount},
            )
        )
    elif amount > application.amount and not data.comment.strip():
        problems.append(
            FieldProblem("approved_amount", _("核准金额高于申请金额时，须在审核意见中说明理由"))
        )
    rate = data.approved_rate
    if rate is None:
        problems.append(FieldProblem("approved_rate", _("请填写核准年利率")))
    elif not product.min_rate <= rate <= product.max_rate:
        problems.append(
            FieldProblem(
                "approved_rate",
                _("核准年利率须在产品范围 %(low)s–%(high)s 内")
                % {"low": product.min_rate, "high": product.max_rate},
            )
        )
    if data.approved_term is None:
        problems.append(FieldProblem("approved_term", _("请选择核准期数")))
    elif data.approved_term not in [int(t) for t in product.terms or []]:
        problems.append(
            FieldProblem(
                "approved_term",
                _("产品不提供 %(term)s 期；可选：%(terms)s")
                % {"term": data.approved_term, "terms": ", ".join(map(str, product.terms))},
            )
        )
    methods = list(product.repayment_methods or [])
    if not data.approved_method:
        problems.append(FieldProblem("approved_method", _("请选择还款方式")))
    elif methods and data.approved_method not in methods:
        problems.append(FieldProblem("approved_method", _("产品不支持该还款方式")))
    return problems


def record_opinion(
    task: ReviewTask | int, *, data: OpinionInput, acting_user: User
) -> ReviewOpinion:
    """Record the opinion of the reviewer holding the task, close the task and hand the
    application on (`on_opinion_recorded`). Audited."""
    with transaction.atomic():
        task = (
            ReviewTask.objects.select_for_update(of=("self",))
            .select_related("application__product")
            .get(pk=task if isinstance(task, int) else task.pk)
        )
        if task.status != ReviewTaskStatus.CLAIMED:
            raise Conflict(_("任务不在处理中，不能提交审核意见"), field="task")
        if task.assignee_id != acting_user.pk:
            raise PermissionDenied(_("只有任务的处理人可以提交审核意见"), field="task")
        problems = validate_opinion(task.application, data)
        if problems:
            raise DomainError(problems[0].message, problems=problems)
        approve = data.recommendation == Recommendation.APPROVE
        opinion = ReviewOpinion.objects.create(
            task=task,
            application=task.application,
            reviewer=acting_user,
            recommendation=data.recommendation,
            approved_amount=to_money(data.approved_amount)
            if approve and data.approved_amount is not None
            else None,
            approved_rate=data.approved_rate.quantize(RATE_PLACES)
            if approve and data.approved_rate is not None
            else None,
            approved_term=data.approved_term if approve else None,
            approved_method=data.approved_method if approve else "",
            risk_points=list(dict.fromkeys(data.risk_points)),
            risk_note=data.risk_note.strip(),
            comment=data.comment.strip(),
        )
        task.status = ReviewTaskStatus.DONE
        task.completed_at = clock.now()
        task.save(update_fields=["status", "completed_at", "updated_at"])
        record_event(
            "reviews.opinion_recorded",
            actor=acting_user,
            target=opinion,
            metadata={
                "application": task.application_id,
                "task": task.pk,
                "recommendation": opinion.recommendation,
                "approved_amount": str(opinion.approved_amount or ""),
                "approved_rate": str(opinion.approved_rate or ""),
                "approved_term": opinion.approved_term,
                "risk_points": opinion.risk_points,
            },
        )
        on_opinion_recorded(opinion)
    return opinion


# What each recommendation does to the application. Approve is absent on purpose: the
# application stays in manual review until the approval chain starts.
_NEXT_STATUS = {
    Recommendation.DECLINE: ApplicationStatus.DECLINED,
    Recommendation.RETURN: ApplicationStatus.RETURNED,
}


def on_opinion_recorded(opinion: ReviewOpinion) -> None:
    """The hand-over after a review opinion (inside record_opinion's transaction).

    approve → the approval chain takes over with the reviewer's terms; decline → declined;
    return → returned for more information.
    """
    if opinion.recommendation == Recommendation.APPROVE:
        _start_approval(opinion)
        return
    to = _NEXT_STATUS.get(Recommendation(opinion.recommendation))
    if to is None:
        return
    now = clock.now()
    values: dict[str, object] = {"status": to, "updated_at": now}
    if to == ApplicationStatus.DECLINED:
        values["decided_at"] = now
    changed = Application.objects.filter(
        pk=opinion.application_id, status=ApplicationStatus.MANUAL_REVIEW
    ).update(**values)
    if not changed:
        raise Conflict(_("进件不在人工审核状态"), field="application")


def _start_approval(opinion: ReviewOpinion) -> None:
    from lendcrm.approvals.services import start_approval
    from lendcrm.approvals.terms import ApprovalTerms

    if opinion.application.status != ApplicationStatus.MANUAL_REVIEW:
        raise Conflict(_("进件不在人工审核状态"), field="application")
    assert opinion.approved_amount is not None  # validate_opinion requires the terms
    assert opinion.approved_rate is not None
    assert opinion.approved_term is not None
    start_approval(
        opinion.application,
        acting_user=opinion.reviewer,
        opinion=ApprovalTerms(
            amount=opinion.approved_amount,
            annual_rate=opinion.approved_rate,
            term=opinion.approved_term,
            repayment_method=opinion.approved_method,
        ),
        note=opinion.comment,
    )
