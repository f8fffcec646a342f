"""Registry operations: register a trained card, approve it (maker-checker), deploy it, score
an applicant with it, and check the stability of deployed versions. Each one is audited."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.errors import Conflict, DomainError, PermissionDenied
from lendcrm.scoring.card import CardError, check_card
from lendcrm.scoring.choices import VersionStatus
from lendcrm.scoring.models import ScorecardModel, ScorecardVersion, ScoreRecord, StabilityCheck
from lendcrm.scoring.monitoring import StabilityReport, compare_with_development
from lendcrm.scoring.scorer import RowScore, Scorer
from lendcrm.scoring.transitions import transition_version

STABILITY_WINDOW_DAYS = 30
SCORABLE = frozenset({VersionStatus.APPROVED, VersionStatus.DEPLOYED})


def register_version(
    *, model_name: str, card: Mapping[str, Any], acting_user: Any, description: str = ""
) -> ScorecardVersion:
    """A new draft version of the named scorecard (created on first use)."""
    try:
        checked = check_card(dict(card))
    except CardError as exc:
        raise DomainError(str(exc), field="card") from exc
    name = model_name.strip()
    if not name:
        raise DomainError("a scorecard needs a name", field="model_name")
    with transaction.atomic():
        model, _ = ScorecardModel.objects.get_or_create(
            name=name, defaults={"description": description}
        )
        model = ScorecardModel.objects.select_for_update().get(pk=model.pk)
        last = model.versions.aggregate(last=Max("number"))["last"] or 0
        version = ScorecardVersion.objects.create(
            model=model,
            number=last + 1,
            card=checked,
            metrics=dict(checked.get("metrics") or {}),
            created_by=acting_user,
        )
        record_event(
            "scoring.version_registered",
            actor=acting_user,
            target=version,
            metadata={"model": name, "version": version.number, "metrics": version.metrics},
        )
    return version


def approve_version(version: ScorecardVersion, *, acting_user: Any) -> ScorecardVersion:
    """The checker's approval: never by the person who registered the version."""
    with transaction.atomic():
        locked = ScorecardVersion.objects.select_for_update().get(pk=version.pk)
        if locked.created_by_id == acting_user.pk:
            raise PermissionDenied("the person who registered a scorecard cannot approve it")
        transition_version(locked, to=VersionStatus.APPROVED)
        locked.approved_by = acting_user
        locked.approved_at = clock.now()
        locked.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        record_event("scoring.version_approved", actor=acting_user, target=locked)
    return locked


def deploy_version(version: ScorecardVersion, *, acting_user: Any) -> ScorecardVersion:
    """Put an approved version in use; the model's previously deployed version is retired."""
    with transaction.atomic():
        ScorecardModel.objects.select_for_update().get(pk=version.model_id)
        locked = ScorecardVersion.objects.select_for_update().get(pk=version.pk)
        transition_version(locked, to=VersionStatus.DEPLOYED)
        locked.deployed_at = clock.now()
        locked.save(update_fields=["status", "deployed_at", "updated_at"])
        previous = ScorecardVersion.objects.filter(
            model_id=locked.model_id, status=VersionStatus.DEPLOYED
        ).exclude(pk=locked.pk)
        retired = []
        for old in previous.select_for_update():
            transition_version(old, to=VersionStatus.RETIRED)
            old.save(update_fields=["status", "updated_at"])
            retired.append(old.number)
        record_event(
            "scoring.version_deployed",
            actor=acting_user,
            target=locked,
            metadata={"retired_versions": retired},
        )
    return locked


_SCORERS: dict[tuple[int, str], Scorer] = {}


def _scorer(version: ScorecardVersion) -> Scorer:
    # A version's card never changes once registered, so its compiled scorer can be kept.
    key = (version.pk, version.created_at.isoformat())
    if key not in _SCORERS:
        if len(_SCORERS) >= 64:
            _SCORERS.clear()
        _SCORERS[key] = Scorer(version.card)
    return _SCORERS[key]


def score_applicant(
    version: ScorecardVersion, *, variables: Mapping[str, object], acting_user: Any
) -> RowScore:
    """Score one applicant with an approved or deployed version and keep the record."""
    if version.status not in SCORABLE:
        raise Conflict(f"{version} is {version.status}: only approved or deployed versions score")
    result = _scorer(version).score_row(variables)
    with transaction.atomic():
        record = ScoreRecord.objects.create(
            version=version,
            score=result.score,
            bins=result.bins,
            reason_codes=result.reason_codes,
            scored_at=clock.now(),
        )
        record_event(
            "scoring.applicant_scored",
            actor=acting_user,
            target=record,
            metadata={"version": str(version), "score": round(result.score, 2)},
        )
    return result


def _window(as_of: date, days: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(as_of - timedelta(days=days - 1), time.min, tzinfo=tz)
    return start, datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=tz)


def check_stability(
    version: ScorecardVersion, *, as_of: date, window_days: int = STABILITY_WINDOW_DAYS
) -> StabilityCheck | None:
    """PSI and CSI of the version's last `window_days` of scores; None when nothing was scored.

    Running it again for the same date replaces that date's check, so the task is idempotent.
    """
    start, end = _window(as_of, window_days)
    records = list(
        ScoreRecord.objects.filter(
            version=version, scored_at__gte=start, scored_at__lt=end
        ).values_list("score", "bins")
    )
    if not records:
        return None
    report: StabilityReport = compare_with_development(
        version.card, [r[0] for r in records], [r[1] for r in records]
    )
    check, _ = StabilityCheck.objects.update_or_create(
        version=version,
        as_of=as_of,
        defaults={
            "rows": report.rows,
            "psi": report.psi,
            "csi": report.csi,
            "level": report.level.value,
            "recent_shares": report.recent_shares,
        },
    )
    return check


def check_deployed_versions(*, as_of: date | None = None) -> list[StabilityCheck]:
    """The daily job: a stability check of every deployed version."""
    day = as_of or clock.today() - timedelta(days=1)
    checks = []
    for version in ScorecardVersion.objects.filter(status=VersionStatus.DEPLOYED):
        check = check_stability(version, as_of=day)
        if check is not None:
            checks.append(check)
    return checks
