"""The application pages: assisted entry, the detail page, submitting, and the customer's H5 link."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from lendcrm.applications.choices import ApplicationSource, ApplicationStatus
from lendcrm.applications.h5 import make_link_token
from lendcrm.applications.models import Application
from lendcrm.customers.models import Customer
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.loans.models import Product

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(product: Product, **extra: str) -> dict[str, str]:
    return {
        "product": str(product.pk),
        "amount": "50000",
        "term": "12",
        "repayment_method": "equal_installment",
        "purpose": "装修",
        **extra,
    }


def test_staff_enter_an_application_for_their_customer_and_see_it(
    customer: Customer, product: Product, sales: User
) -> None:
    client = _client(sales)

    response = client.post(reverse("applications:new", args=[customer.pk]), _form(product))

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:detail", args=[application.pk])
    page = client.get(response["Location"]).content.decode()
    assert application.application_no in page
    assert 'id="submit-application"' in page
    assert "data-documents-panel" in page  # the documents app's panel, with its upload form
    assert application.application_no in client.get(reverse("applications:list")).content.decode()


def test_a_bad_amount_is_shown_on_the_amount_field(
    customer: Customer, product: Product, sales: User
) -> None:
    response = _client(sales).post(
        reverse("applications:new", args=[customer.pk]), _form(product, amount="10")
    )

    assert response.status_code == 200
    assert 'id="id_amount_error"' in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.usefixtures("live_strategy")
def test_submitting_shows_the_route_and_the_reason_codes_to_staff(
    customer: Customer, product: Product, sales: User
) -> None:
    client = _client(sales)
    client.post(reverse("applications:new", args=[customer.pk]), _form(product))
    application = Application.objects.get()

    response = client.post(reverse("applications:submit", args=[application.pk]), follow=True)

    page = response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert 'data-status="approved"' in page
    assert 'data-outcome="approve"' in page


def test_another_sales_rep_cannot_open_the_application(
    customer: Customer, product: Product, sales: User, make_user: Callable[..., User]
) -> None:
    _client(sales).post(reverse("applications:new", args=[customer.pk]), _form(product))
    application = Application.objects.get()
    other = make_user(Role.SALES)

    response = _client(other).get(reverse("applications:detail", args=[application.pk]))

    assert response.status_code == 404


@pytest.mark.usefixtures("live_strategy")
def test_the_customer_applies_on_the_h5_page_and_sees_a_neutral_answer(
    customer: Customer, product: Product, sales: User
) -> None:
    customer.monthly_income = 0
    customer.save()
    token = make_link_token(customer, acting_user=sales)

    form_page = Client().get(reverse("applications:h5", args=[token]))
    assert 'name="monthly_income"' in form_page.content.decode()  # the profile lacks it
    response = Client().post(
        reverse("applications:h5", args=[token]), _form(product, monthly_income="4000")
    )

    application = Application.objects.get()
    assert application.source == ApplicationSource.H5
    assert application.status == ApplicationStatus.DECLINED
    page = response.content.decode()
    assert 'id="h5-result"' in page
    assert "INCOME_TOO_LOW" not in page


def test_a_forged_h5_link_is_not_found(customer: Customer, sales: User) -> None:
    token = make_link_token(customer, acting_user=sales)

    response = Client().get(reverse("applications:h5", args=[token[:-2] + "xx"]))

    assert response.status_code == 404


def test_the_id_cards_address_prefills_the_missing_hukou_address(
    customer: Customer, product: Product, sales: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    customer.hukou_address = ""
    customer.save()
    client = _client(sales)
    client.post(reverse("applications:new", args=[customer.pk]), _form(product))
    application = Application.objects.get()
    read = {"name": customer.name, "address": "河北省石家庄市长安区中山东路18号"}
    monkeypatch.setattr("lendcrm.documents.queries.id_card_prefill", lambda user, app: read)

    page = client.get(reverse("applications:edit", args=[application.pk])).content.decode()

    assert 'name="hukou_address"' in page
    assert 'value="河北省石家庄市长安区中山东路18号"' in page
