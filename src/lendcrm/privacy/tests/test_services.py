from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from lendcrm.audit.models import AuditEvent
from lendcrm.core.errors import PermissionDenied
from lendcrm.customers.tests.factories import CustomerFactory, UserFactory
from lendcrm.identity.choices import Role
from lendcrm.privacy.models import RevealGrant
from lendcrm.privacy.services import InvalidInput, reveal_field

pytestmark = pytest.mark.django_db


def test_reveal_grants_five_minutes_and_audits_field_and_reason_but_not_the_value(
    move_clock: Callable[[timedelta], datetime],
) -> None:
    now = move_clock(timedelta(0))
    sales = UserFactory(roles=[Role.SALES])
    customer = CustomerFactory(owner=sales, id_number="110105199001011234")

    revealed = reveal_field(
        user=sales, instance=customer, field="id_number", reason="  核对 身份证  "
    )

    assert revealed.value == "110105199001011234"
    assert revealed.expires_at == now + timedelta(minutes=5)
    grant = RevealGrant.objects.get()
    assert (grant.user, grant.object_type, grant.object_id, grant.field) == (
        sales,
        "customers.customer",
        str(customer.pk),
        "id_number",
    )
    assert grant.reason == "核对 身份证"
    event = AuditEvent.objects.get(action="customer.revealed")
    assert event.actor == sales
    assert (event.object_type, event.object_id) == ("customers.customer", str(customer.pk))
    assert event.metadata["field"] == "id_number"
    assert event.metadata["reason"] == "核对 身份证"
    assert "110105199001011234" not in json.dumps(event.metadata)


@pytest.mark.parametrize("reason", ["", "   ", "abc", "看看"])
def test_a_missing_or_short_reason_is_refused_naming_reason(reason: str) -> None:
    sales = UserFactory(roles=[Role.SALES])
    customer = CustomerFactory(owner=sales)

    with pytest.raises(InvalidInput) as caught:
        reveal_field(user=sales, instance=customer, field="mobile", reason=reason)

    assert caught.value.status_code == 422
    assert [p.field for p in caught.value.problems] == ["reason"]
    assert not RevealGrant.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="customer.reveal").exists()


@pytest.mark.parametrize("field", ["name", "password", "mobile_index", ""])
def test_only_sensitive_fields_can_be_revealed(field: str) -> None:
    sales = UserFactory(roles=[Role.SALES])
    customer = CustomerFactory(owner=sales)

    with pytest.raises(InvalidInput) as caught:
        reveal_field(user=sales, instance=customer, field=field, reason="电话核实身份")

    assert [p.field for p in caught.value.problems] == ["field"]


def test_a_role_without_reveal_is_refused_and_the_refusal_is_audited() -> None:
    qa = UserFactory(roles=[Role.QA])
    customer = CustomerFactory()

    with pytest.raises(PermissionDenied):
        reveal_field(user=qa, instance=customer, field="mobile", reason="抽查通话质量")

    assert not RevealGrant.objects.exists()
    event = AuditEvent.objects.get(action="customer.reveal_denied")
    assert event.actor == qa
    assert event.object_id == str(customer.pk)
    assert event.metadata == {"field": "mobile", "reason": "抽查通话质量"}


def test_identifiers_typed_into_the_reason_are_masked_before_storage() -> None:
    sales = UserFactory(roles=[Role.SALES])
    customer = CustomerFactory(owner=sales)

    reveal_field(user=sales, instance=customer, field="mobile", reason="客户来电 13912345678 核实")

    assert RevealGrant.objects.get().reason == "客户来电 139****5678 核实"
    event = AuditEvent.objects.get(action="customer.revealed")
    assert "13912345678" not in json.dumps(event.metadata)
