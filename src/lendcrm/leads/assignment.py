"""Choosing the agent for a lead: pure, so fairness is tested without a database.

Weighted sharing is deterministic: the next lead goes to the available agent with the lowest
(assigned + 1) / weight, so after N leads every agent's share is within one lead of its weight.
Round robin is the same with equal weights. By region, agents covering the lead's region are
preferred; when none is available the lead falls back to every available agent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time

from lendcrm.leads.choices import AssignmentStrategy


@dataclass
class AgentSlot:
    agent_id: int
    weight: int = 1
    regions: tuple[str, ...] = ()
    capacity_left: int = 1_000_000
    work_start: time | None = None
    work_end: time | None = None
    assigned_total: int = 0


def is_working(slot: AgentSlot, at: time) -> bool:
    if slot.work_start is None or slot.work_end is None:
        return True
    if slot.work_start <= slot.work_end:
        return slot.work_start <= at < slot.work_end
    return at >= slot.work_start or at < slot.work_end  # a night shift past midnight


def covers(slot: AgentSlot, region_code: str) -> bool:
    return bool(region_code) and region_code.startswith(slot.regions)


class Allocator:
    """Hands out leads among agent slots, updating their counts and remaining capacity."""

    def __init__(self, slots: Sequence[AgentSlot], *, strategy: str) -> None:
        self.slots = list(slots)
        self.strategy = strategy

    def available(self, at: time) -> list[AgentSlot]:
        return [s for s in self.slots if s.capacity_left > 0 and s.weight > 0 and is_working(s, at)]

    def pick(
        self, *, at: time, region_code: str = "", exclude: int | None = None
    ) -> AgentSlot | None:
        candidates = [s for s in self.available(at) if s.agent_id != exclude]
        if self.strategy == AssignmentStrategy.REGION:
            local = [s for s in candidates if s.regions and covers(s, region_code)]
            candidates = local or candidates
        if not candidates:
            return None
        equal = self.strategy == AssignmentStrategy.ROUND_ROBIN
        chosen = min(candidates, key=lambda s: _load(s, equal))
        chosen.assigned_total += 1
        chosen.capacity_left -= 1
        return chosen


def _load(slot: AgentSlot, equal: bool) -> tuple[float, int]:
    weight = 1 if equal else slot.weight
    return ((slot.assigned_total + 1) / weight, slot.agent_id)
