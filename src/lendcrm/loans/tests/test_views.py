from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lendcrm.identity.choices import Role
from lendcrm.loans.models import Loan
from lendcrm.loans.services.end_of_day import run_end_of_day
from lendcrm.loans.tests.factories import make_customer, make_loan, make_org, make_user
from lendcrm.loans.tests.test_repayments import FIRST_DUE

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]
QUERIES_FOR_THE_LINE_LIST = 5


def signed_in(*roles: Role, **kwargs: object) -> Client:
    client = Client()
    client.force_login(make_user(*roles, **kwargs))  # type: ignore[arg-type]
    return client


def test_the_line_page_shows_drawdowns_schedule_payments_and_journal() -> None:
    loan = make_loan()
    client = signed_in(Role.ADMIN)

    page = client.get(reverse("loans:line", args=[loan.line_id])).content.decode()

    assert loan.loan_no in page
    assert "12000.00" in page  # principal balance from the journal
    assert 'class="table table-sm align-middle schedule-table"' in page
    assert page.count('<tr data-period="') == 12
    assert "放款" in page
    assert "manual-payment-form" in page


def test_a_manual_repayment_posted_with_htmx_updates_the_panel() -> None:
    loan = make_loan()
    client = signed_in(Role.ADMIN)

    response = client.post(
        reverse("loans:post_payment", args=[loan.pk]),
        {"amount": "1120.00", "value_date": FIRST_DUE.isoformat(), "reference": "柜台-001"},
        headers={"HX-Request": "true"},
    )

    panel = response.content.decode()
    assert response.status_code == 200
    assert f'id="loan-{loan.pk}"' in panel
    assert 'data-testid="balance-principal">11000.00<' in panel
    assert "柜台-001" in panel
    assert Loan.objects.get(pk=loan.pk).principal_balance == Decimal("11000.00")


def test_a_bad_repayment_shows_the_problem_and_posts_nothing() -> None:
    loan = make_loan()
    client = signed_in(Role.ADMIN)

    response = client.post(
        reverse("loans:post_payment", args=[loan.pk]),
        {"amount": "-5", "value_date": FIRST_DUE.isoformat(), "reference": "x"},
    )

    assert response.status_code == 422
    assert "is-invalid" in response.content.decode()
    assert Loan.objects.get(pk=loan.pk).principal_balance == Decimal("12000.00")


def test_a_viewer_sees_no_repayment_form_and_cannot_post() -> None:
    loan = make_loan()
    client = signed_in(Role.AUDITOR)

    page = client.get(reverse("loans:line", args=[loan.line_id])).content.decode()
    refused = client.post(reverse("loans:post_payment", args=[loan.pk]), {"amount": "1"})

    assert "manual-payment-form" not in page
    assert refused.status_code == 403


def test_the_line_list_is_scoped() -> None:
    _b1, team = make_org()
    _b2, other_team = make_org()
    sales = make_user(Role.SALES, team=team)
    mine = make_loan(customer=make_customer(owner=sales, team=team))
    theirs = make_loan(customer=make_customer(team=other_team))
    client = Client()
    client.force_login(sales)

    page = client.get(reverse("loans:lines")).content.decode()
    other = client.get(reverse("loans:line", args=[theirs.line_id]))

    assert mine.line.line_no in page  # type: ignore[union-attr]
    assert theirs.line.line_no not in page  # type: ignore[union-attr]
    assert other.status_code == 404


def test_the_line_list_runs_a_fixed_number_of_queries(
    django_assert_num_queries: Callable[..., Any],
) -> None:
    for _ in range(3):
        make_loan()
    client = signed_in(Role.ADMIN)
    client.get(reverse("loans:lines"))

    # session, user, roles, navigation and the one list query, whatever the number of lines
    with django_assert_num_queries(QUERIES_FOR_THE_LINE_LIST):
        client.get(reverse("loans:lines"))


def test_the_eod_page_shows_progress() -> None:
    make_loan()
    run_end_of_day(FIRST_DUE)
    client = signed_in(Role.ADMIN)

    page = client.get(reverse("loans:eod")).content.decode()
    partial = client.get(reverse("loans:eod_progress")).content.decode()

    assert "2025-02-15" in page
    assert "1/1" in partial
