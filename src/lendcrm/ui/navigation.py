"""The navigation each role sees. Items name the capability they need (identity.policy).

An item is shown only when its URL exists (sections other apps are still building appear as
soon as they are routed), the user holds its capability, and the access policy would let the
user open it, so that no link in the menu leads to a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lendcrm.identity.access import is_allowed, requirement_for_page
from lendcrm.identity.roles import can


@dataclass(frozen=True)
class NavSection:
    key: str
    label: str | Promise


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    capability: str | None  # None: every signed-in user
    section: str
    icon: str  # a bootstrap-icons name, without the "bi-" prefix


NAV_SECTIONS: tuple[NavSection, ...] = (
    NavSection("overview", _("概览")),
    NavSection("acquisition", _("获客")),
    NavSection("review", _("信审")),
    NavSection("post_loan", _("贷后")),
    NavSection("risk", _("风控")),
    NavSection("system", _("系统")),
)

# Nav labels that are also model names take a context: "Customers" here, "Customer" elsewhere.
NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("home", _("工作台"), "ui:home", None, "overview", "speedometer2"),
    NavItem(
        "leads",
        pgettext_lazy("navigation", "线索"),
        "leads:list",
        "leads.view",
        "acquisition",
        "funnel",
    ),
    NavItem(
        "customers",
        pgettext_lazy("navigation", "客户"),
        "customers:list",
        "customers.view",
        "acquisition",
        "people",
    ),
    NavItem("sales_tasks", _("我的任务"), "sales:tasks", "sales.view", "acquisition", "list-check"),
    NavItem("sales_board", _("销售看板"), "sales:board", "sales.view", "acquisition", "kanban"),
    NavItem(
        "sales_scripts", _("话术库"), "sales:scripts", "sales.view", "acquisition", "chat-quote"
    ),
    NavItem(
        "sales_funnel",
        _("转化分析"),
        "sales:funnel",
        "sales.view",
        "acquisition",
        "bar-chart-steps",
    ),
    NavItem(
        "lead_imports", _("线索导入"), "leads:imports", "leads.manage", "acquisition", "upload"
    ),
    NavItem(
        "lead_screening",
        _("线索筛查规则"),
        "leads:screening_rules",
        "leads.manage",
        "acquisition",
        "funnel-fill",
    ),
    NavItem(
        "lead_assignment",
        _("线索分配规则"),
        "leads:assignment_rules",
        "leads.manage",
        "acquisition",
        "diagram-3",
    ),
    NavItem(
        "sales_settings", _("销售设置"), "sales:settings", "sales.manage", "acquisition", "sliders"
    ),
    NavItem(
        "applications",
        pgettext_lazy("navigation", "进件"),
        "applications:list",
        "applications.view",
        "review",
        "file-earmark-text",
    ),
    NavItem(
        "review_queue", _("信审队列"), "reviews:queue", "applications.review", "review", "inboxes"
    ),
    NavItem(
        "approval_tasks",
        _("我的审批"),
        "approvals:tasks",
        "approvals.act",
        "review",
        "check2-square",
    ),
    NavItem(
        "review_rules",
        _("信审分配规则"),
        "reviews:rules",
        "applications.assign",
        "review",
        "diagram-3",
    ),
    NavItem(
        "approval_settings",
        _("审批流配置"),
        "approvals:settings",
        "approvals.manage",
        "review",
        "sliders",
    ),
    NavItem("loans", _("授信与借据"), "loans:lines", "loans.view", "post_loan", "wallet2"),
    NavItem("scoring", _("评分卡"), "scoring:versions", "scoring.view", "risk", "clipboard-data"),
    NavItem(
        "decisions", _("决策策略"), "decisions:strategies", "decisions.view", "risk", "diagram-2"
    ),
    NavItem("users", _("用户管理"), "identity:users", "identity.manage", "system", "person-gear"),
    NavItem("audit", _("审计日志"), "audit:events", "audit.view", "system", "journal-check"),
    NavItem(
        "security", _("安全策略"), "identity:security", "identity.manage", "system", "shield-lock"
    ),
    NavItem(
        "channel_keys",
        _("渠道密钥"),
        "identity:channel_keys",
        "identity.manage",
        "system",
        "plug",
    ),
    NavItem("tokens", _("API 令牌"), "identity:tokens", None, "system", "key"),
)


def url_of(item: NavItem) -> str | None:
    try:
        return reverse(item.url_name)
    except NoReverseMatch:
        return None


def is_visible_to(item: NavItem, user: Any) -> bool:
    if item.capability is not None and not can(user, item.capability):
        return False
    return is_allowed(user, requirement_for_page(item.url_name))


def items_for(user: Any, *, current_path: str = "") -> list[dict[str, Any]]:
    """The items this user may open, in menu order, with the current one marked active."""
    visible = []
    for item in NAV_ITEMS:
        url = url_of(item)
        if url is None or not is_visible_to(item, user):
            continue
        active = current_path == url or (url != "/" and current_path.startswith(url))
        visible.append(
            {
                "key": item.key,
                "label": item.label,
                "url": url,
                "icon": item.icon,
                "section": item.section,
                "active": active,
            }
        )
    return visible


def sections_for(user: Any, *, current_path: str = "") -> list[dict[str, Any]]:
    """The visible items grouped by section; sections with nothing to show are left out."""
    items = items_for(user, current_path=current_path)
    grouped = []
    for section in NAV_SECTIONS:
        members = [item for item in items if item["section"] == section.key]
        if members:
            grouped.append({"key": section.key, "label": section.label, "items": members})
    return grouped
