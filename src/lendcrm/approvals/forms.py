"""Forms of the approval pages: they parse input; the services decide and write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lendcrm.approvals.choices import ActionKind, ApprovalLevel, NodeKind
from lendcrm.approvals.models import ApprovalChain, ApprovalRoute
from lendcrm.approvals.services import ChainInput, NodeInput, RouteInput
from lendcrm.approvals.terms import ApprovalTerms
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.loans.choices import RepaymentMethod
from lendcrm.loans.models import Product

_DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_HUNDRED = Decimal("100")


class ActionForm(forms.Form):
    """Approve (with the terms, pre-filled with the previous level's), reject or return."""

    action = forms.ChoiceField(
        label=_("审批结论"),
        choices=[(k, ActionKind(k).label) for k in ActionKind.values if k != ActionKind.SUBMIT],
        widget=forms.RadioSelect,
        initial=ActionKind.APPROVE,
    )
    amount = forms.DecimalField(
        label=_("核准金额 (元)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    annual_rate_percent = forms.DecimalField(
        label=_("核准年利率 (%)"), max_digits=6, decimal_places=2, min_value=Decimal("0")
    )
    term = forms.IntegerField(label=_("核准期数"), min_value=1, max_value=360)
    repayment_method = forms.ChoiceField(label=_("还款方式"), choices=RepaymentMethod.choices)
    note = forms.CharField(
        label=_("审批意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("拒绝、退回，以及提高金额或降低利率时必填"),
    )

    @classmethod
    def initial_from(cls, terms: ApprovalTerms) -> dict[str, Any]:
        return {
            "action": ActionKind.APPROVE,
            "amount": terms.amount,
            "annual_rate_percent": (terms.annual_rate * _HUNDRED).quantize(Decimal("0.01")),
            "term": terms.term,
            "repayment_method": terms.repayment_method,
        }

    def terms(self) -> ApprovalTerms | None:
        data = self.cleaned_data
        if data["action"] != ActionKind.APPROVE:
            return None
        return ApprovalTerms(
            amount=data["amount"],
            annual_rate=data["annual_rate_percent"] / _HUNDRED,
            term=data["term"],
            repayment_method=data["repayment_method"],
        )


class ChainForm(forms.Form):
    code = forms.SlugField(label=_("编码"), max_length=40)
    name = forms.CharField(label=_("名称"), max_length=100)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    @classmethod
    def initial_from(cls, chain: ApprovalChain) -> dict[str, Any]:
        return {
            "code": chain.code,
            "name": chain.name,
            "description": chain.description,
            "is_active": chain.is_active,
        }


class NodeForm(forms.Form):
    level = forms.ChoiceField(
        label=_("审批层级"), choices=[("", "—"), *ApprovalLevel.choices], required=False
    )
    kind = forms.ChoiceField(label=_("节点类型"), choices=NodeKind.choices, required=False)
    approver_count = forms.IntegerField(
        label=_("审批人数"), min_value=1, max_value=20, required=False, initial=1
    )


NodeFormSet = forms.formset_factory(NodeForm, extra=2, max_num=10)


def chain_input(form: ChainForm, nodes: Any) -> ChainInput:
    """Rows with a level are the chain's nodes, in the order shown; empty rows are ignored."""
    rows = [
        NodeInput(
            level=row["level"],
            kind=row.get("kind") or NodeKind.SINGLE,
            approver_count=row.get("approver_count") or 1,
        )
        for row in (f.cleaned_data for f in nodes.forms)
        if row.get("level")
    ]
    data = form.cleaned_data
    return ChainInput(
        code=data["code"],
        name=data["name"],
        description=data.get("description") or "",
        is_active=bool(data.get("is_active")),
        nodes=rows,
    )


class RouteForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    priority = forms.IntegerField(label=_("优先级"), min_value=0, help_text=_("数字小的先匹配"))
    product = forms.ModelChoiceField(
        Product.objects.order_by("code"), label=_("产品"), required=False, empty_label=_("任意产品")
    )
    min_amount = forms.DecimalField(
        label=_("金额下限 (含)"), max_digits=12, decimal_places=2, required=False, min_value=0
    )
    max_amount = forms.DecimalField(
        label=_("金额上限 (不含)"), max_digits=12, decimal_places=2, required=False, min_value=0
    )
    risk_grades = forms.CharField(
        label=_("风险等级"), required=False, help_text=_("逗号分隔，如 A,B；为空表示任意等级")
    )
    chain = forms.ModelChoiceField(ApprovalChain.objects.order_by("code"), label=_("审批流"))
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    @classmethod
    def initial_from(cls, route: ApprovalRoute) -> dict[str, Any]:
        return {
            "name": route.name,
            "priority": route.priority,
            "product": route.product_id,
            "min_amount": route.min_amount,
            "max_amount": route.max_amount,
            "risk_grades": ",".join(route.risk_grades or []),
            "chain": route.chain_id,
            "is_active": route.is_active,
        }

    def to_input(self) -> RouteInput:
        data = self.cleaned_data
        grades = [g for g in data.get("risk_grades", "").replace("，", ",").split(",") if g.strip()]
        return RouteInput(
            name=data["name"],
            priority=data["priority"],
            chain=data["chain"],
            product=data.get("product"),
            min_amount=data.get("min_amount"),
            max_amount=data.get("max_amount"),
            risk_grades=grades,
            is_active=bool(data.get("is_active")),
        )


def _delegate_choices() -> Any:
    roles = [Role.REVIEWER, Role.REVIEW_SUPERVISOR, Role.REVIEW_DIRECTOR, Role.COMMITTEE]
    return (
        User.objects.filter(is_active=True, groups__name__in=[r.value for r in roles])
        .distinct()
        .order_by("username")
    )


class DelegationForm(forms.Form):
    to_user = forms.ModelChoiceField(_delegate_choices(), label=_("代理人"))
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=_DATETIME_INPUT)
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=_DATETIME_INPUT)
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)
