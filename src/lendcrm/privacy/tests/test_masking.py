from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.apps import apps

from lendcrm.customers.tests.factories import CustomerFactory, UserFactory
from lendcrm.identity.choices import Role
from lendcrm.privacy.masking import (
    NO_GRANTS,
    POLICY,
    display_dict,
    load_grants,
    mask_value,
    with_choice_labels,
)
from lendcrm.privacy.services import reveal_field

SENSITIVE = ("id_number", "mobile", "address", "hukou_address")


def test_every_model_with_personal_data_has_a_masking_rule() -> None:
    declared = {
        model._meta.label_lower: set(model.sensitive_fields)
        for model in apps.get_models()
        if getattr(model, "sensitive_fields", ())
    }
    assert declared
    for label, fields in declared.items():
        assert set(POLICY[label].fields) == fields, label


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("110105199001011234", "110105********1234"),
        ("13812345678", "138****5678"),
        ("6222021234567890123", "622202*********0123"),
        ("dev-7f3a9c2e1b", "dev********e1b"),
        ("abc", "***"),
    ],
)
def test_a_list_entry_is_masked_by_the_shape_of_its_value(value: str, shown: str) -> None:
    from lendcrm.decisions.models import ListEntry

    assert mask_value(ListEntry, "value", value) == shown


def test_masks_follow_the_glossary() -> None:
    from lendcrm.customers.models import Customer

    assert mask_value(Customer, "id_number", "110105199001011234") == "110105********1234"
    assert mask_value(Customer, "mobile", "13812345678") == "138****5678"
    assert mask_value(Customer, "address", "北京市朝阳区建国路88号") == "北京市朝阳区******"
    assert mask_value(Customer, "name", "张三") == "张三"


@pytest.mark.django_db
def test_display_dict_masks_every_sensitive_field_without_a_grant() -> None:
    sales = UserFactory(roles=[Role.SALES])
    customer = CustomerFactory(owner=sales, id_number="110105199001011234", mobile="13812345678")

    shown = display_dict(customer, user=sales, fields=("name", *SENSITIVE))

    assert shown["name"] == customer.name
    assert shown["id_number"] == "110105********1234"
    assert shown["mobile"] == "138****5678"
    assert shown["address"].endswith("******")
    assert "建国路" not in shown["address"]
    assert shown["hukou_address"] == "河北省石家庄市长安区******"


@pytest.mark.django_db
def test_a_grant_reveals_only_its_field_to_its_user_until_it_expires(
    move_clock: Callable[[timedelta], datetime],
) -> None:
    sales = UserFactory(roles=[Role.SALES])
    colleague = UserFactory(roles=[Role.SALES], team=sales.team)
    customer = CustomerFactory(owner=sales, mobile="13812345678")
    reveal_field(user=sales, instance=customer, field="mobile", reason="电话核实身份")

    mine = display_dict(customer, user=sales, fields=("mobile", "id_number"))
    theirs = display_dict(customer, user=colleague, fields=("mobile",))
    assert mine["mobile"] == "13812345678"
    assert mine["id_number"] == mask_value(customer, "id_number", customer.id_number)
    assert theirs["mobile"] == "138****5678"

    move_clock(timedelta(minutes=4, seconds=59))
    assert display_dict(customer, user=sales, fields=("mobile",))["mobile"] == "13812345678"
    move_clock(timedelta(seconds=1))
    assert display_dict(customer, user=sales, fields=("mobile",))["mobile"] == "138****5678"


@pytest.mark.django_db
def test_a_grant_stops_working_when_the_user_loses_the_reveal_capability() -> None:
    from lendcrm.identity.services import assign_roles

    sales = UserFactory(roles=[Role.SALES])
    customer = CustomerFactory(owner=sales, mobile="13812345678")
    reveal_field(user=sales, instance=customer, field="mobile", reason="电话核实身份")

    assign_roles(sales, [Role.QA])

    assert display_dict(customer, user=sales, fields=("mobile",))["mobile"] == "138****5678"


@pytest.mark.django_db
def test_grants_for_a_whole_page_load_in_one_query(
    django_assert_num_queries: Callable[[int], object],
) -> None:
    sales = UserFactory(roles=[Role.SALES])
    customers = CustomerFactory.create_batch(5, owner=sales)
    reveal_field(user=sales, instance=customers[2], field="mobile", reason="电话核实身份")
    sales.groups.all().count()  # roles are read (and cached) before counting

    with django_assert_num_queries(1):  # type: ignore[attr-defined]
        grants = load_grants(sales, customers)
    shown = [display_dict(c, user=sales, fields=("mobile",), grants=grants) for c in customers]

    assert [s["mobile"] == c.mobile for s, c in zip(shown, customers, strict=True)] == [
        False,
        False,
        True,
        False,
        False,
    ]


@pytest.mark.django_db
def test_unmask_needs_the_reveal_capability() -> None:
    qa = UserFactory(roles=[Role.QA])
    sales = UserFactory(roles=[Role.SALES])
    customer = CustomerFactory(owner=sales, mobile="13812345678")

    assert display_dict(customer, user=qa, fields=("mobile",), grants=NO_GRANTS, unmask=True) == {
        "mobile": "138****5678"
    }
    assert display_dict(
        customer, user=sales, fields=("mobile",), grants=NO_GRANTS, unmask=True
    ) == {"mobile": "13812345678"}


@pytest.mark.django_db
def test_choice_codes_are_shown_as_their_labels() -> None:
    customer = CustomerFactory(gender="F")

    assert with_choice_labels(customer, {"gender": "F", "city": "北京市"}) == {
        "gender": "女",
        "city": "北京市",
    }
