"""Application intake (进件): drafts, submission, and routing by the pre-screen decision.

Submitting runs the live strategy's pre-screen on the application and routes it: approve
(the approved terms are the requested ones, capped at the decision's limit, priced by its
tier), manual review (a review task is opened), or decline with the decision's reasons.
Staff see the reason codes; the customer sees a neutral message (no reasons are disclosed to
applicants, as lenders' conduct rules expect). When no strategy is live for the product, the
application goes to manual review rather than being lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lendcrm.applications import workflow
from lendcrm.applications.choices import ApplicationSource
from lendcrm.applications.choices import ApplicationStatus as S
from lendcrm.applications.models import Application
from lendcrm.applications.pricing import rate_for_tier
from lendcrm.applications.transitions import EDITABLE, transition_application
from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.errors import Conflict, DomainError, FieldProblem, NotFound
from lendcrm.core.money import ZERO, to_money
from lendcrm.customers.models import Customer
from lendcrm.loans.models import Product
from lendcrm.loans.services.numbers import new_number

# Facts the decision reads from the profile; the form asks for them when the profile lacks them.
PROFILE_FACTS = (
    "monthly_income",
    "employer",
    "years_employed",
    "education",
    "housing",
    "hukou_address",
)
NO_STRATEGY = "NO_LIVE_STRATEGY"
CUSTOMER_MESSAGES = {
    S.APPROVED: _("您的申请已通过审批，请留意签约通知。"),
    S.MANUAL_REVIEW: _("您的申请已提交，正在审核中，我们会尽快与您联系。"),
    S.DECLINED: _("很抱歉，经综合评估，您的申请暂未通过。感谢您的信任。"),
}


@dataclass(frozen=True)
class ApplicationTerms:
    product: Product
    amount: Decimal
    term: int
    repayment_method: str
    purpose: str = ""


@dataclass(frozen=True)
class SubmitOutcome:
    application: Application
    route: str  # approved, manual_review, declined
    reason_codes: list[str]
    decision_id: str | None

    @property
    def customer_message(self) -> str:
        return str(CUSTOMER_MESSAGES[S(self.route)])


def check_terms(terms: ApplicationTerms) -> ApplicationTerms:
    """The terms within the product's offer; every problem names its field."""
    product = terms.product
    problems: list[FieldProblem] = []
    amount = to_money(terms.amount)
    if not product.is_active:
        problems.append(FieldProblem("product", _("该产品已停用")))
    if amount <= ZERO or not product.min_amount <= amount <= product.max_amount:
        problems.append(
            FieldProblem(
                "amount",
                _("申请金额须在 %(low)s–%(high)s 元之间")
                % {"low": product.min_amount, "high": product.max_amount},
            )
        )
    if product.terms and terms.term not in product.terms:
        offered = "、".join(str(t) for t in product.terms)
        problems.append(FieldProblem("term", _("期数须为 %(terms)s 之一") % {"terms": offered}))
    if product.repayment_methods and terms.repayment_method not in product.repayment_methods:
        problems.append(FieldProblem("repayment_method", _("该产品不提供此还款方式")))
    if problems:
        raise DomainError(problems[0].message, problems=problems)
    return ApplicationTerms(product, amount, terms.term, terms.repayment_method, terms.purpose)


def create_application(
    *,
    customer: Customer,
    terms: ApplicationTerms,
    acting_user: Any,
    source: ApplicationSource = ApplicationSource.ASSISTED,
    profile: dict[str, Any] | None = None,
) -> Application:
    """A draft for the customer; profile facts the customer lacked are filled in too."""
    terms = check_terms(terms)
    staff = acting_user if getattr(acting_user, "pk", None) else None
    with transaction.atomic():
        complete_profile(customer, profile or {}, acting_user=acting_user)
        application = Application.objects.create(
            application_no=new_number("A"),
            customer=customer,
            product=terms.product,
            amount=terms.amount,
            term=terms.term,
            repayment_method=terms.repayment_method,
            purpose=terms.purpose,
            source=source,
            created_by=staff,
            owner_id=customer.owner_id or getattr(staff, "pk", None),
            team_id=customer.team_id,
            branch_id=customer.branch_id,
        )
        record_event(
            "applications.created",
            actor=staff,
            target=application,
            metadata={"source": str(source), "amount": str(terms.amount), "term": terms.term},
        )
    return application


def update_application(
    application: Application,
    *,
    terms: ApplicationTerms,
    acting_user: Any,
    profile: dict[str, Any] | None = None,
) -> Application:
    """Change a draft (or an application returned for more information)."""
    terms = check_terms(terms)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status not in EDITABLE:
            raise Conflict(_("只有草稿或退回补件的申请可以修改"), field="status")
        complete_profile(locked.customer, profile or {}, acting_user=acting_user)
        locked.product = terms.product
        locked.amount, locked.term = terms.amount, terms.term
        locked.repayment_method, locked.purpose = terms.repayment_method, terms.purpose
        locked.save()
        record_event(
            "applications.updated",
            actor=acting_user,
            target=locked,
            metadata={"amount": str(terms.amount), "term": terms.term},
        )
    return locked


