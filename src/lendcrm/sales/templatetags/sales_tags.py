"""{% task_badge_slot %}: the shell's polled reminder badge, for users who have sales tasks."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from lendcrm.identity.roles import can

register = template.Library()


@register.inclusion_tag("sales/_task_badge_slot.html", takes_context=True)
def task_badge_slot(context: dict[str, Any]) -> dict[str, Any]:
    user = context.get("user")
    return {"show": user is not None and can(user, "sales.view")}


@register.filter
def stage_duration(seconds: int | None) -> str:
    """Time in a stage for people: 2天3小时, 3小时5分钟, 7分钟."""
    if seconds is None:
        return ""
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(d)d天%(h)d小时") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d小时%(m)d分钟") % {"h": hours, "m": minutes}
    return _("%(m)d分钟") % {"m": minutes}


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)
