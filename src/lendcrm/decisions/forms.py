"""Forms of the strategy pages (the grid and step editors live in table_grid and
strategy_steps)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy


class NewStrategyForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("策略代码"), max_length=40)
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    product_code = forms.CharField(label=gettext_lazy("产品代码"), max_length=40, required=False)
    description = forms.CharField(
        label=gettext_lazy("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ChallengerForm(forms.Form):
    challenger = forms.IntegerField(label=gettext_lazy("挑战者版本号"), min_value=1)
    share = forms.DecimalField(
        label=gettext_lazy("流量占比"), min_value=0, max_value=1, decimal_places=2, initial=0.1
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("模式"),
        choices=[("split", gettext_lazy("分流")), ("shadow", gettext_lazy("影子"))],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class TestPanelForm(forms.Form):
    sample = forms.CharField(
        label=gettext_lazy("样例输入（JSON）"),
        widget=forms.Textarea(attrs={"rows": 10, "class": "font-monospace"}),
        required=False,
    )
    application_id = forms.IntegerField(
        label=gettext_lazy("或进件 ID"), required=False, min_value=1
    )
