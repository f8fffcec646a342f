"""The script library and sales settings: searchable by reps, kept by managers."""

from __future__ import annotations

import pytest
from django.test import Client

from lendcrm.audit.models import AuditEvent
from lendcrm.leads.choices import LeadStatus
from lendcrm.loans.models import Product
from lendcrm.sales.choices import ScriptKind, TaskEvent
from lendcrm.sales.models import Script, TaskRule
from lendcrm.sales.queries import ScriptFilters, search_scripts
from lendcrm.sales.tests.conftest import Org

pytestmark = pytest.mark.django_db


def _script(title: str, **extra: object) -> Script:
    values: dict[str, object] = {
        "title": title,
        "kind": ScriptKind.SCRIPT,
        "body": f"{title}的内容",
    }
    values.update(extra)
    return Script.objects.create(**values)


def test_scripts_are_found_by_text_stage_and_product() -> None:
    product = Product.objects.create(
        code="P1",
        name="工薪贷",
        kind="personal",
        min_amount=1000,
        max_amount=50000,
        min_rate="0.08",
        max_rate="0.24",
    )
    general = _script("开场白")
    contacted = _script("利率异议", kind=ScriptKind.OBJECTION, stage=LeadStatus.CONTACTED)
    for_product = _script("工薪贷介绍", product=product, stage=LeadStatus.INTERESTED)
    _script("停用话术", is_active=False)

    assert list(search_scripts(ScriptFilters(q="利率"))) == [contacted]
    assert set(search_scripts(ScriptFilters(stage=LeadStatus.CONTACTED))) == {general, contacted}
    assert set(search_scripts(ScriptFilters(product=product.pk))) == {
        general,
        contacted,
        for_product,
    }


def test_a_manager_adds_a_script_and_a_rep_only_reads(org: Org) -> None:
    manager, rep = Client(), Client()
    manager.force_login(org.manager)
    rep.force_login(org.rep)
    body = {
        "title": "首呼开场",
        "kind": "script",
        "stage": "new",
        "body": "您好",
        "tags": "首呼，开场",
    }
    body["is_active"] = "on"

    created = manager.post("/sales/scripts/new/", body)
    listed = rep.get("/sales/scripts/?q=首呼")
    refused = rep.post("/sales/scripts/new/", body)

    assert created.status_code == 302
    script = Script.objects.get(title="首呼开场")
    assert script.tags == ["首呼", "开场"]
    assert "首呼开场" in listed.content.decode()
    assert refused.status_code == 403
    assert AuditEvent.objects.filter(action="sales.script_saved").count() == 1


def test_a_manager_changes_the_first_call_rule(org: Org) -> None:
    rule = TaskRule.objects.get(event=TaskEvent.LEAD_ASSIGNED)
    client = Client()
    client.force_login(org.manager)

    response = client.post(
        "/sales/settings/",
        {
            "form": "rule",
            "pk": str(rule.pk),
            "rule-name": rule.name,
            "rule-event": rule.event,
            "rule-task_kind": rule.task_kind,
            "rule-due_minutes": "10",
            "rule-is_active": "on",
        },
    )

    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.due_minutes == 10
    assert client.get("/sales/settings/").status_code == 200
