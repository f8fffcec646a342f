from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from lendcrm.audit.models import AuditEvent
from lendcrm.core.errors import Conflict, DomainError, PermissionDenied
from lendcrm.identity.choices import Role
from lendcrm.scoring.choices import VersionStatus
from lendcrm.scoring.models import ScoreRecord, StabilityCheck
from lendcrm.scoring.monitoring import compare_with_development
from lendcrm.scoring.scorer import Scorer
from lendcrm.scoring.services import (
    approve_version,
    check_deployed_versions,
    check_stability,
    deploy_version,
    register_version,
    score_applicant,
)
from lendcrm.scoring.tasks import check_scorecard_stability_task
from lendcrm.scoring.tests.applicant_data import generate_applicants
from lendcrm.scoring.tests.factories import (
    make_deployed_version,
    make_user,
    make_version,
    store_scores,
)

pytestmark = pytest.mark.django_db
APPLICANT = {"monthly_income": 6000, "debt_to_income": 0.7, "age": 29, "city_tier": "三线"}


def _rows(n: int, seed: int) -> list[dict[str, object]]:
    frame = generate_applicants(n, seed=seed).drop(columns=["applicant_id", "is_bad"])
    return frame.to_dict("records")


def test_registering_numbers_versions_per_scorecard_and_is_audited(card: dict[str, Any]) -> None:
    maker = make_user(Role.RISK_ANALYST)
    first = register_version(model_name="申请评分卡A", card=card, acting_user=maker)
    second = register_version(model_name="申请评分卡A", card=card, acting_user=maker)
    other = register_version(model_name="行为评分卡", card=card, acting_user=maker)
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert first.status == VersionStatus.DRAFT
    assert first.metrics["test"]["auc"] == card["metrics"]["test"]["auc"]
    assert AuditEvent.objects.filter(action="scoring.version_registered").count() == 3


def test_a_document_that_is_not_a_card_is_refused(card: dict[str, Any]) -> None:
    with pytest.raises(DomainError, match="not a lendcrm-scorecard"):
        register_version(model_name="x", card={"a": 1}, acting_user=make_user())


def test_the_maker_cannot_approve_their_own_version(card: dict[str, Any]) -> None:
    maker = make_user(Role.RISK_ANALYST)
    version = make_version(card, maker=maker)
    with pytest.raises(PermissionDenied, match="cannot approve"):
        approve_version(version, acting_user=maker)
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT
    assert not AuditEvent.objects.filter(action="scoring.version_approved").exists()


def test_a_second_person_approves_and_deploying_retires_the_previous_version(
    card: dict[str, Any],
) -> None:
    old = make_deployed_version(card)
    new = make_version(card)
    checker = make_user(Role.RISK_ANALYST)
    approved = approve_version(new, acting_user=checker)
    assert (approved.status, approved.approved_by) == (VersionStatus.APPROVED, checker)
    deployed = deploy_version(approved, acting_user=checker)
    old.refresh_from_db()
    assert deployed.status == VersionStatus.DEPLOYED
    assert old.status == VersionStatus.RETIRED
    event = AuditEvent.objects.filter(action="scoring.version_deployed").latest("sequence")
    assert event.object_id == str(new.pk)


def test_a_draft_can_be_neither_deployed_nor_used_for_scoring(card: dict[str, Any]) -> None:
    draft = make_version(card)
    with pytest.raises(Conflict):
        deploy_version(draft, acting_user=make_user())
    with pytest.raises(Conflict, match="only approved or deployed"):
        score_applicant(draft, variables=APPLICANT, acting_user=make_user())
    assert not ScoreRecord.objects.exists()


def test_scoring_an_applicant_keeps_a_record_of_the_score_and_bins(card: dict[str, Any]) -> None:
    version = make_deployed_version(card)
    result = score_applicant(version, variables=APPLICANT, acting_user=make_user())
    expected = Scorer(card).score_row(APPLICANT)
    assert result == expected
    record = ScoreRecord.objects.get()
    assert (record.score, record.bins, record.reason_codes) == (
        expected.score,
        expected.bins,
        expected.reason_codes,
    )


def test_the_stability_check_stores_the_psi_and_csi_of_the_window(card: dict[str, Any]) -> None:
    version = make_deployed_version(card)
    rows = _rows(400, seed=3)
    store_scores(version, rows, scored_at=datetime(2026, 5, 10, 8, tzinfo=UTC))
    store_scores(version, rows[:50], scored_at=datetime(2026, 3, 1, 8, tzinfo=UTC))  # too old
    check = check_stability(version, as_of=date(2026, 5, 10))
    assert check is not None
    records = ScoreRecord.objects.filter(scored_at__date="2026-05-10")
    report = compare_with_development(card, [r.score for r in records], [r.bins for r in records])
    assert check.rows == 400
    assert check.psi == pytest.approx(report.psi, abs=1e-12)
    assert check.csi == pytest.approx(report.csi)
    assert check.level == report.level.value
    again = check_stability(version, as_of=date(2026, 5, 10))
    assert again is not None
    assert again.pk == check.pk
    assert StabilityCheck.objects.count() == 1


def test_the_daily_task_checks_only_deployed_versions_with_scores(card: dict[str, Any]) -> None:
    deployed = make_deployed_version(card)
    idle = make_deployed_version(card, name="行为评分卡")
    draft = make_version(card, name="营销评分卡")
    at = datetime(2026, 5, 9, 12, tzinfo=UTC)
    store_scores(deployed, _rows(100, seed=4), scored_at=at)
    store_scores(draft, _rows(100, seed=4), scored_at=at)
    assert check_scorecard_stability_task("2026-05-10") == 1
    assert list(StabilityCheck.objects.values_list("version_id", flat=True)) == [deployed.pk]
    assert check_deployed_versions(as_of=date(2026, 5, 10))[0].version == deployed
    assert idle.stability_checks.count() == 0
