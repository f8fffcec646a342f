"""Forms of the lead pages: they parse input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lendcrm.identity.models import User
from lendcrm.leads.choices import AssignmentStrategy, BlacklistKind
from lendcrm.leads.models import Channel
from lendcrm.leads.services.importing import IMPORT_FIELDS


def _codes(value: str) -> list[str]:
    return [part for part in value.replace("，", ",").replace(" ", ",").split(",") if part]


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("文件（.xlsx 或 CSV，不超过 10 MB）"))
    channel = forms.ModelChoiceField(Channel.objects.filter(is_active=True), label=_("渠道"))
    campaign = forms.CharField(label=_("活动"), max_length=100, required=False)


class ImportMappingForm(forms.Form):
    """One select per lead field, offering the sheet's columns."""

    def __init__(
        self, *args: object, headers: list[str], initial_map: dict[str, int], **kw: object
    ) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        choices = [("", _("（不导入）"))] + [
            (str(i), h or f"#{i + 1}") for i, h in enumerate(headers)
        ]
        labels = dict(FIELD_LABELS)
        for name in IMPORT_FIELDS:
            self.fields[name] = forms.ChoiceField(
                label=labels[name],
                choices=choices,
                required=False,
                initial=str(initial_map[name]) if name in initial_map else "",
            )


FIELD_LABELS = (
    ("name", _("姓名")),
    ("mobile", _("手机号")),
    ("id_number", _("身份证号")),
    ("city", _("城市")),
    ("requested_amount", _("意向金额")),
    ("purpose", _("借款用途")),
    ("campaign", _("活动")),
    ("consent", _("已授权")),
    ("consent_at", _("授权时间")),
)


class ScreeningRuleForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    channel = forms.ModelChoiceField(
        Channel.objects.all(), label=_("渠道"), required=False, empty_label=_("所有渠道")
    )
    min_age = forms.IntegerField(label=_("最小年龄"), min_value=0, max_value=120, required=False)
    max_age = forms.IntegerField(label=_("最大年龄"), min_value=0, max_value=120, required=False)
    allowed_regions = forms.CharField(
        label=_("允许地区（省份代码前缀，逗号分隔）"), required=False, max_length=300
    )
    check_blacklist = forms.BooleanField(label=_("检查黑名单"), required=False, initial=True)
    require_consent = forms.BooleanField(label=_("要求授权"), required=False, initial=True)

    def regions(self) -> list[str]:
        return _codes(self.cleaned_data.get("allowed_regions") or "")


class BlacklistForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=BlacklistKind.choices)
    value = forms.CharField(label=_("号码"), max_length=30)
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class AssignmentRuleForm(forms.Form):
    channel = forms.ModelChoiceField(
        Channel.objects.all(), label=_("渠道"), required=False, empty_label=_("默认规则")
    )
    strategy = forms.ChoiceField(label=_("策略"), choices=AssignmentStrategy.choices)
    first_contact_sla_minutes = forms.IntegerField(
        label=_("首呼时限（分钟）"), min_value=1, initial=30
    )


class AssignmentMemberForm(forms.Form):
    agent = forms.ModelChoiceField(User.objects.none(), label=_("电销顾问"))
    weight = forms.IntegerField(label=_("权重"), min_value=0, initial=1)
    regions = forms.CharField(label=_("负责地区"), required=False, max_length=300)
    max_open_leads = forms.IntegerField(label=_("最多在跟线索"), min_value=0, initial=200)
    work_start = forms.TimeField(label=_("上班时间"), required=False)
    work_end = forms.TimeField(label=_("下班时间"), required=False)

    def region_codes(self) -> list[str]:
        return _codes(self.cleaned_data.get("regions") or "")


class ReassignForm(forms.Form):
    agent = forms.ModelChoiceField(User.objects.none(), label=_("改派给"))
