"""Forms of the customer pages: they parse input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lendcrm.customers.choices import (
    ContactKind,
    ContactRelation,
    Education,
    EmploymentType,
    HousingStatus,
    InteractionKind,
    MaritalStatus,
    RealEstateKind,
)
from lendcrm.customers.profile import MAX_SCORE, MIN_SCORE, SUMMARY_FIELDS
from lendcrm.customers.regions import PROVINCES


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class BootstrapForm(forms.Form):
    """Adds Bootstrap's classes to every widget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            css = "form-select form-select-sm" if is_select else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)


class ConversionForm(BootstrapForm):
    """What a lead lacks to become a customer; identifiers come from the lead, not from here."""

    province = forms.ChoiceField(
        label=_("省份"), choices=_blank([(n, n) for n in PROVINCES.values()])
    )
    city = forms.CharField(label=_("城市"), max_length=20)
    email = forms.EmailField(label=_("邮箱"), required=False)
    marital_status = forms.ChoiceField(
        label=_("婚姻状况"), choices=_blank(MaritalStatus.choices), required=False
    )
    education = forms.ChoiceField(
        label=_("教育程度"), choices=_blank(Education.choices), required=False
    )
    children = forms.IntegerField(label=_("子女数量"), min_value=0, max_value=20, required=False)
    housing = forms.ChoiceField(
        label=_("居住状况"), choices=_blank(HousingStatus.choices), required=False
    )
    address = forms.CharField(label=_("常住地址"), max_length=200, required=False)
    hukou_address = forms.CharField(label=_("户籍地址"), max_length=200, required=False)
    employment_type = forms.ChoiceField(
        label=_("职业类型"), choices=_blank(EmploymentType.choices), required=False
    )
    employer = forms.CharField(label=_("单位名称"), max_length=100, required=False)
    employer_phone = forms.CharField(label=_("单位电话"), max_length=30, required=False)
    occupation = forms.CharField(label=_("职业"), max_length=50, required=False)
    position = forms.CharField(label=_("职位"), max_length=50, required=False)
    years_employed = forms.IntegerField(
        label=_("入职年限"), min_value=0, max_value=60, required=False
    )
    monthly_income = forms.DecimalField(
        label=_("月收入"), min_value=0, max_digits=12, decimal_places=2, required=False
    )

    def extra(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class BureauReportForm(BootstrapForm):
    file = forms.FileField(label=_("报告文件（PDF、JPEG 或 PNG，不超过 10 MB）"))
    report_date = forms.DateField(
        label=_("报告日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue_count_24m = forms.IntegerField(label=_("近24个月逾期次数"), min_value=0, initial=0)
    current_overdue_count = forms.IntegerField(label=_("当前逾期笔数"), min_value=0, initial=0)
    current_overdue_amount = forms.DecimalField(
        label=_("当前逾期金额"), min_value=0, max_digits=12, decimal_places=2, initial=0
    )
    inquiries_1m = forms.IntegerField(label=_("近1个月查询次数"), min_value=0, initial=0)
    inquiries_3m = forms.IntegerField(label=_("近3个月查询次数"), min_value=0, initial=0)
    inquiries_6m = forms.IntegerField(label=_("近6个月查询次数"), min_value=0, initial=0)
    card_count = forms.IntegerField(label=_("信用卡张数"), min_value=0, initial=0)
    card_limit = forms.DecimalField(
        label=_("信用卡总额度"), min_value=0, max_digits=12, decimal_places=2, initial=0
    )
    card_used = forms.DecimalField(
        label=_("信用卡已用额度"), min_value=0, max_digits=12, decimal_places=2, initial=0
    )
    loan_count = forms.IntegerField(label=_("贷款笔数"), min_value=0, initial=0)
    loan_balance = forms.DecimalField(
        label=_("贷款余额"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )

    def summary(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in SUMMARY_FIELDS}


class ContactForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("类型"), choices=ContactKind.choices)
    name = forms.CharField(label=_("联系人姓名"), max_length=50, required=False)
    relation = forms.ChoiceField(label=_("关系"), choices=ContactRelation.choices)
    mobile = forms.CharField(label=_("手机号"), max_length=20)
    note = forms.CharField(label=_("备注"), max_length=100, required=False)


class InteractionForm(BootstrapForm):
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[
            (k.value, k.label)
            for k in (
                InteractionKind.CALL,
                InteractionKind.SMS,
                InteractionKind.MEETING,
                InteractionKind.NOTE,
                InteractionKind.APP_EVENT,
            )
        ],
    )
    summary = forms.CharField(
        label=_("内容"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    occurred_at = forms.DateTimeField(
        label=_("发生时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    recording_url = forms.URLField(
        label=_("录音链接"), required=False, max_length=500, assume_scheme="https"
    )


class LabelledErrorsForm(BootstrapForm):
    """Each field's error messages start with the field's label: "估值：不能为负数".

    Several of these forms share the 360 page, so element ids carry `id_prefix`.
    """

    id_prefix = "item"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)

    def full_clean(self) -> None:
        super().full_clean()
        for name, errors in self.errors.items():
            field = self.fields.get(name)
            if field is None:
                continue
            label = str(field.label)
            errors[:] = [e if str(e).startswith(f"{label}：") else f"{label}：{e}" for e in errors]

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def _money(label: Any, *, max_digits: int = 14, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_digits=max_digits,
        decimal_places=2,
        required=required,
        initial=0 if not required else None,
    )


class RealEstateForm(LabelledErrorsForm):
    id_prefix = "real-estate"
    kind = forms.ChoiceField(label=_("房产类型"), choices=RealEstateKind.choices)
    city = forms.CharField(label=_("所在城市"), max_length=20, required=False)
    area_sqm = forms.DecimalField(
        label=_("建筑面积(㎡)"), min_value=0, max_digits=8, decimal_places=2, required=False
    )
    value = _money(_("估值"), required=True)
    mortgage_balance = _money(_("按揭余额"))
    monthly_payment = _money(_("月供"), max_digits=12)


class VehicleForm(LabelledErrorsForm):
    id_prefix = "vehicle"
    brand = forms.CharField(label=_("品牌"), max_length=50)
    model_name = forms.CharField(label=_("车型"), max_length=50, required=False)
    purchase_year = forms.IntegerField(
        label=_("购置年份"), min_value=1950, max_value=2100, required=False
    )
    purchase_price = _money(_("购置价格"), max_digits=12, required=True)
    loan_balance = _money(_("车贷余额"), max_digits=12)


class ThirdPartyScoreForm(LabelledErrorsForm):
    id_prefix = "score"
    provider = forms.CharField(label=_("数据源"), max_length=40)
    score = forms.IntegerField(label=_("分数"), min_value=MIN_SCORE, max_value=MAX_SCORE)
    as_of = forms.DateField(label=_("评分日期"), widget=forms.DateInput(attrs={"type": "date"}))
