"""The default approval chains and routing matrix, so that approvals work out of the box.

Bands are [min, max): under 50,000; 50,000 to under 200,000; 200,000 and above. Grade C
(the weakest pricing tier) always adds the credit committee.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import migrations

SUP, DIR, COM = "review_supervisor", "review_director", "committee"

CHAINS: list[tuple[str, str, str, list[tuple[str, str, int]]]] = [
    ("SMALL", "小额审批", "信审主管单签", [(SUP, "single", 1)]),
    ("MEDIUM", "中额审批", "信审主管 → 信审总监", [(SUP, "single", 1), (DIR, "single", 1)]),
    (
        "LARGE",
        "大额审批",
        "信审主管 → 信审总监 → 贷审会会签 (2 人)",
        [(SUP, "single", 1), (DIR, "single", 1), (COM, "all_of", 2)],
    ),
    (
        "SMALL_C",
        "小额审批 (C 级)",
        "信审主管 → 贷审会或签 (2 人)",
        [(SUP, "single", 1), (COM, "any_of", 2)],
    ),
    (
        "MEDIUM_C",
        "中额审批 (C 级)",
        "信审主管 → 信审总监 → 贷审会或签 (2 人)",
        [(SUP, "single", 1), (DIR, "single", 1), (COM, "any_of", 2)],
    ),
]

LOW, HIGH = Decimal("50000.00"), Decimal("200000.00")

ROUTES: list[tuple[int, str, Decimal | None, Decimal | None, list[str], str]] = [
    (10, "C 级 · 5 万以下", None, LOW, ["C"], "SMALL_C"),
    (20, "C 级 · 5 万至 20 万", LOW, HIGH, ["C"], "MEDIUM_C"),
    (30, "C 级 · 20 万及以上", HIGH, None, ["C"], "LARGE"),
    (40, "A/B 级 · 5 万以下", None, LOW, ["A", "B"], "SMALL"),
    (50, "20 万以下 (其他等级)", None, HIGH, [], "MEDIUM"),
    (60, "20 万及以上", HIGH, None, [], "LARGE"),
]


def seed(apps: Any, schema_editor: Any) -> None:
    Chain = apps.get_model("approvals", "ApprovalChain")
    Node = apps.get_model("approvals", "ApprovalNode")
    Route = apps.get_model("approvals", "ApprovalRoute")
    if Chain.objects.filter(code__in=[c[0] for c in CHAINS]).exists():
        return
    chains = {}
    for code, name, description, nodes in CHAINS:
        chain = Chain.objects.create(code=code, name=name, description=description)
        for position, (level, kind, count) in enumerate(nodes, start=1):
            Node.objects.create(
                chain=chain, position=position, level=level, kind=kind, approver_count=count
            )
        chains[code] = chain
    for priority, name, low, high, grades, code in ROUTES:
        Route.objects.create(
            name=name,
            priority=priority,
            min_amount=low,
            max_amount=high,
            risk_grades=grades,
            chain=chains[code],
        )


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("approvals", "ApprovalRoute").objects.all().delete()
    apps.get_model("approvals", "ApprovalChain").objects.filter(
        code__in=[c[0] for c in CHAINS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
