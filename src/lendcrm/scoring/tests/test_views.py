from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.scoring.choices import VersionStatus
from lendcrm.scoring.services import check_stability
from lendcrm.scoring.tests.applicant_data import generate_applicants
from lendcrm.scoring.tests.factories import (
    make_deployed_version,
    make_user,
    make_version,
    store_scores,
)

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_registry_page_lists_versions_with_their_test_metrics(card: dict[str, Any]) -> None:
    version = make_version(card)
    page = signed_in(make_user(Role.RISK_ANALYST)).get(reverse("scoring:versions")).content.decode()
    assert f'data-version="{version.pk}"' in page
    assert "申请评分卡A" in page
    assert f"{card['metrics']['test']['auc']:.3f}" in page


def test_the_maker_sees_no_approve_button_and_cannot_approve(card: dict[str, Any]) -> None:
    maker = make_user(Role.RISK_ANALYST)
    version = make_version(card, maker=maker)
    client = signed_in(maker)
    page = client.get(reverse("scoring:version", args=[version.pk])).content.decode()
    assert 'id="approve-version"' not in page
    assert 'data-variable="city_tier"' in page
    assert "Unknown" in page
    assert "Missing" in page
    assert "Special" in page
    response = client.post(reverse("scoring:approve", args=[version.pk]), follow=True)
    assert "cannot approve" in response.content.decode()
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_a_checker_approves_then_deploys_from_the_version_page(card: dict[str, Any]) -> None:
    version = make_version(card)
    client = signed_in(make_user(Role.RISK_ANALYST))
    page = client.get(reverse("scoring:version", args=[version.pk])).content.decode()
    assert 'id="approve-version"' in page
    client.post(reverse("scoring:approve", args=[version.pk]))
    page = client.get(reverse("scoring:version", args=[version.pk])).content.decode()
    assert 'id="deploy-version"' in page
    client.post(reverse("scoring:deploy", args=[version.pk]))
    version.refresh_from_db()
    assert version.status == VersionStatus.DEPLOYED


def test_the_stability_page_charts_development_against_recent_and_shows_alerts(
    card: dict[str, Any],
) -> None:
    version = make_deployed_version(card)
    frame = generate_applicants(500, seed=8).drop(columns=["applicant_id", "is_bad"])
    frame["card_utilisation"] *= 1.8
    frame["debt_to_income"] *= 1.6
    day = date(2026, 6, 1)
    for offset in (2, 1, 0):
        at = timezone.make_aware(datetime(2026, 6, 1, 12)) - timedelta(days=offset)
        store_scores(version, frame.to_dict("records"), scored_at=at)
        check_stability(version, as_of=day - timedelta(days=offset))
    response = signed_in(make_user(Role.ADMIN)).get(reverse("scoring:stability", args=[version.pk]))
    page = response.content.decode()
    start = page.index('id="scoring-stability-data"')
    data = json.loads(page[page.index(">", start) + 1 : page.index("</script>", start)])
    assert len(data["development"]) == len(data["recent"]) == len(data["bins"]) == 10
    assert data["dates"] == ["2026-05-30", "2026-05-31", "2026-06-01"]
    assert len(data["psi"]) == 3
    assert data["psi"][0] > 0.10
    assert 'data-scoring-chart="distribution"' in page
    assert "scoring/stability.js" in page
    alerts = page[page.index('id="stability-alerts"') :]
    assert alerts.count(" · PSI ") == 3
    assert "2026-06-01 · CSI card_utilisation" in alerts
    assert 'class="table-danger"' in page


def test_roles_without_the_capability_cannot_open_the_registry(card: dict[str, Any]) -> None:
    response = signed_in(make_user(Role.SALES)).get(reverse("scoring:versions"))
    assert response.status_code == 403
