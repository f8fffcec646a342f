"""Conversion analysis (转化分析), pure: stage counts, stage-to-stage rates, median time in stage.

A lead has "reached" a stage when it has been in that stage or a later one, so a lead that
jumped or was moved back still counts once for every stage up to the furthest it got to.
已拒单 is reported beside the funnel, not as a step of it.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lendcrm.leads.choices import LeadStatus

FUNNEL_STAGES: tuple[str, ...] = (
    LeadStatus.NEW,
    LeadStatus.CONTACTED,
    LeadStatus.INTERESTED,
    LeadStatus.PREPARING,
    LeadStatus.APPLIED,
    LeadStatus.DISBURSED,
)
_RANK = {stage: rank for rank, stage in enumerate(FUNNEL_STAGES)}


@dataclass(frozen=True)
class LeadPath:
    """Every stage one lead has been in (history and current status), and its group."""

    group: str
    stages: frozenset[str]


@dataclass(frozen=True)
class StagePeriod:
    """A finished stay in a stage, in seconds."""

    stage: str
    seconds: int


@dataclass(frozen=True)
class FunnelRow:
    group: str
    reached: tuple[int, ...]  # per FUNNEL_STAGES
    rates: tuple[float | None, ...]  # stage i from stage i-1; None for the first and after 0
    rejected: int

    @property
    def total(self) -> int:
        return self.reached[0]

    @property
    def overall_rate(self) -> float | None:
        return _rate(self.reached[-1], self.reached[0])


@dataclass(frozen=True)
class FunnelReport:
    overall: FunnelRow
    groups: tuple[FunnelRow, ...]
    median_hours: tuple[float | None, ...]  # per FUNNEL_STAGES


def furthest_rank(stages: Iterable[str]) -> int:
    return max((_RANK[s] for s in stages if s in _RANK), default=0)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def funnel_row(group: str, paths: Sequence[LeadPath]) -> FunnelRow:
    ranks = [furthest_rank(p.stages) for p in paths]
    reached = tuple(sum(1 for r in ranks if r >= i) for i in range(len(FUNNEL_STAGES)))
    rates = (None, *tuple(_rate(reached[i], reached[i - 1]) for i in range(1, len(reached))))
    rejected = sum(1 for p in paths if LeadStatus.REJECTED in p.stages)
    return FunnelRow(group=group, reached=reached, rates=rates, rejected=rejected)


def median_hours(periods: Iterable[StagePeriod]) -> tuple[float | None, ...]:
    by_stage: dict[str, list[int]] = defaultdict(list)
    for period in periods:
        by_stage[period.stage].append(period.seconds)
    return tuple(
        round(statistics.median(by_stage[s]) / 3600, 2) if by_stage[s] else None
        for s in FUNNEL_STAGES
    )


def build_funnel(paths: Sequence[LeadPath], periods: Iterable[StagePeriod]) -> FunnelReport:
    grouped: dict[str, list[LeadPath]] = defaultdict(list)
    for path in paths:
        grouped[path.group].append(path)
    groups = tuple(funnel_row(name, grouped[name]) for name in sorted(grouped))
    return FunnelReport(
        overall=funnel_row("", paths), groups=groups, median_hours=median_hours(periods)
    )
