from __future__ import annotations

import pytest
from django.db import connection

from lendcrm.core.crypto import DecryptionError
from lendcrm.customers.models import Customer
from lendcrm.customers.queries import CustomerFilters, filtered_customers
from lendcrm.customers.tests.factories import CustomerFactory, UserFactory
from lendcrm.identity.choices import Role

pytestmark = pytest.mark.django_db

ID_NUMBER = "110105199001011234"
MOBILE = "13812345678"


def _raw_columns(customer: Customer, *columns: str) -> tuple[str, ...]:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {names} FROM {quote(Customer._meta.db_table)} WHERE id = %s",
            [customer.pk],
        )
        row = cursor.fetchone()
    assert row is not None
    return tuple(row)


def test_the_database_holds_ciphertext_not_the_identifiers() -> None:
    customer = CustomerFactory(id_number=ID_NUMBER, mobile=MOBILE)

    id_raw, mobile_raw, id_index, mobile_index = _raw_columns(
        customer, "id_number", "mobile", "id_number_index", "mobile_index"
    )

    for raw in (id_raw, mobile_raw):
        assert raw.startswith("v1:")
        assert ID_NUMBER not in raw
        assert MOBILE not in raw
        assert "19900101" not in raw
        assert "12345678" not in raw
    for index in (id_index, mobile_index):
        assert len(index) == 40
        assert MOBILE not in index
        assert ID_NUMBER not in index
    reloaded = Customer.objects.get(pk=customer.pk)
    assert (reloaded.id_number, reloaded.mobile) == (ID_NUMBER, MOBILE)


def test_the_same_value_encrypts_differently_each_time() -> None:
    first = CustomerFactory(mobile=MOBILE)
    second = CustomerFactory(mobile=MOBILE)

    assert _raw_columns(first, "mobile") != _raw_columns(second, "mobile")
    assert _raw_columns(first, "mobile_index") == _raw_columns(second, "mobile_index")


@pytest.mark.parametrize("typed", [MOBILE, "+86 138-1234-5678", " 138 1234 5678 "])
def test_an_exact_mobile_lookup_goes_through_the_blind_index(typed: str) -> None:
    admin = UserFactory(roles=[Role.ADMIN])
    wanted = CustomerFactory(mobile=MOBILE)
    CustomerFactory.create_batch(3)

    found = list(filtered_customers(admin, CustomerFilters(mobile=typed)))

    assert found == [wanted]


def test_an_id_number_lookup_ignores_case_of_the_check_character() -> None:
    admin = UserFactory(roles=[Role.ADMIN])
    wanted = CustomerFactory(id_number="11010519491231002X")

    found = list(filtered_customers(admin, CustomerFilters(id_number="11010519491231002x")))

    assert found == [wanted]


def test_a_ciphertext_copied_into_another_column_does_not_decrypt() -> None:
    customer = CustomerFactory(id_number=ID_NUMBER, mobile=MOBILE)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(Customer._meta.db_table)} SET {quote('mobile')} = "
            f"{quote('id_number')} WHERE id = %s",
            [customer.pk],
        )

    with pytest.raises(DecryptionError):
        Customer.objects.get(pk=customer.pk)
