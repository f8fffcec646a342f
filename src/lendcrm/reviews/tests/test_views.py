"""The queue and the reviewer workspace pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lendcrm.applications.models import Application
from lendcrm.reviews import views
from lendcrm.reviews.choices import ReviewTaskStatus
from lendcrm.reviews.models import PhoneVerification, ReviewOpinion, ReviewRule, ReviewTask
from lendcrm.reviews.services import create_review_task
from lendcrm.reviews.services.phone_checks import mask_phone
from lendcrm.reviews.tests.conftest import (
    Org,
    add_bureau_report,
    add_contacts,
    add_decision_record,
    add_documents,
)

pytestmark = pytest.mark.django_db

SECTIONS = (
    "sec-application",
    "sec-customer",
    "sec-decision",
    "sec-bureau",
    "sec-multilending",
    "sec-documents",
    "sec-phone",
    "sec-approvals",
    "sec-opinion",
)
WORKSPACE_QUERY_CEILING = 24  # session, user, roles, task, profile (6), decision, lists, ...


@pytest.fixture
def seeded(org: Org, make_application: Callable[..., Application]) -> ReviewTask:
    """A task held by org.reviewer over a fully seeded application."""
    application = make_application(purpose="装修")
    customer = application.customer
    customer.employer, customer.employer_phone = "某科技公司", "010-88886666"
    customer.save()
    add_contacts(customer)
    add_bureau_report(customer)
    add_decision_record(application, org.director)
    add_documents(application, org.sales)
    make_application(customer=customer, status="declined")  # an earlier application
    task = create_review_task(application)
    ReviewTask.objects.filter(pk=task.pk).update(assignee=org.reviewer)
    task.refresh_from_db()
    return task


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_workspace_shows_every_section_masked(seeded: ReviewTask, org: Org) -> None:
    response = _client(org.reviewer).get(reverse("reviews:workspace", args=[seeded.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    for section in SECTIONS:
        assert f'id="{section}"' in html
    customer = seeded.application.customer
    assert customer.mobile not in html
    assert customer.id_number not in html
    assert mask_phone(customer.mobile) in html
    for contact in customer.contacts.all():
        assert contact.mobile not in html
    assert "HR07" in html
    assert "R_MULTI_LENDING" in html
    assert "612" in html
    assert 'id="bureau-summary"' in html
    assert "data-documents-panel" in html  # documents with their OCR fields
    assert "income_proof" in html or "收入证明" in html
    assert 'id="approval-history"' in html
    assert "ml_platforms_6m" in html
    assert "fake-multilending" in html
    assert 'id="opinion-form"' in html
    assert 'accesskey="9"' in html
    assert "reviews/workspace.js" in html


def test_the_workspace_stays_within_its_query_ceiling(
    seeded: ReviewTask, org: Org, django_assert_max_num_queries: Any
) -> None:
    # Its speed (target: under 300 ms) is measured by benchmarks/review_workspace.py.
    client = _client(org.reviewer)
    url = reverse("reviews:workspace", args=[seeded.pk])
    client.get(url)  # warm the template and URL caches
    with django_assert_max_num_queries(WORKSPACE_QUERY_CEILING):
        assert client.get(url).status_code == 200


def test_a_reviewer_outside_the_data_scope_gets_404(seeded: ReviewTask, org: Org) -> None:
    response = _client(org.outsider).get(reverse("reviews:workspace", args=[seeded.pk]))

    assert response.status_code == 404


def test_sales_staff_may_not_open_the_workspace(seeded: ReviewTask, org: Org) -> None:
    response = _client(org.sales).get(reverse("reviews:workspace", args=[seeded.pk]))

    assert response.status_code == 403


def test_an_invalid_opinion_is_shown_on_its_field(seeded: ReviewTask, org: Org) -> None:
    response = _client(org.reviewer).post(
        reverse("reviews:opinion", args=[seeded.pk]),
        {
            "recommendation": "approve",
            "approved_amount": "40000",
            "approved_rate_percent": "36",
            "approved_term": "12",
            "approved_method": "equal_installment",
        },
    )

    assert response.status_code == 400
    assert response.context["opinion_form"].errors["approved_rate_percent"]
    assert not ReviewOpinion.objects.exists()


def test_submitting_an_opinion_closes_the_task(seeded: ReviewTask, org: Org) -> None:
    response = _client(org.reviewer).post(
        reverse("reviews:opinion", args=[seeded.pk]),
        {
            "recommendation": "approve",
            "approved_amount": "40000",
            "approved_rate_percent": "18",
            "approved_term": "12",
            "approved_method": "equal_installment",
            "risk_points": ["multi_lending", "frequent_inquiries"],
            "comment": "可以",
        },
    )

    assert response.status_code == 302
    opinion = ReviewOpinion.objects.get()
    assert (str(opinion.approved_rate), opinion.risk_points) == (
        "0.1800",
        ["multi_lending", "frequent_inquiries"],
    )
    seeded.refresh_from_db()
    assert seeded.status == ReviewTaskStatus.DONE


def test_click_to_call_then_record_the_outcome(seeded: ReviewTask, org: Org) -> None:
    client = _client(org.reviewer)
    called = client.post(reverse("reviews:call", args=[seeded.pk]), {"target": "employer"})
    assert called.status_code == 302
    assert "call_id=" in called["Location"]
    page = client.get(called["Location"])
    assert 'id="placed-call"' in page.content.decode()

    saved = client.post(
        reverse("reviews:phone_check", args=[seeded.pk]),
        {"target": "employer", "outcome": "confirmed", "notes": "人事确认在职"},
    )

    assert saved.status_code == 302
    check = PhoneVerification.objects.get()
    assert (check.target, check.number_masked) == ("employer", "010****6666")


def test_the_queue_lists_my_tasks_the_pool_and_the_team(seeded: ReviewTask, org: Org) -> None:
    mine = _client(org.reviewer).get(reverse("reviews:queue"))
    assert f'data-task-id="{seeded.pk}"' in mine.content.decode()
    pool = _client(org.reviewer2).get(reverse("reviews:queue") + "?view=pool")
    assert f'data-task-id="{seeded.pk}"' not in pool.content.decode()
    not_team = _client(org.reviewer).get(reverse("reviews:queue") + "?view=team")
    assert not_team.context["view"] == "mine"
    team = _client(org.supervisor).get(reverse("reviews:queue") + "?view=team")
    assert f'data-task-id="{seeded.pk}"' in team.content.decode()
    workload = {u.pk: u.held for u in team.context["workload"]}
    assert workload[org.reviewer.pk] == 1
    assert org.outsider.pk not in workload


def test_claim_and_release_from_the_queue(seeded: ReviewTask, org: Org) -> None:
    ReviewTask.objects.filter(pk=seeded.pk).update(status=ReviewTaskStatus.OPEN, assignee=None)
    client = _client(org.reviewer2)

    claimed = client.post(reverse("reviews:claim", args=[seeded.pk]))
    assert claimed["Location"] == reverse("reviews:workspace", args=[seeded.pk])
    again = _client(org.reviewer).post(reverse("reviews:claim", args=[seeded.pk]))
    assert again.status_code == 302
    assert "pool" in again["Location"]
    client.post(reverse("reviews:release", args=[seeded.pk]))

    seeded.refresh_from_db()
    assert (seeded.status, seeded.assignee) == (ReviewTaskStatus.OPEN, None)


def test_a_supervisor_reassigns_from_the_page_and_a_reviewer_may_not(
    seeded: ReviewTask, org: Org
) -> None:
    url = reverse("reviews:reassign", args=[seeded.pk])
    assert _client(org.reviewer).get(url).status_code == 403

    response = _client(org.supervisor).post(url, {"to_user": org.reviewer2.pk, "reason": "请假"})

    assert response.status_code == 302
    seeded.refresh_from_db()
    assert seeded.assignee == org.reviewer2


def test_a_supervisor_adds_a_rule_and_an_inverted_band_names_the_field(org: Org) -> None:
    client = _client(org.supervisor)
    url = reverse("reviews:rules")
    form = {
        "name": "大额",
        "min_amount": "200000",
        "max_amount": "100000",
        "risk_grades": "b, c",
        "min_level": "review_supervisor",
        "priority": "10",
        "sla_minutes": "120",
        "is_active": "on",
    }

    refused = client.post(url, form)
    assert refused.status_code == 400
    assert refused.context["form"].errors["max_amount"]

    saved = client.post(url, form | {"max_amount": "500000"})
    assert saved.status_code == 302
    rule = ReviewRule.objects.get(name="大额")
    assert (rule.risk_grades, rule.min_level, rule.sla_minutes) == (
        ["B", "C"],
        "review_supervisor",
        120,
    )
    assert _client(org.reviewer).get(url).status_code == 403


def test_the_workspace_works_without_the_documents_and_approvals_partials(
    seeded: ReviewTask, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "template_exists", lambda name: False)

    response = _client(org.reviewer).get(reverse("reviews:workspace", args=[seeded.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "data-documents-panel" not in html
    assert 'id="approval-history"' not in html


def test_the_queue_query_count_does_not_grow_with_the_tasks(
    org: Org, make_application: Callable[..., Application]
) -> None:
    client = _client(org.supervisor)
    url = reverse("reviews:queue") + "?view=team"
    create_review_task(make_application())
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(4):
        create_review_task(make_application())

    with CaptureQueriesContext(connection) as five:
        response = client.get(url)

    assert len(response.context["tasks"]) == 5
    assert len(five) == len(one)
