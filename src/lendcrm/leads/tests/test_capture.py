"""Capture: cleaning, dedupe across leads and customers, screening, per-item outcomes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from lendcrm.core import clock
from lendcrm.core.bulk import copy_row_builder
from lendcrm.core.cn_ids import id_check_char
from lendcrm.core.crypto import decrypt
from lendcrm.core.fields import EncryptedTextField
from lendcrm.customers.tests.factories import CustomerFactory, valid_id_number, valid_mobile
from lendcrm.leads.choices import BlacklistKind, CaptureOutcome, LeadStatus
from lendcrm.leads.cleaning import CleanLead, clean_lead
from lendcrm.leads.models import Channel, Lead, LeadBlacklist, ScreeningRule
from lendcrm.leads.services.capture import _LeadMaker, capture_leads, lead_index
from lendcrm.leads.tests.helpers import lead_input

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_a_valid_lead_is_created_with_its_channel_and_campaign(channel: Channel) -> None:
    [result] = capture_leads(channel, [lead_input(1, mobile="+86 138-0013-8000")])

    lead = Lead.objects.get(pk=result.lead_id)
    assert result.outcome == CaptureOutcome.CREATED
    assert (lead.mobile, lead.channel, lead.campaign) == (
        "13800138000",
        channel,
        "百度信息流-2024Q2",
    )
    assert lead.status == LeadStatus.NEW
    assert lead.consent_at is not None


def test_bad_values_are_rejected_naming_each_field(channel: Channel) -> None:
    wrong_check = valid_id_number(5)[:17] + ("0" if valid_id_number(5)[17] != "0" else "1")
    items = [
        lead_input(1, mobile="12345"),
        lead_input(2, id_number=wrong_check),
        lead_input(3, name="", mobile=None),
        lead_input(4, requested_amount="abc"),
    ]

    results = capture_leads(channel, items)

    assert [r.outcome for r in results] == [CaptureOutcome.REJECTED] * 4
    assert [[p.field for p in r.errors] for r in results] == [
        ["mobile"],
        ["id_number"],
        ["name", "mobile"],
        ["requested_amount"],
    ]
    assert "校验位" in results[1].errors[0].message
    assert Lead.objects.count() == 0


def test_a_lead_matching_an_existing_lead_by_phone_is_linked_not_dropped(
    channel: Channel, other_channel: Channel
) -> None:
    [first] = capture_leads(channel, [lead_input(1)])

    [again] = capture_leads(
        other_channel, [lead_input(2, mobile=valid_mobile(1), campaign="车展-2024")]
    )

    duplicate = Lead.objects.get(pk=again.lead_id)
    assert again.outcome == CaptureOutcome.DUPLICATE
    assert duplicate.duplicate_of_id == first.lead_id
    assert (duplicate.channel, duplicate.campaign) == (other_channel, "车展-2024")


def test_a_lead_matching_a_customer_by_id_number_is_linked_to_the_customer(
    channel: Channel,
) -> None:
    customer = CustomerFactory(mobile=valid_mobile(555), id_number=valid_id_number(555))

    [result] = capture_leads(channel, [lead_input(900, id_number=customer.id_number.lower())])

    assert result.outcome == CaptureOutcome.DUPLICATE
    assert result.customer_id == customer.pk
    assert Lead.objects.get(pk=result.lead_id).customer == customer


def test_duplicates_inside_one_batch_link_to_the_first(channel: Channel) -> None:
    results = capture_leads(
        channel, [lead_input(1), lead_input(2), lead_input(3, id_number=valid_id_number(1))]
    )

    assert [r.outcome for r in results] == ["created", "created", "duplicate"]
    assert results[2].duplicate_of == results[0].lead_id


def test_dedupe_goes_through_the_blind_index_only(channel: Channel) -> None:
    [result] = capture_leads(channel, [lead_input(1)])

    lead = Lead.objects.get(pk=result.lead_id)
    assert lead.mobile_index == lead_index("mobile_index", valid_mobile(1))
    with connection.cursor() as cursor:
        cursor.execute("SELECT mobile FROM leads_lead WHERE id = %s", [lead.pk])
        stored = cursor.fetchone()[0]
    assert valid_mobile(1) not in stored


def test_screening_marks_invalid_with_the_reason(channel: Channel) -> None:
    ScreeningRule.objects.create(name="准入", min_age=22, max_age=60, allowed_regions=["11", "31"])
    LeadBlacklist.objects.create(
        kind=BlacklistKind.MOBILE, value_index=lead_index("mobile_index", valid_mobile(4))
    )
    young = "110105" + f"{date.today().year - 18}0101" + "001"
    items = [
        lead_input(1),
        lead_input(2, id_number=young + id_check_char(young)),
        lead_input(3, id_number=valid_id_number(3, region="440305")),
        lead_input(4),
        lead_input(5, consent=False),
    ]

    results = capture_leads(channel, items)

    leads = [Lead.objects.get(pk=r.lead_id) for r in results]
    assert [lead.status for lead in leads] == ["new"] + ["invalid"] * 4
    reasons = [lead.invalid_reason for lead in leads[1:]]
    assert "低于下限" in reasons[0]
    assert "地区 44" in reasons[1]
    assert reasons[2:] == ["命中黑名单", "缺少客户授权"]


def test_a_large_batch_is_stored_readable_and_found_again(channel: Channel) -> None:
    results = capture_leads(channel, [lead_input(n) for n in range(250)])

    stored = Lead.objects.get(pk=results[123].lead_id)
    [again] = capture_leads(channel, [lead_input(999, mobile=valid_mobile(123))])
    assert (stored.mobile, stored.id_number) == (valid_mobile(123), valid_id_number(123))
    assert stored.created_at is not None
    assert again.duplicate_of == stored.pk
    assert Lead.objects.count() == 251


def test_leads_made_for_a_batch_equal_leads_made_by_keyword(channel: Channel) -> None:
    clean = clean_lead(
        lead_input(7, consent_at="2024-05-01T10:00:00"), today=date.today(), now=clock.now()
    )
    assert isinstance(clean, CleanLead)
    m_idx, i_idx = (
        lead_index("mobile_index", clean.mobile),
        lead_index("id_number_index", clean.id_number),
    )

    made = _LeadMaker(channel, None, "默认活动")(clean, m_idx, i_idx)

    by_keyword = Lead(
        name=clean.name, mobile=clean.mobile, mobile_index=m_idx, id_number=clean.id_number,
        id_number_index=i_idx, city=clean.city, requested_amount=clean.requested_amount,
        purpose=clean.purpose, channel=channel, campaign=clean.campaign, consent=clean.consent,
        consent_at=clean.consent_at, source_row=clean.row,
    )  # fmt: skip
    attnames = [f.attname for f in Lead._meta.concrete_fields]
    assert [getattr(made, a) for a in attnames] == [getattr(by_keyword, a) for a in attnames]
    assert made._state.adding
    assert made.channel is channel


def test_copy_rows_hold_the_values_bulk_create_would_send(channel: Channel) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("COPY is used on PostgreSQL only")
    lead = Lead(
        name="王一", mobile=valid_mobile(1), id_number=valid_id_number(1), city="上海",
        requested_amount=Decimal("20000.50"), channel=channel, consent=True,
        consent_at=clock.now(), status=LeadStatus.INVALID, invalid_reason="缺少客户授权",
        source_row=12, is_duplicate=True,
    )  # fmt: skip
    fields = [f for f in Lead._meta.concrete_fields if not f.primary_key]

    fast = copy_row_builder(fields)(lead)
    reference = [f.get_db_prep_save(f.pre_save(lead, True), connection) for f in fields]

    for f, ours, theirs in zip(fields, fast, reference, strict=True):
        if isinstance(f, EncryptedTextField):
            assert decrypt(ours, context=f.crypto_context) == decrypt(
                theirs, context=f.crypto_context
            )
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            assert abs(ours - theirs) < timedelta(seconds=5)
        else:
            assert (f.name, ours) == (f.name, theirs)
    precomputed = copy_row_builder(fields, indexed=True)(lead)
    assert precomputed[4] == fast[4]
    assert precomputed[6] == fast[6]
