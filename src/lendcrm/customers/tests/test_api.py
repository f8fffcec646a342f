from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from lendcrm.audit.models import AuditEvent
from lendcrm.customers.models import Customer
from lendcrm.customers.tests.conftest import Org
from lendcrm.customers.tests.factories import CustomerFactory, UserFactory
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.identity.services import issue_api_token
from lendcrm.privacy.models import RevealGrant

ID_NUMBER = "110105199001011234"
MOBILE = "13812345678"
BASE = "/api/v1/customers"


class Api:
    def __init__(self, user: User) -> None:
        self.client = Client()
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {issue_api_token(user).plaintext}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, **self.auth)

    def post(self, path: str, body: dict[str, str]) -> Any:
        return self.client.post(
            path, json.dumps(body), content_type="application/json", **self.auth
        )


@pytest.fixture
def customer(org: Org) -> Customer:
    return CustomerFactory(owner=org.sales, name="周小芳", id_number=ID_NUMBER, mobile=MOBILE)


def test_the_list_is_scoped_masked_and_filterable(org: Org, customer: Customer) -> None:
    CustomerFactory(owner=org.sales, name="吴敏", city="上海市")
    CustomerFactory(owner=org.other_branch_sales, name="外分公司客户")
    api = Api(org.sales)

    everything = api.get(BASE).json()
    by_mobile = api.get(BASE, mobile="+86 13812345678").json()
    by_city = api.get(BASE, city="上海市").json()

    assert sorted(item["name"] for item in everything["items"]) == ["吴敏", "周小芳"]
    assert [item["name"] for item in by_mobile["items"]] == ["周小芳"]
    assert by_mobile["items"][0]["mobile"] == "138****5678"
    assert by_mobile["items"][0]["id_number"] == "110105********1234"
    assert [item["name"] for item in by_city["items"]] == ["吴敏"]
    assert MOBILE not in json.dumps(everything)


def test_the_list_pages_with_a_cursor(org: Org) -> None:
    CustomerFactory.create_batch(5, owner=org.sales)
    api = Api(org.sales)

    first = api.get(BASE, limit=3).json()
    second = api.get(BASE, limit=3, cursor=first["next_cursor"]).json()

    assert len(first["items"]) == 3
    assert len(second["items"]) == 2
    assert second["next_cursor"] is None
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


def test_a_bad_limit_or_cursor_names_the_parameter(org: Org) -> None:
    api = Api(org.sales)

    too_many = api.get(BASE, limit=1000)
    forged = api.get(BASE, cursor="forged")

    assert too_many.status_code == 422
    assert [e["field"] for e in too_many.json()["errors"]] == ["limit"]
    assert forged.status_code == 400
    assert [e["field"] for e in forged.json()["errors"]] == ["cursor"]


def test_the_detail_is_masked_and_404_outside_the_scope(org: Org, customer: Customer) -> None:
    mine = Api(org.sales).get(f"{BASE}/{customer.pk}")
    theirs = Api(org.other_branch_sales).get(f"{BASE}/{customer.pk}")

    body = mine.json()
    assert mine.status_code == 200
    assert body["mobile"] == "138****5678"
    assert body["address"].endswith("******")
    assert body["monthly_income"] == str(customer.monthly_income)
    assert body["revealed_until"] == {}
    assert theirs.status_code == 404
    assert ID_NUMBER not in theirs.content.decode()


def test_a_role_without_customers_view_is_refused(org: Org, customer: Customer) -> None:
    analyst = Api(UserFactory(roles=[Role.RISK_ANALYST]))

    assert analyst.get(BASE).status_code == 403
    assert analyst.get(f"{BASE}/{customer.pk}").status_code == 403


def test_reveal_returns_the_value_and_the_detail_shows_it_until_expiry(
    org: Org, customer: Customer, move_clock: Callable[[timedelta], datetime]
) -> None:
    now = move_clock(timedelta(0))
    api = Api(org.sales)

    response = api.post(
        f"{BASE}/{customer.pk}/reveal", {"field": "id_number", "reason": "核对身份"}
    )

    body = response.json()
    assert response.status_code == 200
    assert body["field"] == "id_number"
    assert body["value"] == ID_NUMBER
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert abs(expires_at - (now + timedelta(minutes=5))) < timedelta(milliseconds=1)
    assert AuditEvent.objects.filter(action="customer.revealed", actor=org.sales).count() == 1
    assert api.get(f"{BASE}/{customer.pk}").json()["id_number"] == ID_NUMBER
    move_clock(timedelta(minutes=5))
    assert api.get(f"{BASE}/{customer.pk}").json()["id_number"] == "110105********1234"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"field": "mobile"}, "reason"),
        ({"field": "mobile", "reason": "abc"}, "reason"),
        ({"field": "birth_date", "reason": "核对身份信息"}, "field"),
        ({"reason": "核对身份信息"}, "field"),
    ],
)
def test_reveal_with_bad_input_is_422_naming_the_field(
    org: Org, customer: Customer, body: dict[str, str], field: str
) -> None:
    response = Api(org.sales).post(f"{BASE}/{customer.pk}/reveal", body)

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not RevealGrant.objects.exists()


def test_reveal_without_the_capability_is_403_and_audited(org: Org, customer: Customer) -> None:
    response = Api(org.qa).post(
        f"{BASE}/{customer.pk}/reveal", {"field": "mobile", "reason": "质检抽查"}
    )

    assert response.status_code == 403
    assert MOBILE not in response.content.decode()
    event = AuditEvent.objects.get(action="customer.reveal_denied")
    assert event.actor == org.qa
    assert event.metadata["field"] == "mobile"


def test_reveal_outside_the_scope_is_404_and_grants_nothing(org: Org, customer: Customer) -> None:
    response = Api(org.other_branch_sales).post(
        f"{BASE}/{customer.pk}/reveal", {"field": "mobile", "reason": "电话核实身份"}
    )

    assert response.status_code == 404
    assert not RevealGrant.objects.exists()