def complete_profile(customer: Customer, facts: dict[str, Any], *, acting_user: Any) -> list[str]:
    """Fill the customer's missing profile facts (never overwrites what the profile holds)."""
    filled = []
    for name in PROFILE_FACTS:
        value = facts.get(name)
        if value in (None, "") or getattr(customer, name) not in (None, "", 0, ZERO):
            continue
        setattr(customer, name, value)
        filled.append(name)
    if filled:
        customer.save(update_fields=[*filled, "updated_at"])
        record_event(
            "customers.profile_completed",
            actor=acting_user if getattr(acting_user, "pk", None) else None,
            target=customer,
            metadata={"fields": filled},
        )
    return filled


def submit_application(application: Application, *, acting_user: Any) -> SubmitOutcome:
    """Submit, run the pre-screen and route (see the module docstring)."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status not in EDITABLE:
            raise Conflict(_("该申请已提交"), field="status")
        check_terms(_terms_of(locked))
        transition_application(locked, to=S.SUBMITTED)
        locked.submitted_at = clock.now()
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        record_event("applications.submitted", actor=_staff(acting_user), target=locked)
    return route_application(locked, acting_user=acting_user)


def route_application(application: Application, *, acting_user: Any) -> SubmitOutcome:
    from lendcrm.decisions import services as decisions

    screener = _staff(acting_user) or application.owner
    if screener is None:
        return _to_manual_review(application, [NO_STRATEGY], None, acting_user)
    try:
        result = decisions.pre_screen(acting_user=screener, application_id=application.pk)
    except NotFound:
        return _to_manual_review(application, [NO_STRATEGY], None, acting_user)
    record = result.record
    codes = list(record.reason_codes or [])
    if record.outcome == "approve":
        return _approve(application, record, acting_user)
    if record.outcome == "decline":
        with transaction.atomic():
            transition_application(application, to=S.DECLINED)
            application.decided_at = clock.now()
            application.save(update_fields=["status", "decided_at", "updated_at"])
            _routed(application, "declined", codes, record, acting_user)
        return SubmitOutcome(application, S.DECLINED, codes, str(record.pk))
    return _to_manual_review(application, codes, record, acting_user)


def _approve(application: Application, record: Any, acting_user: Any) -> SubmitOutcome:
    amount = application.amount
    if record.limit is not None:
        amount = min(amount, to_money(record.limit))
    with transaction.atomic():
        transition_application(application, to=S.APPROVED)
        application.risk_grade = tier_of(record)
        application.approved_amount = amount
        application.approved_rate = rate_for_tier(application.product, application.risk_grade)
        application.approved_term = application.term
        application.approved_method = application.repayment_method
        application.decided_at = clock.now()
        application.save()
        _routed(application, "approved", list(record.reason_codes or []), record, acting_user)
        workflow.on_approved(application, acting_user=_staff(acting_user))
    return SubmitOutcome(application, S.APPROVED, list(record.reason_codes or []), str(record.pk))


def _to_manual_review(
    application: Application, codes: list[str], record: Any, acting_user: Any
) -> SubmitOutcome:
    from lendcrm.reviews.services.assignment import create_review_task

    with transaction.atomic():
        transition_application(application, to=S.MANUAL_REVIEW)
        if record is not None:
            application.risk_grade = tier_of(record)
        application.save(update_fields=["status", "risk_grade", "updated_at"])
        _routed(application, "manual_review", codes, record, acting_user)
        create_review_task(application)
    return SubmitOutcome(
        application, S.MANUAL_REVIEW, codes, str(record.pk) if record is not None else None
    )


def tier_of(record: Any) -> str:
    """The pricing tier the decision matrix gave, also when the outcome was not an approval
    (the record keeps a tier only for approvals): the approval matrix routes by it."""
    if record.pricing_tier:
        return str(record.pricing_tier)
    for result in record.rule_results or []:
        tier = (result.get("outputs") or {}).get("pricing_tier")
        if result.get("hit") and tier:
            return str(tier)[:8]
    return ""


def _routed(
    application: Application, route: str, codes: list[str], record: Any, acting_user: Any
) -> None:
    record_event(
        "applications.routed",
        actor=_staff(acting_user),
        target=application,
        metadata={
            "route": route,
            "reason_codes": codes,
            "decision": str(record.pk) if record is not None else None,
        },
    )


def cancel_application(application: Application, *, acting_user: Any, reason: str) -> Application:
    if not reason.strip():
        raise DomainError(_("请填写取消原因"), field="reason")
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        transition_application(locked, to=S.CANCELLED)
        locked.save(update_fields=["status", "updated_at"])
        record_event(
            "applications.cancelled",
            actor=_staff(acting_user),
            target=locked,
            metadata={"reason": reason[:200]},
        )
    return locked


def _terms_of(application: Application) -> ApplicationTerms:
    return ApplicationTerms(
        application.product,
        application.amount,
        application.term,
        application.repayment_method,
        application.purpose,
    )


def _staff(acting_user: Any) -> Any:
    return acting_user if getattr(acting_user, "pk", None) else None
