"""The home dashboard: which panels a user sees, and their figures ready for the template.

A panel is shown to users who may open its records (e.g. customers.view) and to users who may
read reports (reports.view); either way the figures come from reporting.queries, which limits
them to the user's data scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from lendcrm.core.money import format_money
from lendcrm.identity.roles import can, scope_of
from lendcrm.reporting import queries
from lendcrm.reporting.queries import PeriodCount, Window

RECENT_DAYS = 30
DECISION_DAYS = 90
TREND_WEEKS = 12
ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Change:
    """Change against the previous period of equal length, in percent."""

    percent: Decimal
    direction: str  # "up", "down" or "flat"

    @classmethod
    def between(cls, period: PeriodCount) -> Change | None:
        """None when the previous period had nothing to compare with."""
        if period.previous == 0:
            return None
        delta = period.current - period.previous
        direction = "up" if delta > 0 else "down" if delta < 0 else "flat"
        ratio = Decimal(abs(delta)) * 100 / Decimal(period.previous)
        return cls(percent=ratio.quantize(ONE_DECIMAL, ROUND_HALF_UP), direction=direction)


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str | Promise
    value: str
    icon: str
    note: str
    change: Change | None = None


@dataclass
class Dashboard:
    scope_label: str
    kpis: list[Kpi] = field(default_factory=list)
    charts: dict[str, Any] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.kpis


def approval_rate(approved: int, declined: int) -> Decimal | None:
    """Approved share of decided applications, in percent to one decimal; None if none decided."""
    decided = approved + declined
    if decided == 0:
        return None
    return (Decimal(approved) * 100 / Decimal(decided)).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def _may_see(user: Any, capability: str) -> bool:
    return can(user, capability) or can(user, "reports.view")


def build_dashboard(user: Any, *, today: date) -> Dashboard:
    scope = scope_of(user)
    dashboard = Dashboard(scope_label=str(scope.label) if scope is not None else "")
    recent = Window.of_days(today, RECENT_DAYS)
    if _may_see(user, "customers.view"):
        _add_customers(dashboard, user, recent)
    if _may_see(user, "leads.view"):
        _add_leads(dashboard, user, recent, today)
    if _may_see(user, "applications.view"):
        _add_applications(dashboard, user, recent, Window.of_days(today, DECISION_DAYS))
    if dashboard.charts:
        dashboard.charts["labels"] = {
            "empty": gettext("暂无数据"),
            "leads": pgettext("chart", "线索"),
            "customers": pgettext("chart", "客户"),
            "applications": pgettext("chart", "进件"),
        }
    return dashboard


def _add_customers(dashboard: Dashboard, user: Any, recent: Window) -> None:
    counts = queries.count_customers(user, window=recent)
    dashboard.kpis.append(
        Kpi(
            key="customers",
            label=_("客户总数"),
            value=f"{counts.total:,}",
            icon="people",
            note=gettext("近%(days)s天新增 %(count)s")
            % {"days": RECENT_DAYS, "count": counts.new_in_window},
        )
    )
    provinces = queries.customers_by_province(user)
    dashboard.charts["customersByProvince"] = {
        "names": [name for name, _n in provinces],
        "values": [n for _name, n in provinces],
    }


def _add_leads(dashboard: Dashboard, user: Any, recent: Window, today: date) -> None:
    leads = queries.count_leads(user, window=recent)
    dashboard.kpis.append(
        Kpi(
            key="leads",
            label=_("近30天新增线索"),
            value=f"{leads.current:,}",
            icon="funnel",
            note=gettext("前30天 %(count)s") % {"count": f"{leads.previous:,}"},
            change=Change.between(leads),
        )
    )
    weekly = queries.leads_by_channel_per_week(user, today=today, weeks=TREND_WEEKS)
    dashboard.charts["leadsByChannel"] = {
        "weeks": [start.strftime("%m-%d") for start in weekly.weeks],
        "series": [{"name": name, "data": data} for name, data in weekly.series],
    }
    dashboard.charts["leadFunnel"] = [
        {"name": str(status.label), "value": n} for status, n in queries.leads_by_stage(user)
    ]


def _add_applications(dashboard: Dashboard, user: Any, recent: Window, decided: Window) -> None:
    apps = queries.count_applications(user, submitted_window=recent, decided_window=decided)
    rate = approval_rate(apps.approved, apps.declined)
    dashboard.kpis.append(
        Kpi(
            key="applications",
            label=_("近30天提交进件"),
            value=f"{apps.submitted.current:,}",
            icon="file-earmark-text",
            note=gettext("申请金额 ¥%(amount)s") % {"amount": format_money(apps.submitted_amount)},
            change=Change.between(apps.submitted),
        )
    )
    dashboard.kpis.append(
        Kpi(
            key="approval_rate",
            label=_("近90天审批通过率"),
            value=f"{rate}%" if rate is not None else "—",
            icon="check2-circle",
            note=gettext("通过 %(approved)s · 拒绝 %(declined)s")
            % {"approved": f"{apps.approved:,}", "declined": f"{apps.declined:,}"},
        )
    )
    dashboard.charts["applicationStatus"] = [
        {"name": str(status.label), "value": n, "key": status.value}
        for status, n in queries.applications_by_status(user)
    ]
