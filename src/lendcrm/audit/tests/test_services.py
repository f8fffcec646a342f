"""What an audit event records: who, what, when, from where, and masked before/after values."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from lendcrm.audit.models import AuditEvent
from lendcrm.audit.services import diff_fields, record_change, record_event, snapshot
from lendcrm.audit.tests.helpers import all_event_text
from lendcrm.core import clock
from lendcrm.core.middleware import RequestContextMiddleware
from lendcrm.customers.models import Customer
from lendcrm.customers.tests.factories import CustomerFactory, UserFactory, valid_id_number

pytestmark = pytest.mark.django_db
NEW_ID_NUMBER = valid_id_number(777, region="310101")
NEW_MOBILE = "13912345678"


def within_request(view: object, **meta: str) -> HttpResponse:
    request = RequestFactory().get("/", **meta)
    return RequestContextMiddleware(view)(request)  # type: ignore[arg-type]


def test_an_event_records_who_what_when_and_from_where(monkeypatch: pytest.MonkeyPatch) -> None:
    user = UserFactory(username="reviewer7")
    customer = CustomerFactory()
    moment = datetime(2025, 5, 4, 3, 2, 1, 123456, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: moment)

    def view(request: HttpRequest) -> HttpResponse:
        record_event("customer.viewed", actor=user, target=customer, metadata={"tab": "basic"})
        return HttpResponse()

    within_request(view, REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Mozilla/5.0 test")

    event = AuditEvent.objects.get()
    assert (event.actor_id, event.actor_username) == (user.pk, "reviewer7")
    assert (event.action, event.object_type, event.object_id) == (
        "customer.viewed",
        "customers.customer",
        str(customer.pk),
    )
    assert event.occurred_at == moment
    assert (event.ip_address, event.user_agent) == ("203.0.113.9", "Mozilla/5.0 test")
    assert event.metadata == {"tab": "basic"}


def test_an_unusable_client_address_does_not_stop_the_operation() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        record_event("login.failed", username="x")
        return HttpResponse()

    within_request(view, REMOTE_ADDR="unknown")

    assert AuditEvent.objects.get().ip_address is None


def test_a_phone_number_typed_as_a_user_name_is_masked() -> None:
    record_event("login.failed", username="13812345678")

    assert AuditEvent.objects.get().actor_username == "138****5678"


def test_personal_identifiers_left_in_metadata_are_masked() -> None:
    id_number = valid_id_number(5)

    record_event("note.added", metadata={"text": f"客户身份证 {id_number}，手机 13812345678"})

    text = AuditEvent.objects.get().metadata["text"]
    assert id_number not in text
    assert "13812345678" not in text
    assert f"{id_number[:6]}********{id_number[-4:]}" in text


def test_snapshot_gives_plain_values_with_foreign_keys_as_ids() -> None:
    owner = UserFactory()
    customer = CustomerFactory(owner=owner, monthly_income=Decimal("12000.50"))

    values = snapshot(customer, ["owner", "monthly_income", "name", "birth_date"])

    assert values == {
        "owner": owner.pk,
        "monthly_income": "12000.50",
        "name": customer.name,
        "birth_date": customer.birth_date.isoformat(),
    }


def test_record_change_keeps_only_changed_fields_and_masks_them_by_kind() -> None:
    actor = UserFactory()
    customer = CustomerFactory(address="北京市朝阳区建国路1号院3号楼101室")
    old_id = customer.id_number
    fields = ["id_number", "mobile", "address", "employer"]
    before = snapshot(customer, fields)
    customer.id_number, customer.mobile = NEW_ID_NUMBER, NEW_MOBILE
    customer.address = "上海市浦东新区世纪大道100号"

    event = record_change(
        "customer.updated",
        actor=actor,
        target=customer,
        before=before,
        after=snapshot(customer, fields),
    )

    assert event.changes == {
        "id_number": {
            "before": f"{old_id[:6]}********{old_id[-4:]}",
            "after": f"{NEW_ID_NUMBER[:6]}********{NEW_ID_NUMBER[-4:]}",
        },
        "mobile": {"before": event.changes["mobile"]["before"], "after": "139****5678"},
        "address": {"before": "北京市朝阳区******", "after": "上海市浦东新区******"},
    }
    assert "*" in event.changes["mobile"]["before"]


def test_no_id_number_or_mobile_is_ever_stored_unmasked_after_a_change() -> None:
    customer = CustomerFactory()
    originals = [customer.id_number, customer.mobile]
    before = snapshot(customer, ["id_number", "mobile", "hukou_address"])
    customer.id_number, customer.mobile = NEW_ID_NUMBER, NEW_MOBILE
    customer.save()
    after = snapshot(Customer.objects.get(pk=customer.pk), ["id_number", "mobile", "hukou_address"])

    record_change(
        "customer.updated",
        actor=UserFactory(),
        target=customer,
        before=before,
        after=after,
        metadata={"reason": f"客户来电更正 {NEW_ID_NUMBER}"},
    )

    stored = all_event_text()
    for secret in [*originals, NEW_ID_NUMBER, NEW_MOBILE]:
        assert secret not in stored


def test_a_change_that_masks_to_the_same_text_is_still_recorded() -> None:
    changes = diff_fields({"mobile": "13812345678"}, {"mobile": "13899995678"}, masked=["mobile"])

    assert changes == {"mobile": {"before": "138****5678", "after": "138****5678"}}


def test_sensitive_fields_the_caller_names_are_masked_too() -> None:
    target = UserFactory()

    event = record_change(
        "user.updated",
        actor=None,
        target=target,
        before={"secret_note": "a"},
        after={"secret_note": "b"},
        sensitive=["secret_note"],
    )

    assert event.changes == {"secret_note": {"before": "******", "after": "******"}}
