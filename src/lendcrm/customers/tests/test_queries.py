from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lendcrm.core.errors import DomainError, NotFound
from lendcrm.customers.models import Customer
from lendcrm.customers.queries import (
    CustomerFilters,
    decode_cursor,
    encode_cursor,
    get_customer_for_user,
    list_customers,
)
from lendcrm.customers.tests.conftest import Org
from lendcrm.customers.tests.factories import CustomerFactory


def _names(user: object, **filters: str) -> set[str]:
    page = list_customers(user, filters=CustomerFilters(**filters), limit=100)
    return {c.name for c in page.items}


@pytest.fixture
def owned(org: Org) -> dict[str, Customer]:
    return {
        "mine": CustomerFactory(owner=org.sales, name="赵一"),
        "teammate": CustomerFactory(owner=org.teammate, name="钱二"),
        "other_team": CustomerFactory(owner=org.other_team_sales, name="孙三"),
        "other_branch": CustomerFactory(owner=org.other_branch_sales, name="李四"),
    }


def test_each_role_lists_only_its_data_scope(org: Org, owned: dict[str, Customer]) -> None:
    assert _names(org.sales) == {"赵一"}
    assert _names(org.manager) == {"赵一", "钱二"}
    assert _names(org.reviewer) == {"赵一", "钱二", "孙三"}
    assert _names(org.qa) == {"赵一", "钱二", "孙三", "李四"}


def test_a_customer_outside_the_scope_is_not_found(org: Org, owned: dict[str, Customer]) -> None:
    assert get_customer_for_user(org.sales, owned["mine"].pk) == owned["mine"]
    for customer in (owned["teammate"], owned["other_branch"]):
        with pytest.raises(NotFound):
            get_customer_for_user(org.sales, customer.pk)
    with pytest.raises(NotFound):
        get_customer_for_user(org.sales, 10**9)
    with pytest.raises(NotFound):
        get_customer_for_user(org.sales, "not-a-number")


def test_filters_combine_name_city_and_exact_identifiers(org: Org) -> None:
    CustomerFactory(owner=org.sales, name="王小明", city="上海市", mobile="13900001111")
    CustomerFactory(owner=org.sales, name="王大明", city="北京市", id_number="11010519491231002X")
    CustomerFactory(owner=org.sales, name="李明", city="上海市")

    assert _names(org.sales, name="王") == {"王小明", "王大明"}
    # by prefix (surname or full name), which an index serves over millions of customers
    assert _names(org.sales, name="明", city="上海市") == set()
    assert _names(org.sales, name="王小", city="上海市") == {"王小明"}
    assert _names(org.sales, name="李", city="上海市") == {"李明"}
    assert _names(org.sales, mobile="139 0000 1111") == {"王小明"}
    assert _names(org.sales, mobile="1390000111") == set()
    assert _names(org.sales, id_number="11010519491231002x") == {"王大明"}


def test_an_identifier_outside_the_scope_finds_nothing(org: Org) -> None:
    CustomerFactory(owner=org.other_branch_sales, mobile="13900001111")

    assert _names(org.sales, mobile="13900001111") == set()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("13812345678", CustomerFilters(mobile="13812345678")),
        ("+86 138-1234-5678", CustomerFilters(mobile="13812345678")),
        ("11010519491231002x", CustomerFilters(id_number="11010519491231002X")),
        (" 王 ", CustomerFilters(name="王")),
        ("12345", CustomerFilters(name="12345")),
    ],
)
def test_one_search_box_picks_the_right_filter(typed: str, expected: CustomerFilters) -> None:
    assert CustomerFilters.from_search(typed) == expected


def test_filters_in_an_audit_record_are_masked() -> None:
    filters = CustomerFilters(mobile="13812345678", id_number="110105199001011234", city="北京市")

    assert filters.for_audit() == {
        "city": "北京市",
        "mobile": "138****5678",
        "id_number": "110105********1234",
    }


def test_keyset_pages_cover_every_row_once_even_with_equal_timestamps(org: Org) -> None:
    customers = CustomerFactory.create_batch(7, owner=org.sales)
    same = timezone.now() - timedelta(days=1)
    Customer.objects.filter(pk__in=[c.pk for c in customers[1:5]]).update(created_at=same)
    expected = list(
        Customer.objects.filter(owner=org.sales)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
    )

    seen, cursor, pages = [], "", 0
    while True:
        page = list_customers(org.sales, filters=CustomerFilters(), cursor=cursor, limit=3)
        seen += [c.pk for c in page.items]
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert seen == expected
    assert pages == 3


@pytest.mark.django_db
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    offsets=st.lists(st.integers(min_value=0, max_value=3), min_size=0, max_size=9),
    limit=st.integers(min_value=1, max_value=4),
)
def test_keyset_pagination_matches_the_full_ordering(
    org: Org, offsets: list[int], limit: int
) -> None:
    Customer.objects.all().delete()
    base = timezone.now()
    for offset in offsets:
        customer = CustomerFactory(owner=org.sales)
        Customer.objects.filter(pk=customer.pk).update(created_at=base - timedelta(hours=offset))
    expected = list(Customer.objects.order_by("-created_at", "-id").values_list("pk", flat=True))

    seen: list[int] = []
    cursor = ""
    for _ in range(len(offsets) + 1):
        page = list_customers(org.sales, filters=CustomerFilters(), cursor=cursor, limit=limit)
        seen += [c.pk for c in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert seen == expected


def test_a_cursor_round_trips_and_a_forged_one_is_refused(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)

    assert decode_cursor(encode_cursor(customer)) == (customer.created_at, customer.pk)
    for bad in ("garbage", "MjAyNA", encode_cursor(customer)[:-4]):
        with pytest.raises(DomainError) as caught:
            decode_cursor(bad)
        assert caught.value.problems[0].field == "cursor"
