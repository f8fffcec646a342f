"""Logging calls, SMS, meetings, notes and app events onto a customer's timeline."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lendcrm.audit.models import AuditEvent
from lendcrm.core import clock
from lendcrm.customers.models import Interaction
from lendcrm.customers.tests.conftest import Org
from lendcrm.customers.tests.factories import CustomerFactory
from lendcrm.customers.timeline import timeline_for_customer
from lendcrm.identity.models import User
from lendcrm.identity.services import issue_api_token

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def api_post(user: User, customer_id: int, body: dict[str, Any]) -> Any:
    return Client().post(
        f"/api/v1/customers/{customer_id}/interactions",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issue_api_token(user).plaintext}",
    )


def test_a_call_with_its_recording_lands_on_top_of_the_timeline(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    api_post(org.sales, customer.pk, {"kind": "sms", "summary": "发送了还款提醒"})

    response = api_post(
        org.sales,
        customer.pk,
        {
            "kind": "call",
            "summary": "客户确认本周提交材料，手机 13812345678",
            "recording_url": "https://recordings.example/r/1.mp3",
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert body["recording_url"] == "https://recordings.example/r/1.mp3"
    assert "13812345678" not in body["summary"]  # identifiers typed into notes are masked
    page = timeline_for_customer(org.sales, customer)
    assert [entry.kind for entry in page.items][:2] == ["call", "sms"]
    assert AuditEvent.objects.filter(action="customer.interaction_logged").count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "assignment", "summary": "x"}, "kind"),
        ({"kind": "note", "summary": "  "}, "summary"),
        ({"kind": "sms", "summary": "x", "recording_url": "https://r.example/1"}, "recording_url"),
        ({"kind": "call", "summary": "x", "recording_url": "ftp://r.example/1"}, "recording_url"),
    ],
)
def test_bad_input_is_refused_naming_the_field(org: Org, body: dict[str, Any], field: str) -> None:
    customer = CustomerFactory(owner=org.sales)

    response = api_post(org.sales, customer.pk, body)

    assert response.status_code in (400, 422)
    assert response.json()["errors"][0]["field"] == field
    assert not Interaction.objects.filter(customer=customer).exists()


def test_a_time_in_the_future_is_refused(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    later = (clock.now() + timedelta(hours=2)).isoformat()

    response = api_post(
        org.sales, customer.pk, {"kind": "meeting", "summary": "x", "occurred_at": later}
    )

    assert response.json()["errors"][0]["field"] == "occurred_at"


def test_outside_the_scope_is_404_and_without_edit_rights_403(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)

    assert (
        api_post(org.other_branch_sales, customer.pk, {"kind": "note", "summary": "x"}).status_code
        == 404
    )
    assert api_post(org.qa, customer.pk, {"kind": "note", "summary": "x"}).status_code == 403
    assert not Interaction.objects.exists()


def test_the_360_page_form_logs_a_meeting_and_shows_errors_by_field(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    client = Client()
    client.force_login(org.sales)
    url = reverse("customers:interaction_add", args=[customer.pk])

    refused = client.post(
        url, {"kind": "sms", "summary": "x", "recording_url": "https://r.example/a"}
    )
    saved = client.post(url, {"kind": "meeting", "summary": "门店面谈，了解经营流水"})

    assert refused.status_code == 400
    assert "只有电话可以关联录音" in refused.content.decode()
    assert saved.status_code == 302
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "门店面谈，了解经营流水" in page
    assert 'id="interaction-form"' in page
