"""Tags: manual tags with permission and audit, automatic tags from the rules, idempotency."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from lendcrm.audit.models import AuditEvent
from lendcrm.core import clock
from lendcrm.core.errors import DomainError, PermissionDenied
from lendcrm.customers.choices import InteractionKind, TagKind, TagSource
from lendcrm.customers.models import Customer, Interaction, Tag, TagAssignment
from lendcrm.customers.tag_rules import TagFacts, evaluate_rules
from lendcrm.customers.tags import (
    active_tag_names,
    apply_tag,
    evaluate_auto_tags,
    remove_tag,
    tag_counts,
)
from lendcrm.customers.tests.conftest import Org
from lendcrm.customers.tests.factories import CustomerFactory, LeadFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_rules_need_two_positive_follow_ups_for_high_intent() -> None:
    assert evaluate_rules(TagFacts(positive_follow_ups=1)) == {"高意向": False}
    assert evaluate_rules(TagFacts(positive_follow_ups=2)) == {"高意向": True}
    assert evaluate_rules(TagFacts()) == {}


@pytest.mark.parametrize(
    ("reason", "expected"),
    [("利率太高", {"价格敏感": True}), ("rate_too_high", {"价格敏感": True}), ("暂不需要", {})],
)
def test_price_sensitivity_comes_from_the_refusal_reason(
    reason: str, expected: dict[str, bool]
) -> None:
    assert evaluate_rules(TagFacts(refusal_reason=reason)) == expected


def test_opt_out_rule_follows_the_flag() -> None:
    assert evaluate_rules(TagFacts(opted_out=True)) == {"拒绝推销": True}
    assert evaluate_rules(TagFacts(opted_out=False)) == {"拒绝推销": False}


def test_auto_tags_are_applied_to_a_lead_and_reported(org: Org) -> None:
    lead = LeadFactory(owner=org.sales)

    first = evaluate_auto_tags(lead=lead, positive_follow_ups=1)
    second = evaluate_auto_tags(lead=lead, positive_follow_ups=2, refusal_reason="利率太高")

    assert first == []
    assert second == ["价格敏感", "高意向"]
    assert Tag.objects.get(name="高意向").kind == TagKind.AUTO
    rows = TagAssignment.objects.filter(lead=lead)
    assert {(a.tag.name, a.source) for a in rows} == {
        ("高意向", TagSource.RULE),
        ("价格敏感", TagSource.RULE),
    }


def test_a_rule_removes_only_its_own_tag(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    evaluate_auto_tags(customer=customer, opted_out=True)

    assert evaluate_auto_tags(customer=customer, opted_out=False) == []
    removed = TagAssignment.objects.get(customer=customer, tag__name="拒绝推销")
    assert removed.removed_at is not None


def test_evaluating_twice_adds_no_second_assignment(org: Org) -> None:
    lead = LeadFactory(owner=org.sales)
    evaluate_auto_tags(lead=lead, opted_out=True)
    evaluate_auto_tags(lead=lead, opted_out=True)

    assert TagAssignment.objects.filter(lead=lead).count() == 1
    assert AuditEvent.objects.filter(action="lead.tag_added").count() == 1


def test_a_sales_rep_adds_and_removes_a_manual_tag_audited(org: Org) -> None:
    TagFactory(name="优质客户")
    customer = CustomerFactory(owner=org.sales)

    added = apply_tag(name="优质客户", customer=customer, acting_user=org.sales)
    again = apply_tag(name="优质客户", customer=customer, acting_user=org.sales)
    removed = remove_tag(name="优质客户", customer=customer, acting_user=org.sales)

    assert again.pk == added.pk
    assert removed is not None
    assert removed.removed_by == org.sales
    assert active_tag_names(customer) == []
    actions = list(
        AuditEvent.objects.filter(object_id=str(customer.pk))
        .order_by("sequence")
        .values_list("action", "actor_id", "metadata")
    )
    assert actions == [
        ("customer.tag_added", org.sales.pk, {"tag": "优质客户", "source": "manual"}),
        ("customer.tag_removed", org.sales.pk, {"tag": "优质客户", "source": "manual"}),
    ]
    summaries = Interaction.objects.filter(customer=customer, kind=InteractionKind.TAG)
    assert sorted(summaries.values_list("summary", flat=True)) == [
        "添加标签：优质客户",
        "移除标签：优质客户",
    ]


def test_a_role_without_the_capability_cannot_tag(org: Org) -> None:
    TagFactory(name="风险关注")
    customer = CustomerFactory(owner=org.sales)

    with pytest.raises(PermissionDenied):
        apply_tag(name="风险关注", customer=customer, acting_user=org.qa)
    assert not TagAssignment.objects.exists()


def test_a_person_cannot_put_on_an_automatic_tag(org: Org) -> None:
    TagFactory(name="高意向", kind=TagKind.AUTO)
    customer = CustomerFactory(owner=org.sales)

    with pytest.raises(DomainError) as caught:
        apply_tag(name="高意向", customer=customer, acting_user=org.sales)
    assert caught.value.problems[0].field == "tag"


def test_an_unknown_manual_tag_names_the_field(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    with pytest.raises(DomainError) as caught:
        apply_tag(name="不存在", customer=customer, acting_user=org.sales)
    assert caught.value.problems[0].field == "tag"


def test_a_tag_goes_on_a_customer_or_a_lead_never_both(org: Org) -> None:
    tag = TagFactory(name="优质客户")
    customer = CustomerFactory(owner=org.sales)
    lead = LeadFactory(owner=org.sales)

    with pytest.raises(DomainError):
        apply_tag(name="优质客户", customer=customer, lead=lead, acting_user=org.sales)
    with pytest.raises(IntegrityError):
        TagAssignment.objects.create(
            tag=tag, customer=customer, lead=lead, source="manual", assigned_at=clock.now()
        )


def test_counts_per_tag_cover_only_the_given_customers(org: Org) -> None:
    TagFactory(name="优质客户")
    mine = [CustomerFactory(owner=org.sales) for _ in range(2)]
    theirs = CustomerFactory(owner=org.other_team_sales)
    for customer in [*mine, theirs]:
        apply_tag(name="优质客户", customer=customer, acting_user=org.admin)
    remove_tag(name="优质客户", customer=mine[1], acting_user=org.admin)

    counts = tag_counts(Customer.objects.filter(owner=org.sales))

    assert [(tag.name, n) for tag, n in counts] == [("优质客户", 1)]
