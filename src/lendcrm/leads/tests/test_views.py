"""Lead pages: scoped and masked list, detail with history, reassignment, import, settings."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from lendcrm.customers.tests.factories import UserFactory, valid_mobile
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.leads.choices import AssignmentStrategy, ImportStatus
from lendcrm.leads.models import AssignmentRule, Channel, Lead, LeadImport, ScreeningRule
from lendcrm.leads.services.capture import capture_leads
from lendcrm.leads.tests.helpers import lead_input

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager(db: None) -> User:
    return UserFactory(roles=[Role.SALES_MANAGER])


@pytest.fixture
def sales(manager: User) -> User:
    return UserFactory(roles=[Role.SALES], team=manager.team)


def test_the_list_shows_only_the_agents_own_leads_masked(
    channel: Channel, sales: User, manager: User
) -> None:
    mine, _other = capture_leads(channel, [lead_input(1), lead_input(2)])
    Lead.objects.filter(pk=mine.lead_id).update(owner=sales, team=sales.team)

    body = _client(sales).get("/leads/").content.decode()

    assert "张1" in body
    assert "张2" not in body
    assert valid_mobile(1) not in body
    assert valid_mobile(1)[:3] + "****" + valid_mobile(1)[-4:] in body


def test_the_list_costs_a_fixed_number_of_queries(channel: Channel, manager: User) -> None:
    capture_leads(channel, [lead_input(n) for n in range(30)])
    Lead.objects.update(team=manager.team)
    client = _client(manager)
    client.get("/leads/")

    with CaptureQueriesContext(connection) as first:
        client.get("/leads/?status=new")
    capture_leads(channel, [lead_input(n) for n in range(30, 40)])
    Lead.objects.update(team=manager.team)
    with CaptureQueriesContext(connection) as second:
        client.get("/leads/?status=new")

    assert len(first) == len(second)


def test_the_detail_shows_duplicates_and_is_404_outside_the_scope(
    channel: Channel, other_channel: Channel, sales: User, manager: User
) -> None:
    [original] = capture_leads(channel, [lead_input(1)])
    capture_leads(other_channel, [lead_input(1, campaign="车展-2024")])
    Lead.objects.update(team=manager.team)

    body = _client(manager).get(f"/leads/{original.lead_id}/").content.decode()

    assert "车展-2024" in body
    assert _client(sales).get(f"/leads/{original.lead_id}/").status_code == 404


def test_a_manager_reassigns_and_an_agent_may_not(
    channel: Channel, sales: User, manager: User
) -> None:
    results = capture_leads(channel, [lead_input(1), lead_input(2)])
    Lead.objects.update(team=manager.team)
    data = {"agent": sales.pk, "lead": [r.lead_id for r in results]}

    denied = _client(sales).post("/leads/reassign/", data)
    done = _client(manager).post("/leads/reassign/", data)

    assert denied.status_code == 403
    assert done.status_code == 302
    assert set(Lead.objects.values_list("owner_id", flat=True)) == {sales.pk}


def test_import_through_the_pages(
    channel: Channel,
    manager: User,
    settings: Any,
    tmp_path: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.DATA_DIR = tmp_path
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["客户姓名", "联系电话"])
    sheet.append(["王一", valid_mobile(1)])
    sheet.append(["王二", "bad"])
    data = io.BytesIO()
    workbook.save(data)
    upload = io.BytesIO(data.getvalue())
    upload.name = "expo.xlsx"
    client = _client(manager)

    response = client.post("/leads/imports/", {"file": upload, "channel": channel.pk})
    lead_import = LeadImport.objects.get()
    assert response.status_code == 302
    mapping_page = client.get(f"/leads/imports/{lead_import.pk}/").content.decode()
    assert "联系电话" in mapping_page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/leads/imports/{lead_import.pk}/", {"name": "0", "mobile": "1"})
    progress = client.get(f"/leads/imports/{lead_import.pk}/progress/").content.decode()
    report = client.get(f"/leads/imports/{lead_import.pk}/errors.csv").content.decode("utf-8-sig")

    assert LeadImport.objects.get().status == ImportStatus.COMPLETED
    assert "hx-get" not in progress
    assert report.splitlines()[1].startswith("3,mobile,")


def test_an_upload_that_is_not_a_spreadsheet_is_refused_on_the_page(
    channel: Channel, manager: User, settings: Any, tmp_path: Any
) -> None:
    settings.DATA_DIR = tmp_path
    upload = io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    upload.name = "leads.xlsx"

    response = _client(manager).post("/leads/imports/", {"file": upload, "channel": channel.pk})

    assert response.status_code == 400
    assert "不是电子表格" in response.content.decode()
    assert LeadImport.objects.count() == 0


def test_rules_are_configured_in_the_settings_pages(channel: Channel, manager: User) -> None:
    client = _client(manager)

    client.post(
        "/leads/settings/screening/",
        {
            "action": "rule",
            "name": "准入",
            "min_age": 22,
            "max_age": 55,
            "allowed_regions": "11, 31",
            "require_consent": "on",
        },
    )
    client.post(
        "/leads/settings/assignment/",
        {
            "action": "rule",
            "channel": channel.pk,
            "strategy": AssignmentStrategy.WEIGHTED,
            "first_contact_sla_minutes": 15,
        },
    )

    rule = ScreeningRule.objects.get()
    assert (rule.min_age, rule.allowed_regions, rule.check_blacklist) == (22, ["11", "31"], False)
    assert AssignmentRule.objects.get().first_contact_sla_minutes == 15
