"""Forms of the sales pages: they parse input; the services decide and write."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lendcrm.core import clock
from lendcrm.loans.models import Product
from lendcrm.sales.choices import (
    FollowUpChannel,
    FollowUpResult,
    FunnelGroup,
    IntentLevel,
    ScriptKind,
    TaskEvent,
    TaskKind,
)
from lendcrm.sales.models import RefusalReason
from lendcrm.sales.queries import BOARD_STAGES
from lendcrm.sales.services.follow_ups import FollowUpInput

_DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class FollowUpForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("跟进方式"), choices=FollowUpChannel.choices, initial=FollowUpChannel.PHONE
    )
    result = forms.ChoiceField(label=_("跟进结果"), choices=FollowUpResult.choices)
    intent_after = forms.ChoiceField(
        label=_("跟进后意向"), choices=[("", _("（未判断）")), *IntentLevel.choices], required=False
    )
    refusal_reason = forms.ModelChoiceField(
        RefusalReason.objects.filter(is_active=True).order_by("sort_order", "pk"),
        label=_("拒绝原因"),
        required=False,
        empty_label=_("（客户拒绝时必选）"),
    )
    refusal_note = forms.CharField(label=_("拒绝说明"), max_length=300, required=False)
    next_follow_up_at = forms.DateTimeField(
        label=_("下次跟进时间"), required=False, widget=_DATETIME_INPUT
    )
    note = forms.CharField(
        label=_("沟通要点"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def to_input(self) -> FollowUpInput:
        data = self.cleaned_data
        return FollowUpInput(
            channel=data["channel"],
            result=data["result"],
            intent_after=data.get("intent_after") or "",
            refusal_reason=data.get("refusal_reason"),
            refusal_note=data.get("refusal_note") or "",
            next_follow_up_at=data.get("next_follow_up_at"),
            note=data.get("note") or "",
        )


class MoveStageForm(forms.Form):
    to = forms.ChoiceField(label=_("移动到"), choices=[(s.value, s.label) for s in BOARD_STAGES])
    reason = forms.CharField(label=_("原因（退回时必填）"), max_length=200, required=False)


class ScriptSearchForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("", _("全部类型")), *ScriptKind.choices], required=False
    )
    product = forms.ModelChoiceField(
        Product.objects.order_by("code"), label=_("产品"), required=False, empty_label=_("全部产品")
    )
    stage = forms.ChoiceField(
        label=_("销售阶段"),
        choices=[("", _("全部阶段")), *[(s.value, s.label) for s in BOARD_STAGES]],
        required=False,
    )


class ScriptForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=ScriptKind.choices)
    product = forms.ModelChoiceField(
        Product.objects.order_by("code"), label=_("产品"), required=False, empty_label=_("通用")
    )
    stage = forms.ChoiceField(
        label=_("销售阶段"),
        choices=[("", _("所有阶段")), *[(s.value, s.label) for s in BOARD_STAGES]],
        required=False,
    )
    body = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 6}))
    tags = forms.CharField(label=_("标签（逗号分隔）"), required=False, max_length=300)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        parts = raw.replace("，", ",").split(",")
        return [part.strip() for part in parts if part.strip()][:20]


class TaskRuleForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    event = forms.ChoiceField(label=_("触发事件"), choices=TaskEvent.choices)
    task_kind = forms.ChoiceField(label=_("任务类型"), choices=TaskKind.choices)
    due_minutes = forms.IntegerField(label=_("时限（分钟）"), min_value=1, max_value=60 * 24 * 90)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)


class RefusalReasonForm(forms.Form):
    code = forms.SlugField(label=_("编码"), max_length=40)
    name = forms.CharField(label=_("名称"), max_length=100)
    is_opt_out = forms.BooleanField(label=_("拒绝营销"), required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, max_value=999, initial=0)


class FunnelForm(forms.Form):
    date_from = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    group_by = forms.ChoiceField(
        label=_("分组"), choices=FunnelGroup.choices, initial=FunnelGroup.TEAM, required=False
    )

    @staticmethod
    def default_data() -> dict[str, Any]:
        today = clock.today()
        return {
            "date_from": (today - timedelta(days=89)).isoformat(),
            "date_to": today.isoformat(),
            "group_by": FunnelGroup.TEAM.value,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("结束日期不能早于开始日期"))
        if start and end and (end - start).days > 366:
            self.add_error("date_from", _("时间范围不能超过一年"))
        return data
