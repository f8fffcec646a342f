"""Forms of the reviewer workspace and the queue. Business checks live in the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lendcrm.applications.models import Application
from lendcrm.core.errors import DomainError
from lendcrm.identity.models import User
from lendcrm.loans.choices import RepaymentMethod
from lendcrm.loans.models import Product
from lendcrm.reviews.choices import CallOutcome, Recommendation, ReviewLevel, RiskPoint
from lendcrm.reviews.services import OpinionInput, PhoneCheckInput, RuleInput
from lendcrm.reviews.services.phone_checks import CallTargetView

HUNDRED = Decimal(100)


def add_domain_errors(form: forms.Form, error: DomainError) -> None:
    """Put each problem on its field (or on the form when it names none of them)."""
    aliases: dict[str, str] = getattr(form, "field_aliases", {})
    placed = False
    for problem in error.problems:
        name = aliases.get(problem.field, problem.field)
        if name in form.fields:
            form.add_error(name, problem.message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


class OpinionForm(forms.Form):
    # The service names the rate `approved_rate`; the page asks for it in percent.
    field_aliases = {"approved_rate": "approved_rate_percent"}

    recommendation = forms.ChoiceField(
        label=_("审核结论"), choices=Recommendation.choices, widget=forms.RadioSelect
    )
    approved_amount = forms.DecimalField(
        label=_("核准金额（元）"), required=False, max_digits=12, decimal_places=2, min_value=0
    )
    approved_rate_percent = forms.DecimalField(
        label=_("核准年利率（%）"), required=False, max_digits=6, decimal_places=2, min_value=0
    )
    approved_term = forms.TypedChoiceField(
        label=_("核准期数"), required=False, coerce=int, empty_value=None
    )
    approved_method = forms.ChoiceField(label=_("还款方式"), required=False)
    risk_points = forms.MultipleChoiceField(
        label=_("风险点"),
        required=False,
        choices=RiskPoint.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    risk_note = forms.CharField(label=_("其他风险点"), required=False, max_length=500)
    comment = forms.CharField(
        label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        product = application.product
        term_field = self.fields["approved_term"]
        assert isinstance(term_field, forms.TypedChoiceField)
        term_field.choices = [("", "—")] + [(t, _("%s 期") % t) for t in product.terms or []]
        labels = dict(RepaymentMethod.choices)
        method_field = self.fields["approved_method"]
        assert isinstance(method_field, forms.ChoiceField)
        method_field.choices = [("", "—")] + [
            (m, labels.get(m, m)) for m in product.repayment_methods or []
        ]
        if not self.is_bound:
            self.initial.update(
                approved_amount=application.amount,
                approved_term=application.term,
                approved_method=application.repayment_method,
            )

    def to_input(self) -> OpinionInput:
        data = self.cleaned_data
        percent = data.get("approved_rate_percent")
        return OpinionInput(
            recommendation=data["recommendation"],
            approved_amount=data.get("approved_amount"),
            approved_rate=percent / HUNDRED if percent is not None else None,
            approved_term=data.get("approved_term"),
            approved_method=data.get("approved_method") or "",
            risk_points=tuple(data.get("risk_points") or ()),
            risk_note=data.get("risk_note") or "",
            comment=data.get("comment") or "",
        )


class PhoneCheckForm(forms.Form):
    target = forms.ChoiceField(label=_("核实对象"))
    outcome = forms.ChoiceField(
        label=_("核实结果"), choices=CallOutcome.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    recording_url = forms.CharField(label=_("录音链接"), required=False, max_length=500)
    call_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    called_at = forms.DateTimeField(
        label=_("通话时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args: Any, targets: list[CallTargetView], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["target"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (t.key, f"{t.target_label} · {t.label} · {t.number_masked}") for t in targets
        ]

    def to_input(self) -> PhoneCheckInput:
        data = self.cleaned_data
        return PhoneCheckInput(
            target_key=data["target"],
            outcome=data["outcome"],
            notes=data.get("notes") or "",
            recording_url=(data.get("recording_url") or "").strip(),
            call_id=data.get("call_id") or "",
            called_at=data.get("called_at"),
        )


class ReassignForm(forms.Form):
    to_user = forms.TypedChoiceField(label=_("改派给"), coerce=int)
    reason = forms.CharField(label=_("改派原因"), max_length=200)

    def __init__(self, *args: Any, candidates: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {user.pk: user for user in candidates}
        field = self.fields["to_user"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            (user.pk, _("%(name)s（在办 %(n)s 件）") % {"name": user, "n": user.workload})  # type: ignore[attr-defined]
            for user in candidates
        ]

    def chosen_user(self) -> User:
        return self.candidates[self.cleaned_data["to_user"]]


class RuleForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    product = forms.ModelChoiceField(
        label=_("产品"),
        queryset=Product.objects.order_by("code"),
        required=False,
        empty_label=_("所有产品"),
    )
    min_amount = forms.DecimalField(
        label=_("金额下限"), required=False, max_digits=12, decimal_places=2, min_value=0
    )
    max_amount = forms.DecimalField(
        label=_("金额上限"), required=False, max_digits=12, decimal_places=2, min_value=0
    )
    risk_grades = forms.CharField(
        label=_("风险等级"), required=False, help_text=_("逗号分隔，如 B,C；留空表示所有等级")
    )
    min_level = forms.ChoiceField(label=_("最低信审级别"), choices=ReviewLevel.choices)
    priority = forms.IntegerField(label=_("优先级"), min_value=0, initial=100)
    sla_minutes = forms.IntegerField(label=_("处理时限（分钟）"), min_value=1, initial=240)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def to_input(self) -> RuleInput:
        data = self.cleaned_data
        grades = (data.get("risk_grades") or "").replace("，", ",").split(",")
        return RuleInput(
            name=data["name"],
            product=data.get("product"),
            min_amount=data.get("min_amount"),
            max_amount=data.get("max_amount"),
            risk_grades=grades,
            min_level=data["min_level"],
            priority=data["priority"],
            sla_minutes=data["sla_minutes"],
            is_active=bool(data.get("is_active")),
        )
