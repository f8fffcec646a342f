"""Scoped reads behind the home dashboard. Every figure is limited to the user's data scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, DateField, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.core.money import ZERO, to_money
from lendcrm.customers.models import Customer
from lendcrm.identity.scoping import scoped
from lendcrm.leads.choices import LeadStatus
from lendcrm.leads.models import Lead

APPROVED_STATUSES = (ApplicationStatus.APPROVED, ApplicationStatus.DISBURSED)
DECLINED_STATUSES = (ApplicationStatus.DECLINED,)
# The sales pipeline in order (GLOSSARY: 销售阶段); 无效 is left out of the funnel.
PIPELINE = (
    LeadStatus.NEW,
    LeadStatus.CONTACTED,
    LeadStatus.INTERESTED,
    LeadStatus.PREPARING,
    LeadStatus.APPLIED,
    LeadStatus.DISBURSED,
)


@dataclass(frozen=True)
class Window:
    """A rolling period ending today (inclusive), and the period of equal length before it."""

    start: datetime
    previous_start: datetime
    end: datetime

    @classmethod
    def of_days(cls, today: date, days: int) -> Window:
        end = _local_midnight(today + timedelta(days=1))
        return cls(
            start=end - timedelta(days=days),
            previous_start=end - timedelta(days=2 * days),
            end=end,
        )


@dataclass(frozen=True)
class CustomerCounts:
    total: int
    new_in_window: int


@dataclass(frozen=True)
class PeriodCount:
    current: int
    previous: int


@dataclass(frozen=True)
class ApplicationCounts:
    submitted: PeriodCount
    submitted_amount: Decimal
    approved: int
    declined: int


@dataclass(frozen=True)
class WeeklySeries:
    weeks: list[date]
    series: list[tuple[str, list[int]]]  # (channel name, count per week)


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def count_customers(user: Any, *, window: Window) -> CustomerCounts:
    row = scoped(Customer.objects.all(), user).aggregate(
        total=Count("id"),
        new=Count("id", filter=Q(created_at__gte=window.start, created_at__lt=window.end)),
    )
    return CustomerCounts(total=row["total"], new_in_window=row["new"])


def count_leads(user: Any, *, window: Window) -> PeriodCount:
    row = scoped(Lead.objects.all(), user).aggregate(
        current=Count("id", filter=Q(created_at__gte=window.start, created_at__lt=window.end)),
        previous=Count(
            "id", filter=Q(created_at__gte=window.previous_start, created_at__lt=window.start)
        ),
    )
    return PeriodCount(current=row["current"], previous=row["previous"])


def count_applications(
    user: Any, *, submitted_window: Window, decided_window: Window
) -> ApplicationCounts:
    in_window = Q(submitted_at__gte=submitted_window.start, submitted_at__lt=submitted_window.end)
    in_previous = Q(
        submitted_at__gte=submitted_window.previous_start,
        submitted_at__lt=submitted_window.start,
    )
    decided = Q(decided_at__gte=decided_window.start, decided_at__lt=decided_window.end)
    row = scoped(Application.objects.all(), user).aggregate(
        current=Count("id", filter=in_window),
        previous=Count("id", filter=in_previous),
        amount=Sum("amount", filter=in_window),
        approved=Count("id", filter=decided & Q(status__in=APPROVED_STATUSES)),
        declined=Count("id", filter=decided & Q(status__in=DECLINED_STATUSES)),
    )
    return ApplicationCounts(
        submitted=PeriodCount(current=row["current"], previous=row["previous"]),
        submitted_amount=to_money(row["amount"] if row["amount"] is not None else ZERO),
        approved=row["approved"],
        declined=row["declined"],
    )


def week_starts(today: date, weeks: int) -> list[date]:
    """The Mondays of the last `weeks` weeks, oldest first, ending with this week's."""
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def leads_by_channel_per_week(user: Any, *, today: date, weeks: int = 12) -> WeeklySeries:
    starts = week_starts(today, weeks)
    rows = (
        scoped(Lead.objects.all(), user)
        .filter(created_at__gte=_local_midnight(starts[0]))
        .annotate(week=TruncWeek("created_at", output_field=DateField()))
        .values("week", "channel__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[str, dict[date, int]] = {}
    for row in rows:
        counts.setdefault(row["channel__name"], {})[row["week"]] = row["n"]
    series = [
        (name, [per_week.get(start, 0) for start in starts])
        for name, per_week in sorted(counts.items(), key=lambda kv: -sum(kv[1].values()))
    ]
    return WeeklySeries(weeks=starts, series=series)


def applications_by_status(user: Any) -> list[tuple[ApplicationStatus, int]]:
    rows = (
        scoped(Application.objects.all(), user).values("status").annotate(n=Count("id")).order_by()
    )
    counts = {row["status"]: row["n"] for row in rows}
    return [(status, counts[status.value]) for status in ApplicationStatus if counts.get(status)]


def leads_by_stage(user: Any) -> list[tuple[LeadStatus, int]]:
    """How many leads reached each pipeline stage: a lead further on counts for earlier stages."""
    rows = scoped(Lead.objects.all(), user).values("status").annotate(n=Count("id")).order_by()
    depth = {status.value: index for index, status in enumerate(PIPELINE)}
    depth[LeadStatus.REJECTED.value] = depth[LeadStatus.APPLIED.value]  # declined after applying
    reached = [0] * len(PIPELINE)
    for row in rows:
        for index in range(depth.get(row["status"], -1) + 1):
            reached[index] += row["n"]
    return list(zip(PIPELINE, reached, strict=True))


def customers_by_province(user: Any, *, top: int = 10) -> list[tuple[str, int]]:
    rows = (
        scoped(Customer.objects.all(), user)
        .values("province")
        .annotate(n=Count("id"))
        .order_by("-n", "province")[:top]
    )
    return [(row["province"], row["n"]) for row in rows]
