"""The auditor's search filters: one validation for the pages, the export and the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lendcrm.audit.chain import clean_ip
from lendcrm.audit.queries import EventFilters
from lendcrm.core.errors import DomainError, FieldProblem

_DATE_ERROR = _("日期格式应为 YYYY-MM-DD，例如 2025-01-31")


class EventFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人账号"), required=False, max_length=150)
    action = forms.CharField(
        label=_("动作"),
        required=False,
        max_length=80,
        help_text=_("以 * 结尾按前缀匹配，例如 api_token.*"),
    )
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=80)
    object_id = forms.CharField(label=_("对象ID"), required=False, max_length=64)
    ip = forms.GenericIPAddressField(
        label=_("IP 地址"),
        required=False,
        error_messages={"invalid": _("请输入有效的 IPv4 或 IPv6 地址")},
    )
    date_from = forms.DateField(
        label=_("起始日期"),
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _DATE_ERROR},
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("截止日期"),
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _DATE_ERROR},
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期"))
        return cleaned

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def to_filters(self) -> EventFilters:
        data = self.cleaned_data
        return EventFilters(
            actor=data.get("actor") or "",
            action=data.get("action") or "",
            object_type=data.get("object_type") or "",
            object_id=data.get("object_id") or "",
            ip=clean_ip(data.get("ip")) or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


def parse_filters(params: Mapping[str, Any]) -> EventFilters:
    """Validated filters, or DomainError naming every offending field (API and export)."""
    form = EventFilterForm({k: v for k, v in params.items() if v is not None})
    if not form.is_valid():
        problems = [
            FieldProblem(field, str(message))
            for field, messages in form.errors.items()
            for message in messages
        ]
        raise DomainError(str(_("筛选条件无效")), problems=problems)
    return form.to_filters()
