"""Forms of the application pages: the staff form (assisted entry) and the customer's H5 form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lendcrm.applications.services import PROFILE_FACTS, ApplicationTerms
from lendcrm.customers.choices import Education, HousingStatus
from lendcrm.customers.models import Customer
from lendcrm.loans.choices import ProductKind, RepaymentMethod
from lendcrm.loans.models import Product


class ApplicationForm(forms.Form):
    """Terms, plus the profile facts the decision needs when the customer's profile lacks them."""

    product = forms.ModelChoiceField(
        label=_("产品"),
        queryset=Product.objects.filter(is_active=True, kind=ProductKind.SINGLE_LOAN),
        empty_label=None,
    )
    amount = forms.DecimalField(label=_("申请金额（元）"), min_value=1, decimal_places=2)
    term = forms.IntegerField(label=_("期数（月）"), min_value=1, max_value=360)
    repayment_method = forms.ChoiceField(label=_("还款方式"), choices=RepaymentMethod.choices)
    purpose = forms.CharField(label=_("借款用途"), max_length=100, required=False)
    monthly_income = forms.DecimalField(
        label=_("月收入（元）"), min_value=0, decimal_places=2, required=False
    )
    employer = forms.CharField(label=_("单位名称"), max_length=100, required=False)
    years_employed = forms.IntegerField(
        label=_("入职年限"), min_value=0, max_value=60, required=False
    )
    education = forms.ChoiceField(label=_("学历"), required=False)
    housing = forms.ChoiceField(label=_("居住情况"), required=False)
    hukou_address = forms.CharField(
        label=_("户籍地址"),
        max_length=200,
        required=False,
        help_text=_("可由身份证识别结果预填，请与证件核对"),
    )

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        for name, choices in (("education", Education.choices), ("housing", HousingStatus.choices)):
            self.fields[name].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
        for name in self.missing_profile_facts():
            self.fields[name].required = name == "monthly_income"
        for name in PROFILE_FACTS:
            if name not in self.missing_profile_facts():
                del self.fields[name]

    def missing_profile_facts(self) -> list[str]:
        return [name for name in PROFILE_FACTS if getattr(self.customer, name) in (None, "", 0)]

    def terms(self) -> ApplicationTerms:
        data = self.cleaned_data
        return ApplicationTerms(
            product=data["product"],
            amount=data["amount"],
            term=data["term"],
            repayment_method=data["repayment_method"],
            purpose=data.get("purpose", ""),
        )

    def profile(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in PROFILE_FACTS if name in self.fields}

    def add_problems(self, problems: Any) -> None:
        """Errors from the services, each on the field it names (or the form)."""
        for problem in problems:
            field = problem.field if problem.field in self.fields else None
            self.add_error(field, problem.message)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)
