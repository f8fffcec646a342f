from __future__ import annotations

import pytest
from django.db import connection

from lendcrm.core.cn_ids import PURPOSE_MOBILE, normalise_mobile
from lendcrm.core.fields import index_value
from lendcrm.customers.tests.factories import CustomerFactory


@pytest.mark.django_db
def test_blind_index_is_computed_on_save_and_finds_the_row() -> None:
    customer = CustomerFactory(mobile="138 0013 8000")
    wanted = index_value("+86 13800138000", purpose=PURPOSE_MOBILE, normaliser=normalise_mobile)
    assert customer.mobile_index == wanted
    assert type(customer).objects.filter(mobile_index=wanted).get() == customer


@pytest.mark.django_db
def test_blind_index_columns_get_no_pattern_index_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pattern (_like) indexes exist only on PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'customers_customer' "
            "AND indexdef LIKE '%%_index%%'"
        )
        names = [row[0] for row in cursor.fetchall()]
    assert names, "the blind indexes themselves must exist"
    assert [n for n in names if n.endswith("_like")] == []
