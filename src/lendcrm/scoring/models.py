"""The scorecard registry: models, their versions (card + metrics), score records, PSI checks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lendcrm.core.models import TimeStampedModel
from lendcrm.scoring.choices import StabilityLevelChoice, VersionStatus


class ScorecardModel(TimeStampedModel):
    """A named scorecard (e.g. 申请评分卡 A); each retraining adds a version."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("评分卡")

    def __str__(self) -> str:
        return self.name


class ScorecardVersion(TimeStampedModel):
    model = models.ForeignKey(ScorecardModel, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    status = models.CharField(
        _("状态"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    card = models.JSONField(_("评分卡定义"))
    metrics = models.JSONField(_("模型指标"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    deployed_at = models.DateTimeField(_("上线时间"), null=True, blank=True)

    class Meta:
        ordering = ["model__name", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["model", "number"], name="scoring_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.model.name} v{self.number}"


class ScoreRecord(models.Model):
    """One scored applicant: the bin of each variable, enough for PSI and CSI later."""

    version = models.ForeignKey(ScorecardVersion, on_delete=models.PROTECT, related_name="scores")
    score = models.FloatField(_("分数"))
    bins = models.JSONField(_("分箱"))
    reason_codes = models.JSONField(_("拒绝原因"), default=list)
    scored_at = models.DateTimeField(_("评分时间"), db_index=True)

    class Meta:
        indexes = [models.Index(fields=["version", "scored_at"], name="scoring_record_recent")]

    def __str__(self) -> str:
        return f"{self.version} {self.score:.1f} @ {self.scored_at:%Y-%m-%d %H:%M}"


class StabilityCheck(models.Model):
    """The daily PSI of a deployed version's scores and the CSI of each of its variables."""

    version = models.ForeignKey(
        ScorecardVersion, on_delete=models.CASCADE, related_name="stability_checks"
    )
    as_of = models.DateField(_("日期"))
    rows = models.PositiveIntegerField(_("样本量"))
    psi = models.FloatField("PSI")
    csi = models.JSONField("CSI", default=dict)
    level = models.CharField(_("状态"), max_length=8, choices=StabilityLevelChoice.choices)
    recent_shares = models.JSONField(_("近期分数分布"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "as_of"]
        constraints = [
            models.UniqueConstraint(fields=["version", "as_of"], name="scoring_check_unique")
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.as_of:%Y-%m-%d} PSI {self.psi:.4f}"
