"""The navigation each role sees. Items name the capability they need (identity.policy)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lendcrm.identity.roles import can


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    capability: str | None


NAV_ITEMS: tuple[NavItem, ...] = (NavItem("home", _("工作台"), "ui:home", None),)


def items_for(user: Any) -> list[dict[str, Any]]:
    visible = []
    for item in NAV_ITEMS:
        if item.capability is not None and not can(user, item.capability):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        visible.append({"key": item.key, "label": item.label, "url": url})
    return visible
