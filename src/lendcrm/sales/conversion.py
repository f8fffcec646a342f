"""Scoped reads behind the conversion analysis page and its CSV export."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lendcrm.identity.scoping import scoped
from lendcrm.leads.choices import LeadStatus
from lendcrm.leads.models import Lead
from lendcrm.privacy.exports import ExportColumn, ExportFile, export_csv
from lendcrm.sales.choices import FunnelGroup
from lendcrm.sales.funnel import (
    FUNNEL_STAGES,
    FunnelReport,
    LeadPath,
    StagePeriod,
    build_funnel,
    furthest_rank,
)
from lendcrm.sales.models import LeadStageChange


@dataclass(frozen=True)
class FunnelFilters:
    date_from: date
    date_to: date
    group_by: str = FunnelGroup.TEAM

    def as_audit(self) -> dict[str, str]:
        return {
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "group_by": self.group_by,
        }


def _bounds(filters: FunnelFilters) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(filters.date_from, time.min, tzinfo=tz)
    end = datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def funnel_leads(user: Any, filters: FunnelFilters) -> QuerySet[Lead]:
    """The cohort: scoped, non-duplicate leads created in the date range."""
    start, end = _bounds(filters)
    leads = Lead.objects.filter(created_at__gte=start, created_at__lt=end, is_duplicate=False)
    return scoped(leads.select_related("owner", "team", "channel"), user).order_by("pk")


def _group_of(lead: Lead, group_by: str) -> str:
    if group_by == FunnelGroup.OWNER:
        return str(lead.owner) if lead.owner else _("未分配")
    if group_by == FunnelGroup.CHANNEL:
        return lead.channel.name
    if group_by == FunnelGroup.CAMPAIGN:
        return lead.campaign or _("（无活动）")
    return lead.team.name if lead.team else _("未分配")


def _history(lead_ids: list[int]) -> tuple[dict[int, set[str]], list[StagePeriod]]:
    stages: dict[int, set[str]] = defaultdict(set)
    periods: list[StagePeriod] = []
    rows = LeadStageChange.objects.filter(lead_id__in=lead_ids).values_list(
        "lead_id", "stage", "previous_stage", "duration_seconds"
    )
    for lead_id, stage, previous, seconds in rows.iterator(chunk_size=2000):
        stages[lead_id].add(stage)
        if previous:
            stages[lead_id].add(previous)
        if seconds is not None:
            periods.append(StagePeriod(stage=stage, seconds=seconds))
    return stages, periods


def build_report(user: Any, filters: FunnelFilters) -> FunnelReport:
    leads = list(funnel_leads(user, filters))
    stages, periods = _history([lead.pk for lead in leads])
    paths = [
        LeadPath(
            group=_group_of(lead, filters.group_by),
            stages=frozenset(stages.get(lead.pk, set()) | {lead.status}),
        )
        for lead in leads
    ]
    return build_funnel(paths, periods)


def chart_data(report: FunnelReport) -> dict[str, Any]:
    """The figures the ECharts script draws (static/sales/funnel.js)."""
    labels = [str(LeadStatus(s).label) for s in FUNNEL_STAGES]
    return {
        "stages": labels,
        "reached": list(report.overall.reached),
        "rates": list(report.overall.rates),
        "medianHours": list(report.median_hours),
        "labels": {"leads": _("线索数"), "hours": _("停留时长中位数（小时）")},
    }


def export_funnel(user: Any, filters: FunnelFilters) -> ExportFile:
    """The cohort's leads with their furthest stage, through the audited export helper."""
    leads = funnel_leads(user, filters)
    stages, _periods = _history(list(leads.values_list("pk", flat=True)))

    def furthest(lead: Lead) -> str:
        rank = furthest_rank(stages.get(lead.pk, set()) | {lead.status})
        return str(LeadStatus(FUNNEL_STAGES[rank]).label)

    columns = [
        ExportColumn("id", _("线索编号"), compute=lambda lead: lead.pk),
        ExportColumn("name", _("姓名")),
        ExportColumn("channel", _("渠道"), compute=lambda lead: lead.channel.name),
        ExportColumn("campaign", _("活动")),
        ExportColumn("owner", _("跟进人"), compute=lambda lead: str(lead.owner or "")),
        ExportColumn("team", _("团队"), compute=lambda lead: lead.team.name if lead.team else ""),
        ExportColumn("status", _("当前阶段")),
        ExportColumn("furthest", _("到达的最远阶段"), compute=furthest),
        ExportColumn("created_at", _("创建时间")),
    ]
    return export_csv(
        user=user,
        queryset=leads,
        columns=columns,
        action="sales.funnel_exported",
        filters=filters.as_audit(),
        filename_stem="sales-funnel",
    )
