"""Assignment: weighted fairness (pure), capacity caps, working hours, SLA reassignment, bulk."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from lendcrm.core import clock
from lendcrm.customers.choices import InteractionKind
from lendcrm.customers.models import Interaction
from lendcrm.customers.tests.factories import UserFactory
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.leads.assignment import AgentSlot, Allocator, is_working
from lendcrm.leads.choices import AssignmentReason, AssignmentStrategy
from lendcrm.leads.models import AssignmentMember, AssignmentRule, Channel, Lead, LeadAssignment
from lendcrm.leads.services.assignment import reassign_leads, reassign_overdue_leads
from lendcrm.leads.services.capture import capture_leads
from lendcrm.leads.tests.helpers import lead_input
from lendcrm.sales.choices import TaskKind
from lendcrm.sales.models import FollowUpTask

NOON = time(12, 0)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_weighted_sharing_over_10000_leads_is_within_1_percent_of_the_weights() -> None:
    weights = {1: 5, 2: 3, 3: 2}
    allocator = Allocator(
        [AgentSlot(agent_id=a, weight=w) for a, w in weights.items()],
        strategy=AssignmentStrategy.WEIGHTED,
    )

    picks = Counter(allocator.pick(at=NOON).agent_id for _ in range(10_000))  # type: ignore[union-attr]

    for agent, weight in weights.items():
        assert abs(picks[agent] / 10_000 - weight / 10) < 0.01


def test_round_robin_ignores_weights() -> None:
    allocator = Allocator(
        [AgentSlot(agent_id=1, weight=9), AgentSlot(agent_id=2, weight=1)],
        strategy=AssignmentStrategy.ROUND_ROBIN,
    )

    picks = [allocator.pick(at=NOON).agent_id for _ in range(4)]  # type: ignore[union-attr]

    assert picks == [1, 2, 1, 2]


def test_a_full_agent_gets_no_more_leads_and_nobody_is_chosen_when_all_are_full() -> None:
    allocator = Allocator(
        [AgentSlot(agent_id=1, capacity_left=1), AgentSlot(agent_id=2, capacity_left=2)],
        strategy=AssignmentStrategy.WEIGHTED,
    )

    picks = [getattr(allocator.pick(at=NOON), "agent_id", None) for _ in range(4)]

    assert picks == [1, 2, 2, None]


def test_only_agents_at_work_are_chosen_including_night_shifts() -> None:
    day = AgentSlot(agent_id=1, work_start=time(9), work_end=time(18))
    night = AgentSlot(agent_id=2, work_start=time(22), work_end=time(6))

    assert [is_working(day, time(8, 59)), is_working(day, NOON)] == [False, True]
    assert [is_working(night, time(23)), is_working(night, time(5)), is_working(night, NOON)] == [
        True,
        True,
        False,
    ]


def test_by_region_prefers_the_agent_covering_the_region() -> None:
    allocator = Allocator(
        [AgentSlot(agent_id=1, regions=("11",)), AgentSlot(agent_id=2, regions=("44",))],
        strategy=AssignmentStrategy.REGION,
    )

    assert allocator.pick(at=NOON, region_code="440305").agent_id == 2  # type: ignore[union-attr]
    assert allocator.pick(at=NOON, region_code="110105").agent_id == 1  # type: ignore[union-attr]


@pytest.fixture
def agents(db: None) -> list[User]:
    return [UserFactory(roles=[Role.SALES]) for _ in range(2)]


@pytest.fixture
def rule(channel: Channel, agents: list[User]) -> AssignmentRule:
    rule = AssignmentRule.objects.create(
        channel=channel, strategy=AssignmentStrategy.ROUND_ROBIN, first_contact_sla_minutes=30
    )
    for agent in agents:
        AssignmentMember.objects.create(rule=rule, agent=agent, max_open_leads=2)
    return rule


@pytest.mark.django_db
def test_leads_are_assigned_on_arrival_up_to_each_agents_cap(
    channel: Channel, rule: AssignmentRule, agents: list[User]
) -> None:
    results = capture_leads(channel, [lead_input(n) for n in range(5)])

    leads = Lead.objects.filter(pk__in=[r.lead_id for r in results]).order_by("pk")
    owners = [lead.owner_id for lead in leads]
    assert Counter(owners) == {agents[0].pk: 2, agents[1].pk: 2, None: 1}
    assert leads[0].team_id == agents[0].team_id
    assert leads[0].branch_id == agents[0].branch_id
    assert LeadAssignment.objects.filter(reason=AssignmentReason.ARRIVAL).count() == 4


@pytest.mark.django_db
def test_a_duplicate_goes_to_the_original_owner(
    channel: Channel, rule: AssignmentRule, other_channel: Channel
) -> None:
    [first] = capture_leads(channel, [lead_input(1)])

    [again] = capture_leads(other_channel, [lead_input(1)])

    assert Lead.objects.get(pk=again.lead_id).owner == Lead.objects.get(pk=first.lead_id).owner


@pytest.mark.django_db
def test_an_agent_off_duty_gets_no_leads(
    channel: Channel, rule: AssignmentRule, agents: list[User], monkeypatch: pytest.MonkeyPatch
) -> None:
    AssignmentMember.objects.filter(agent=agents[0]).update(work_start=time(9), work_end=time(18))
    monkeypatch.setattr(clock, "now", lambda: datetime(2024, 5, 6, 20, 0, tzinfo=SHANGHAI))

    results = capture_leads(channel, [lead_input(1), lead_input(2)])

    owners = {Lead.objects.get(pk=r.lead_id).owner_id for r in results}
    assert owners == {agents[1].pk}


@pytest.mark.django_db
def test_a_lead_not_contacted_within_the_sla_goes_to_another_agent(
    channel: Channel, rule: AssignmentRule, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = datetime(2024, 5, 6, 10, 0, tzinfo=SHANGHAI)
    monkeypatch.setattr(clock, "now", lambda: start)
    [result] = capture_leads(channel, [lead_input(1)])
    first_owner = Lead.objects.get(pk=result.lead_id).owner_id

    assert reassign_overdue_leads(now=start + timedelta(minutes=29)) == 0
    assert reassign_overdue_leads(now=start + timedelta(minutes=31)) == 1

    lead = Lead.objects.get(pk=result.lead_id)
    assert lead.owner_id not in (None, first_owner)
    history = LeadAssignment.objects.filter(lead=lead).order_by("pk")
    assert [h.reason for h in history] == ["arrival", "sla_breach"]
    assert history.last().previous_agent_id == first_owner  # type: ignore[union-attr]


@pytest.mark.django_db
def test_a_manager_reassigns_leads_in_bulk(
    channel: Channel, rule: AssignmentRule, agents: list[User]
) -> None:
    manager = UserFactory(roles=[Role.SALES_MANAGER])
    results = capture_leads(channel, [lead_input(1), lead_input(2)])
    leads = list(Lead.objects.filter(pk__in=[r.lead_id for r in results]))

    moved = reassign_leads(leads, to_agent=agents[1], acting_user=manager)

    assert moved == 2
    assert set(Lead.objects.values_list("owner_id", flat=True)) == {agents[1].pk}
    manual = LeadAssignment.objects.filter(reason=AssignmentReason.MANUAL)
    assert [m.assigned_by for m in manual] == [manager, manager]


def test_the_sla_reassignment_runs_periodically() -> None:
    from lendcrm.config.schedule import BEAT_SCHEDULE
    from lendcrm.leads import tasks

    entry = BEAT_SCHEDULE["leads-reassign-overdue"]

    assert entry["task"] == tasks.reassign_overdue_leads_task.name


@pytest.mark.django_db
def test_a_large_batch_writes_every_assignment_task_and_timeline_event(
    channel: Channel, rule: AssignmentRule, agents: list[User]
) -> None:
    # 250 leads: above the size from which PostgreSQL takes the COPY path for every writer.
    AssignmentMember.objects.filter(rule=rule).update(max_open_leads=1000)

    results = capture_leads(channel, [lead_input(n) for n in range(250)])

    leads = {lead.pk: lead for lead in Lead.objects.filter(pk__in=[r.lead_id for r in results])}
    assert Counter(lead.owner_id for lead in leads.values()) == {a.pk: 125 for a in agents}
    history = list(LeadAssignment.objects.filter(lead__in=leads))
    assert sorted(h.lead_id for h in history) == sorted(leads)
    assert all(h.agent_id == leads[h.lead_id].owner_id for h in history)
    assert all(h.reason == AssignmentReason.ARRIVAL and h.created_at for h in history)
    tasks = list(FollowUpTask.objects.filter(lead__in=leads, kind=TaskKind.FIRST_CALL))
    assert sorted(t.lead_id for t in tasks) == sorted(leads)
    for task in tasks:
        lead = leads[task.lead_id]
        assert task.assignee_id == lead.owner_id
        assert task.due_at == lead.assigned_at + timedelta(minutes=task.rule.due_minutes)
    events = Interaction.objects.filter(lead__in=leads, kind=InteractionKind.ASSIGNMENT)
    assert sorted(e.lead_id for e in events) == sorted(leads)
    assert all(e.owner_id == leads[e.lead_id].owner_id for e in events)
