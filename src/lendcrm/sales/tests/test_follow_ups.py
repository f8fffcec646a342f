"""Follow-up records: validation naming the field, intent change, and what logging sets off."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.test import Client

from lendcrm.core.errors import DomainError
from lendcrm.customers.models import Interaction
from lendcrm.customers.tags import active_tag_names
from lendcrm.identity.services import issue_api_token
from lendcrm.leads.choices import LeadStatus
from lendcrm.leads.models import Lead
from lendcrm.sales.choices import TaskKind, TaskStatus
from lendcrm.sales.models import FollowUpTask, LeadStageChange, RefusalReason
from lendcrm.sales.services.follow_ups import FollowUpInput, log_follow_up
from lendcrm.sales.tests.conftest import T0, Org

pytestmark = pytest.mark.django_db


def _call(result: str, **extra: object) -> FollowUpInput:
    return FollowUpInput(channel="phone", result=result, **extra)  # type: ignore[arg-type]


def test_a_refusal_without_a_reason_is_refused_naming_the_field(
    org: Org, make_lead: Callable[..., Lead], frozen: Callable[[datetime], None]
) -> None:
    lead = make_lead(org.rep)

    with pytest.raises(DomainError) as caught:
        log_follow_up(lead, data=_call("refused"), acting_user=org.rep)

    assert [p.field for p in caught.value.problems] == ["refusal_reason"]


def test_the_api_names_the_missing_refusal_reason(
    org: Org, make_lead: Callable[..., Lead], frozen: Callable[[datetime], None]
) -> None:
    lead = make_lead(org.rep)
    token = issue_api_token(org.rep).plaintext

    response = Client().post(
        f"/api/v1/leads/{lead.pk}/follow-ups",
        data={"channel": "phone", "result": "refused"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "refusal_reason"


def test_the_form_shows_the_message_next_to_the_field(
    org: Org, make_lead: Callable[..., Lead], frozen: Callable[[datetime], None]
) -> None:
    lead = make_lead(org.rep)
    client = Client()
    client.force_login(org.rep)

    response = client.post(
        f"/sales/leads/{lead.pk}/follow-up/", {"channel": "phone", "result": "refused"}
    )

    assert response.status_code == 400
    assert 'id="id_refusal_reason_error"' in response.content.decode()


def test_a_refusal_with_a_reason_is_recorded_and_tags_the_lead(
    org: Org, make_lead: Callable[..., Lead], frozen: Callable[[datetime], None]
) -> None:
    lead = make_lead(org.rep)
    price = RefusalReason.objects.get(code="rate_too_high")

    record = log_follow_up(
        lead, data=_call("refused", refusal_reason=price, refusal_note="嫌贵"), acting_user=org.rep
    )

    assert record.refusal_reason == price
    assert "价格敏感" in active_tag_names(lead)


def test_the_first_contact_moves_the_lead_on_and_records_the_intent_change(
    org: Org, make_lead: Callable[..., Lead], frozen: Callable[[datetime], None]
) -> None:
    lead = make_lead(org.rep)
    task = FollowUpTask.objects.create(
        lead=lead, assignee=org.rep, kind=TaskKind.FIRST_CALL, due_at=T0 + timedelta(minutes=5)
    )

    first = log_follow_up(lead, data=_call("connected", intent_after="B"), acting_user=org.rep)
    second = log_follow_up(lead, data=_call("connected", intent_after="A"), acting_user=org.rep)

    assert (first.intent_before, first.intent_after) == ("", "B")
    assert (second.intent_before, second.intent_after) == ("B", "A")
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONTACTED
    assert lead.first_contact_at == T0
    task.refresh_from_db()
    assert (task.status, task.completed_at) == (TaskStatus.DONE, T0)
    assert Interaction.objects.filter(lead=lead, kind="follow_up").count() == 2
    assert LeadStageChange.objects.filter(lead=lead, stage=LeadStatus.CONTACTED).exists()
    assert "高意向" in active_tag_names(lead)


def test_no_answer_leaves_a_new_lead_new_and_a_callback_time_schedules_a_task(
    org: Org, make_lead: Callable[..., Lead], frozen: Callable[[datetime], None]
) -> None:
    lead = make_lead(org.rep)
    callback_at = T0 + timedelta(days=1)

    log_follow_up(lead, data=_call("no_answer", next_follow_up_at=callback_at), acting_user=org.rep)

    lead.refresh_from_db()
    assert lead.status == LeadStatus.NEW
    assert lead.first_contact_at is None
    [task] = FollowUpTask.objects.filter(lead=lead, status=TaskStatus.OPEN)
    assert (task.kind, task.due_at, task.assignee) == (TaskKind.CALLBACK, callback_at, org.rep)


def test_a_next_follow_up_in_the_past_is_refused(
    org: Org, make_lead: Callable[..., Lead], frozen: Callable[[datetime], None]
) -> None:
    lead = make_lead(org.rep)

    with pytest.raises(DomainError) as caught:
        log_follow_up(
            lead, data=_call("busy", next_follow_up_at=T0 - timedelta(hours=1)), acting_user=org.rep
        )

    assert [p.field for p in caught.value.problems] == ["next_follow_up_at"]


def test_another_teams_lead_is_not_found(
    org: Org, make_lead: Callable[..., Lead], frozen: Callable[[datetime], None]
) -> None:
    lead = make_lead(org.other_rep)
    client = Client()
    client.force_login(org.rep)
    token = issue_api_token(org.rep).plaintext

    page = client.get(f"/sales/leads/{lead.pk}/follow-up/")
    api = Client().post(
        f"/api/v1/leads/{lead.pk}/follow-ups",
        data={"channel": "phone", "result": "connected"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    assert page.status_code == 404
    assert api.status_code == 404
