"""Pipeline moves: backward moves need a reason; time in stage is recorded; the board is scoped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.test import Client

from lendcrm.core.errors import DomainError
from lendcrm.core.masking import mask_mobile
from lendcrm.identity.services import issue_api_token
from lendcrm.leads.choices import LeadStatus
from lendcrm.leads.models import Lead
from lendcrm.sales.models import LeadStageChange
from lendcrm.sales.services.pipeline import move_lead_stage
from lendcrm.sales.tests.conftest import T0, Org

pytestmark = pytest.mark.django_db
S = LeadStatus


def test_moving_back_without_a_reason_is_refused_and_with_one_accepted(
    org: Org, make_lead: Callable[..., Lead], frozen: Callable[[datetime], None]
) -> None:
    lead = make_lead(org.rep, status=S.INTERESTED)

    with pytest.raises(DomainError) as caught:
        move_lead_stage(lead, to=S.CONTACTED, reason="  ", acting_user=org.rep)
    assert [p.field for p in caught.value.problems] == ["reason"]

    moved = move_lead_stage(lead, to=S.CONTACTED, reason="客户暂缓办理", acting_user=org.rep)

    assert moved.status == S.CONTACTED
    change = LeadStageChange.objects.get(lead=lead, stage=S.CONTACTED)
    assert (change.previous_stage, change.reason) == (S.INTERESTED, "客户暂缓办理")


def test_the_stage_api_refuses_a_backward_move_without_a_reason(
    org: Org, make_lead: Callable[..., Lead], frozen: Callable[[datetime], None]
) -> None:
    lead = make_lead(org.rep, status=S.PREPARING)
    token = issue_api_token(org.rep).plaintext
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = f"/api/v1/leads/{lead.pk}/stage"

    refused = client.post(url, data={"to": "interested"}, content_type="application/json")
    accepted = client.post(
        url, data={"to": "interested", "reason": "材料不全"}, content_type="application/json"
    )
    skipping = client.post(url, data={"to": "disbursed"}, content_type="application/json")

    assert refused.status_code == 400
    assert refused.json()["errors"] == [{"field": "reason", "message": "退回上一阶段必须填写原因"}]
    assert accepted.status_code == 200
    assert accepted.json() == {"id": lead.pk, "status": "interested"}
    assert skipping.status_code == 409


def test_time_in_stage_is_recorded_for_every_move(
    org: Org, make_lead: Callable[..., Lead], frozen: Callable[[datetime], None]
) -> None:
    lead = make_lead(org.rep)
    Lead.objects.filter(pk=lead.pk).update(created_at=T0)
    lead.refresh_from_db()

    frozen(T0 + timedelta(hours=1))
    move_lead_stage(lead, to=S.CONTACTED, acting_user=org.rep)
    frozen(T0 + timedelta(hours=3, minutes=30))
    move_lead_stage(lead, to=S.INTERESTED, acting_user=org.rep)

    periods = list(
        LeadStageChange.objects.filter(lead=lead)
        .order_by("entered_at")
        .values_list("stage", "duration_seconds", "left_at")
    )
    assert periods == [
        (S.NEW, 3600, T0 + timedelta(hours=1)),
        (S.CONTACTED, 9000, T0 + timedelta(hours=3, minutes=30)),
        (S.INTERESTED, None, None),
    ]


def test_the_board_shows_own_leads_with_masked_mobiles_and_moves_by_htmx(
    org: Org, make_lead: Callable[..., Lead], frozen: Callable[[datetime], None]
) -> None:
    mine = make_lead(org.rep)
    other = make_lead(org.other_rep, name="别队客户")
    client = Client()
    client.force_login(org.rep)

    board = client.get("/sales/pipeline/").content.decode()
    moved = client.post(
        f"/sales/leads/{mine.pk}/stage/", {"to": "contacted"}, HTTP_HX_REQUEST="true"
    )
    foreign = client.post(f"/sales/leads/{other.pk}/stage/", {"to": "contacted"})

    assert mine.name in board
    assert other.name not in board
    assert mask_mobile(mine.mobile) in board
    assert mine.mobile not in board
    assert moved.status_code == 200
    assert 'id="board"' in moved.content.decode()
    mine.refresh_from_db()
    assert mine.status == S.CONTACTED
    assert foreign.status_code == 404


def test_the_list_view_renders(
    org: Org, make_lead: Callable[..., Lead], frozen: Callable[[datetime], None]
) -> None:
    lead = make_lead(org.rep, status=S.PREPARING)
    client = Client()
    client.force_login(org.manager)

    response = client.get("/sales/pipeline/list/")

    assert response.status_code == 200
    assert lead.name in response.content.decode()
