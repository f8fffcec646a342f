"""When things happened to a demo customer: lead, conversion, application and decision.

Everything is dated backwards from the horizon, 10:00 on the `as_of` date, so the newest
records are from that morning and a dashboard opened that day looks alive. Undecided
applications are recent; finished journeys spread over two years, denser towards the present.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.demo.sampling import below, between, clamp
from lendcrm.leads.choices import LeadStatus

CHINA = timezone(timedelta(hours=8), "CST")  # no daylight saving: a fixed offset is exact
HISTORY_DAYS = 720
A = ApplicationStatus

# Longest age in days of the last event of a journey that ends in this state.
_RECENT_DAYS: dict[ApplicationStatus | LeadStatus, int] = {
    A.SUBMITTED: 1,
    A.MANUAL_REVIEW: 4,
    A.APPROVED: 6,
    A.DRAFT: 20,
    LeadStatus.PREPARING: 20,
    LeadStatus.INTERESTED: 40,
}
LEAD_STATUS_OF: dict[ApplicationStatus, LeadStatus] = {
    A.DRAFT: LeadStatus.PREPARING,
    A.SUBMITTED: LeadStatus.APPLIED,
    A.MANUAL_REVIEW: LeadStatus.APPLIED,
    A.APPROVED: LeadStatus.APPLIED,
    A.DECLINED: LeadStatus.REJECTED,
    A.CANCELLED: LeadStatus.REJECTED,
    A.DISBURSED: LeadStatus.DISBURSED,
}


@dataclass(frozen=True, slots=True)
class Journey:
    lead_at: datetime | None
    customer_at: datetime
    lead_status: LeadStatus
    application_status: ApplicationStatus | None
    application_at: datetime | None  # when the application was started
    submitted_at: datetime | None
    decided_at: datetime | None


def approval_probability(default_probability: float) -> float:
    """The demo lender's policy: riskier applicants are declined more often."""
    return clamp(0.93 - 5.0 * default_probability, 0.08, 0.93)


def plan_journey(
    rng: random.Random, *, as_of: date, default_probability: float, has_lead: bool
) -> Journey:
    status = _final_application_status(rng, default_probability)
    if status is None:
        lead_status = LeadStatus.INTERESTED if rng.random() < 0.5 else LeadStatus.PREPARING
    else:
        lead_status = LEAD_STATUS_OF[status]
    gaps = [_gap(rng, 2.0, 10)] if has_lead else []  # lead -> customer
    if status is not None:
        gaps.append(_gap(rng, 3.0, 20))  # customer -> application started
        if status != A.DRAFT:
            gaps.append(0 if rng.random() < 0.7 else between(rng, 1, 3))  # -> submitted
        if status in (A.APPROVED, A.DECLINED, A.DISBURSED):
            gaps.append(0 if rng.random() < 0.6 else between(rng, 1, 3))  # -> decided
    recent = _RECENT_DAYS.get(status if status is not None else lead_status)
    if status is None and rng.random() < 0.6:
        recent = None  # most who never applied went quiet long ago
    last_day = between(rng, 0, recent) if recent else int(HISTORY_DAYS * rng.random() ** 1.3)
    stamps = _timestamps(rng, as_of, last_day, gaps)
    events: list[datetime | None] = [*([] if has_lead else [None]), *stamps]
    events += [None] * (5 - len(events))
    return Journey(
        lead_at=events[0],
        customer_at=stamps[1 if has_lead else 0],
        lead_status=lead_status,
        application_status=status,
        application_at=events[2],
        submitted_at=events[3],
        decided_at=events[4],
    )


def _final_application_status(rng: random.Random, pd: float) -> ApplicationStatus | None:
    draw = rng.random()
    if draw < 0.15:
        return None  # interested or preparing, nothing started
    if draw < 0.19:
        return A.DRAFT
    if draw < 0.21:
        return A.SUBMITTED
    if draw < 0.24:
        return A.MANUAL_REVIEW
    if draw < 0.29:
        return A.CANCELLED
    if rng.random() >= approval_probability(pd):
        return A.DECLINED
    return A.APPROVED if rng.random() < 0.05 else A.DISBURSED


def _gap(rng: random.Random, mean_days: float, longest: int) -> int:
    return min(longest, int(rng.expovariate(1.0 / mean_days)))


def _timestamps(rng: random.Random, as_of: date, last_day: int, gaps: list[int]) -> list[datetime]:
    """Datetimes for events separated by `gaps` days, the last one `last_day` days before as_of."""
    days = [last_day]
    for gap in reversed(gaps):
        days.append(days[-1] + gap)
    days.reverse()
    return sorted(at(rng, as_of, day) for day in days)


def at(rng: random.Random, as_of: date, days_before: int) -> datetime:
    """A moment during working hours `days_before` days before as_of, never after the horizon."""
    hour_limit = 2 if days_before == 0 else 14
    seconds = below(rng, hour_limit * 3600)
    return _morning(as_of) - timedelta(days=days_before, seconds=-seconds)


@lru_cache(maxsize=16)
def _morning(as_of: date) -> datetime:
    return datetime.combine(as_of, time(8), CHINA)


def horizon(as_of: date) -> datetime:
    return datetime.combine(as_of, time(10), CHINA)
