"""The interaction timeline: recording, newest-first keyset pages, scoping, redaction."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.core import clock
from lendcrm.core.errors import DomainError, NotFound
from lendcrm.customers.choices import InteractionKind
from lendcrm.customers.models import Customer, Interaction
from lendcrm.customers.tests.conftest import Org
from lendcrm.customers.tests.factories import CustomerFactory, LeadFactory
from lendcrm.customers.timeline import (
    record_interaction,
    timeline_for_customer,
    timeline_for_lead,
)
from lendcrm.identity.models import User
from lendcrm.loans.choices import ProductKind, RepaymentMethod
from lendcrm.loans.models import Product

pytestmark = pytest.mark.django_db


def test_an_interaction_copies_the_scope_of_its_customer(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)

    event = record_interaction(kind=InteractionKind.NOTE, summary="到店面谈", customer=customer)

    assert (event.owner_id, event.team_id, event.branch_id) == (
        customer.owner_id,
        customer.team_id,
        customer.branch_id,
    )


def test_identifiers_in_a_summary_are_masked(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)

    event = record_interaction(
        kind=InteractionKind.CALL,
        summary="客户换号 13912345678，身份证 11010519491231002X 已核实",
        customer=customer,
    )

    assert event.summary == "客户换号 139****5678，身份证 110105********002X 已核实"


def test_an_interaction_needs_a_lead_or_a_customer() -> None:
    with pytest.raises(DomainError) as caught:
        record_interaction(kind=InteractionKind.NOTE, summary="x")
    assert caught.value.problems[0].field == "customer"


def test_an_unknown_kind_is_refused(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    with pytest.raises(DomainError) as caught:
        record_interaction(kind="fax", summary="x", customer=customer)
    assert caught.value.problems[0].field == "kind"


def test_customer_timeline_is_newest_first_and_includes_its_leads(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    lead = LeadFactory(owner=org.sales, customer=customer)
    other = CustomerFactory(owner=org.sales)
    base = clock.now()
    record_interaction(kind="note", summary="oldest", customer=customer, occurred_at=base)
    record_interaction(
        kind="call", summary="lead call", lead=lead, occurred_at=base + timedelta(hours=1)
    )
    record_interaction(
        kind="note", summary="newest", customer=customer, occurred_at=base + timedelta(hours=2)
    )
    record_interaction(kind="note", summary="someone else", customer=other, occurred_at=base)

    page = timeline_for_customer(org.sales, customer)

    assert [i.summary for i in page.items] == ["newest", "lead call", "oldest"]
    assert page.next_cursor is None


def test_keyset_pages_cover_every_event_once_even_with_equal_times(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    same = clock.now()
    for n in range(7):
        record_interaction(kind="note", summary=f"e{n}", customer=customer, occurred_at=same)

    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = timeline_for_customer(org.sales, customer, cursor=cursor, page_size=3)
        seen += [i.summary for i in page.items]
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert pages == 3
    assert seen == [f"e{n}" for n in reversed(range(7))]


def test_a_sales_rep_cannot_read_another_teams_customer_timeline(org: Org) -> None:
    customer = CustomerFactory(owner=org.other_team_sales)
    record_interaction(kind="note", summary="secret", customer=customer)

    with pytest.raises(NotFound):
        timeline_for_customer(org.sales, customer)
    assert [i.summary for i in timeline_for_customer(org.admin, customer).items] == ["secret"]


def test_lead_timeline_is_scoped_and_ordered(
    org: Org, move_clock: Callable[[timedelta], datetime]
) -> None:
    lead = LeadFactory(owner=org.sales)
    record_interaction(kind="assignment", summary="分配", lead=lead)
    move_clock(timedelta(minutes=5))
    record_interaction(kind="call", summary="首呼", lead=lead)

    assert [i.summary for i in timeline_for_lead(org.sales, lead).items] == ["首呼", "分配"]
    with pytest.raises(NotFound):
        timeline_for_lead(org.other_branch_sales, lead)


def test_a_broken_cursor_names_the_field(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    with pytest.raises(DomainError) as caught:
        timeline_for_customer(org.sales, customer, cursor="not-a-cursor")
    assert caught.value.problems[0].field == "cursor"


def test_the_database_refuses_an_interaction_without_subject() -> None:
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Interaction.objects.create(kind="note", summary="x", occurred_at=clock.now())


# Applications merged into the customer's timeline (read side).

_app_seq = itertools.count(1)


def _application(
    customer: Customer,
    *,
    at: datetime,
    owner: User | None = None,
    submitted: bool = True,
    amount: str = "50000.00",
    status: str = ApplicationStatus.SUBMITTED,
) -> Application:
    """An application as the demo generator bulk-loads it: no interaction is recorded."""
    owner = owner or customer.owner
    application = Application.objects.create(
        application_no=f"APP-T{next(_app_seq):06d}",
        customer=customer,
        product=_product(),
        amount=Decimal(amount),
        term=12,
        repayment_method=RepaymentMethod.EQUAL_INSTALLMENT,
        status=status,
        submitted_at=at if submitted else None,
        owner=owner,
        team=owner.team if owner else None,
        branch=owner.team.parent if owner and owner.team else None,
    )
    # created_at is set on insert; move it so that drafts sort by their creation time.
    Application.objects.filter(pk=application.pk).update(created_at=at)
    return application


def _product() -> Product:
    n = next(_app_seq)
    return Product.objects.create(
        code=f"TLP{n}",
        name=f"时间线产品{n}",
        kind=ProductKind.REVOLVING,
        min_amount=Decimal("100.00"),
        max_amount=Decimal("200000.00"),
        terms=[12],
        min_rate=Decimal("0.0500"),
        max_rate=Decimal("0.2400"),
        repayment_methods=[RepaymentMethod.EQUAL_INSTALLMENT.value],
    )


def _walk(user: User, customer: Customer, page_size: int) -> tuple[list[str], int]:
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = timeline_for_customer(user, customer, cursor=cursor, page_size=page_size)
        seen += [f"{e.source}:{e.id}" for e in page.items]
        pages += 1
        assert pages < 100
        if page.next_cursor is None:
            return seen, pages
        cursor = page.next_cursor


@pytest.mark.smoke
def test_applications_appear_on_the_customer_timeline_newest_first(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    base = clock.now() - timedelta(days=3)
    record_interaction(kind="call", summary="首呼", customer=customer, occurred_at=base)
    submitted = _application(customer, at=base + timedelta(hours=1), amount="50000.00")
    record_interaction(
        kind="note", summary="补充材料", customer=customer, occurred_at=base + timedelta(hours=2)
    )
    draft = _application(
        customer,
        at=base + timedelta(hours=3),
        submitted=False,
        status=ApplicationStatus.DRAFT,
        amount="8000",
    )
    _application(CustomerFactory(owner=org.sales), at=base)  # someone else's

    page = timeline_for_customer(org.sales, customer)

    assert [(e.source, e.kind) for e in page.items] == [
        ("application", "application"),
        ("interaction", "note"),
        ("application", "application"),
        ("interaction", "call"),
    ]
    assert page.items[0].summary == (
        f"创建借款申请 {draft.application_no}，金额 8,000.00 元，状态：草稿"
    )
    assert page.items[2].summary == (
        f"提交借款申请 {submitted.application_no}，金额 50,000.00 元，状态：已提交"
    )
    assert page.items[2].occurred_at == submitted.submitted_at
    assert page.items[2].ref == f"application:{submitted.pk}"
    assert page.next_cursor is None


@pytest.mark.smoke
def test_pages_across_both_sources_have_no_gaps_or_duplicates(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    lead = LeadFactory(owner=org.sales, customer=customer)
    base = clock.now() - timedelta(days=30)
    expected: list[tuple[datetime, int, int, str]] = []
    for n in range(23):
        # Every third time is shared by several rows of both sources.
        at = base + timedelta(minutes=(n // 3) * 10)
        if n % 2:
            a = _application(customer, at=at, submitted=n % 4 != 1)
            expected.append((at, 1, a.pk, f"application:{a.pk}"))
        else:
            i = record_interaction(
                kind="note",
                summary=f"e{n}",
                customer=customer if n % 4 else None,
                lead=None if n % 4 else lead,
                occurred_at=at,
            )
            expected.append((at, 0, i.pk, f"interaction:{i.pk}"))
    want = [key for *_, key in sorted(expected, reverse=True)]

    for size in (1, 2, 3, 5, 7, 23, 50):
        seen, pages = _walk(org.sales, customer, size)
        assert seen == want, size
        assert pages == max(1, -(-len(want) // size)), size


@pytest.mark.smoke
def test_an_application_outside_the_callers_scope_is_not_on_the_timeline(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    at = clock.now() - timedelta(hours=1)
    mine = _application(customer, at=at)
    theirs = _application(customer, at=at, owner=org.other_team_sales)

    shown = [e.id for e in timeline_for_customer(org.sales, customer).items]
    assert shown == [mine.pk]
    admin_shown = [e.id for e in timeline_for_customer(org.admin, customer).items]
    assert admin_shown == [theirs.pk, mine.pk]
    with pytest.raises(NotFound):
        timeline_for_customer(org.other_branch_sales, customer)


def test_a_cursor_of_an_interaction_only_page_still_works(org: Org) -> None:
    import base64

    customer = CustomerFactory(owner=org.sales)
    at = clock.now() - timedelta(hours=2)
    old = record_interaction(kind="note", summary="old", customer=customer, occurred_at=at)
    newer = record_interaction(
        kind="note", summary="newer", customer=customer, occurred_at=at + timedelta(hours=1)
    )
    legacy = base64.urlsafe_b64encode(
        f"{newer.occurred_at.isoformat()}|{newer.pk}".encode()
    ).decode()

    page = timeline_for_customer(org.sales, customer, cursor=legacy)

    assert [e.id for e in page.items] == [old.pk]


def test_the_lead_timeline_holds_only_the_leads_own_events(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    lead = LeadFactory(owner=org.sales, customer=customer)
    record_interaction(kind="call", summary="首呼", lead=lead)
    _application(customer, at=clock.now())

    assert [e.source for e in timeline_for_lead(org.sales, lead).items] == ["interaction"]


def test_the_timeline_page_and_api_show_applications(org: Org) -> None:
    from django.test import Client
    from django.urls import reverse

    from lendcrm.identity.services import issue_api_token

    customer = CustomerFactory(owner=org.sales)
    application = _application(customer, at=clock.now() - timedelta(minutes=5))
    record_interaction(kind="call", summary="首呼", customer=customer)
    client = Client()
    client.force_login(org.sales)

    html = client.get(reverse("customers:timeline", args=[customer.pk])).content.decode()
    token = issue_api_token(org.sales).plaintext
    api = Client().get(
        f"/api/v1/customers/{customer.pk}/timeline", HTTP_AUTHORIZATION=f"Bearer {token}"
    )

    assert 'data-source="application"' in html
    assert application.application_no in html
    items = api.json()["items"]
    assert [(i["source"], i["kind"]) for i in items] == [
        ("interaction", "call"),
        ("application", "application"),
    ]
    assert items[1]["id"] == application.pk
    assert items[1]["ref"] == f"application:{application.pk}"
