from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class ManualPaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("还款金额"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    value_date = forms.DateField(label=_("入账日"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("银行/柜台流水号"), max_length=64)
    prepay = forms.BooleanField(label=_("提前还款 (结清当期后偿还本金)"), required=False)
