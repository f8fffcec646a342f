"""Sales activity for the demo: scripts, stage history, follow-up records and open tasks.

Deterministic: lead `seed_key` K always gets the same history (random.Random seeded with K).
Idempotent: leads that already have stage history are skipped, scripts are keyed by seed_key.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from lendcrm.leads.choices import LeadStatus
from lendcrm.leads.models import Lead
from lendcrm.sales.choices import FollowUpChannel, FollowUpResult, ScriptKind, TaskKind
from lendcrm.sales.models import (
    FollowUpRecord,
    FollowUpTask,
    LeadStageChange,
    RefusalReason,
    Script,
)

S = LeadStatus
PATH: tuple[str, ...] = (S.NEW, S.CONTACTED, S.INTERESTED, S.PREPARING, S.APPLIED, S.DISBURSED)
OPEN = (S.NEW, S.CONTACTED, S.INTERESTED, S.PREPARING)
INTENT_BY_STAGE: dict[str, str] = {
    S.CONTACTED: "C",
    S.INTERESTED: "B",
    S.PREPARING: "A",
    S.APPLIED: "A",
}
BATCH = 1000

SCRIPTS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    (
        "首呼开场白",
        ScriptKind.SCRIPT,
        S.NEW,
        "您好，我是XX消费金融的客户经理，看到您在我们平台咨询过借款，"
        "想了解一下您的资金需求，占用您两分钟可以吗？",
        ("首呼",),
    ),
    (
        "需求挖掘",
        ScriptKind.SCRIPT,
        S.CONTACTED,
        "请问您这笔资金主要用于什么？大概需要多少、用多久？每月收入大致在哪个区间？",
        ("需求",),
    ),
    (
        "利率太高怎么回应",
        ScriptKind.OBJECTION,
        S.CONTACTED,
        "理解您的顾虑。我们的年化利率按实际占用天数计息，可提前还款；"
        "我帮您按实际需求测算每月还款额，您再比较一下。",
        ("利率", "异议"),
    ),
    (
        "额度不够怎么回应",
        ScriptKind.OBJECTION,
        S.INTERESTED,
        "首次授信额度根据综合资质评估，按时还款后可申请提额；补充公积金或社保材料也有助于提高额度。",
        ("额度", "异议"),
    ),
    (
        "需要准备哪些材料",
        ScriptKind.FAQ,
        S.PREPARING,
        "身份证正反面、本人银行卡、近6个月工资流水或社保/公积金缴存证明；经营贷另需营业执照。",
        ("材料",),
    ),
    (
        "多久能放款",
        ScriptKind.FAQ,
        S.APPLIED,
        "资料齐全的情况下，审批通常1个工作日内完成，签约后最快当天放款。",
        ("放款",),
    ),
    (
        "已在他处借款",
        ScriptKind.OBJECTION,
        "",
        "可以了解一下您目前的借款利率和期限，我们可以帮您比较总成本，也可以作为备用额度。",
        ("异议",),
    ),
)


@dataclass
class SalesSeedResult:
    scripts: int = 0
    leads: int = 0
    records: int = 0
    tasks: int = 0


@dataclass
class _Rows:
    periods: list[LeadStageChange] = field(default_factory=list)
    records: list[FollowUpRecord] = field(default_factory=list)
    tasks: list[FollowUpTask] = field(default_factory=list)


def seed_sales_activity(*, seed: int, as_of: date) -> SalesSeedResult:
    result = SalesSeedResult(scripts=ensure_scripts())
    reasons = list(RefusalReason.objects.filter(is_active=True).order_by("sort_order", "pk"))
    now = timezone.make_aware(datetime.combine(as_of, time(10, 0)))
    leads = (
        Lead.objects.filter(seed_key__startswith=f"D{seed}-", owner__isnull=False)
        .exclude(status=S.INVALID)
        .exclude(stage_changes__isnull=False)
        .order_by("pk")
    )
    while batch := list(leads[:BATCH]):
        rows = _Rows()
        for lead in batch:
            _lead_activity(lead, rows, reasons=reasons, now=now)
        with transaction.atomic():
            LeadStageChange.objects.bulk_create(rows.periods)
            FollowUpRecord.objects.bulk_create(rows.records)
            FollowUpTask.objects.bulk_create(rows.tasks)
        result.leads += len(batch)
        result.records += len(rows.records)
        result.tasks += len(rows.tasks)
    return result


@transaction.atomic
def ensure_scripts() -> int:
    created = 0
    for number, (title, kind, stage, body, tags) in enumerate(SCRIPTS):
        _script, made = Script.objects.get_or_create(
            seed_key=f"demo-script-{number}",
            defaults={
                "title": title,
                "kind": kind,
                "stage": stage,
                "body": body,
                "tags": list(tags),
            },
        )
        created += made
    return created


def _stages_of(lead: Lead, rng: random.Random) -> list[str]:
    if lead.status == S.REJECTED:
        reached = rng.randint(1, 4)  # rejected after contact, interest, documents or applying
        return [*PATH[: reached + 1], S.REJECTED]
    return list(PATH[: PATH.index(lead.status) + 1])


def _lead_activity(lead: Lead, rows: _Rows, *, reasons: list[RefusalReason], now: datetime) -> None:
    rng = random.Random(f"sales:{lead.seed_key}")
    stages = _stages_of(lead, rng)
    entered = lead.assigned_at or lead.created_at
    end = max(now, entered)
    steps = len(stages) - 1
    span = (end - entered).total_seconds()
    times = sorted(entered + timedelta(seconds=rng.uniform(0, span)) for _ in range(steps))
    moments = [entered, *times]
    scope = {"owner_id": lead.owner_id, "team_id": lead.team_id, "branch_id": lead.branch_id}
    for i, stage in enumerate(stages):
        left = moments[i + 1] if i + 1 < len(moments) else None
        rows.periods.append(
            LeadStageChange(
                lead=lead,
                stage=stage,
                previous_stage=stages[i - 1] if i else "",
                entered_at=moments[i],
                left_at=left,
                duration_seconds=int((left - moments[i]).total_seconds()) if left else None,
            )
        )
        if i == 0:
            continue
        refused = stage == S.REJECTED and i <= 3 and reasons
        rows.records.append(
            FollowUpRecord(
                lead=lead,
                channel=FollowUpChannel.WECHAT if rng.random() < 0.2 else FollowUpChannel.PHONE,
                result=FollowUpResult.REFUSED if refused else FollowUpResult.CONNECTED,
                intent_before=INTENT_BY_STAGE.get(stages[i - 1], ""),
                intent_after="D" if refused else INTENT_BY_STAGE.get(stage, ""),
                refusal_reason=rng.choice(reasons) if refused else None,
                occurred_at=moments[i],
                **scope,
            )
        )
    owner_id = lead.owner_id
    if lead.status in OPEN and owner_id is not None:
        kind = TaskKind.FIRST_CALL if lead.status == S.NEW else TaskKind.FOLLOW_UP
        due = now + timedelta(minutes=rng.randint(-240, 2880))
        rows.tasks.append(
            FollowUpTask(
                lead=lead,
                customer_id=lead.customer_id,
                assignee_id=owner_id,
                team_id=lead.team_id,
                branch_id=lead.branch_id,
                kind=kind,
                due_at=due,
            )
        )
