"""Strategies, their versions and deployments, decision records, and black/gray lists."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lendcrm.core.fields import EncryptedTextField
from lendcrm.core.models import TimeStampedModel
from lendcrm.decisions.choices import (
    DecisionArm,
    DecisionOutcome,
    DeploymentMode,
    ListEntryKind,
    ListType,
    StrategyVersionStatus,
)
from lendcrm.decisions.engine.document import content_hash_of
from lendcrm.identity.scoping import ScopeFields

FROZEN_STATUSES = frozenset(
    {
        StrategyVersionStatus.SUBMITTED,
        StrategyVersionStatus.APPROVED,
        StrategyVersionStatus.PUBLISHED,
        StrategyVersionStatus.RETIRED,
    }
)


class ImmutableVersionError(Exception):
    """A submitted, approved, published or retired version's definition was changed."""


class Strategy(TimeStampedModel):
    """A named credit strategy (策略), e.g. the pre-screen for one product line."""

    code = models.SlugField(_("编码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    product_code = models.CharField(_("产品编码"), max_length=32, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("决策策略")
        verbose_name_plural = _("决策策略")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class StrategyVersion(TimeStampedModel):
    """One version of a strategy's document. Frozen once submitted (services, save(), trigger)."""

    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=StrategyVersionStatus.choices,
        default=StrategyVersionStatus.DRAFT,
        db_index=True,
    )
    definition = models.JSONField(_("策略定义"))
    content_hash = models.CharField(_("内容摘要"), max_length=64, editable=False)
    change_note = models.TextField(_("变更说明"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        ordering = ["strategy__code", "-number"]
        verbose_name = _("策略版本")
        verbose_name_plural = _("策略版本")
        constraints = [
            models.UniqueConstraint(fields=["strategy", "number"], name="decisions_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.strategy.code} v{self.number}"

    _loaded_state: tuple[Any, Any] | None = None  # (status, content_hash) as read

    @classmethod
    def from_db(cls, *args: Any, **kwargs: Any) -> StrategyVersion:
        instance = super().from_db(*args, **kwargs)
        instance._loaded_state = (
            instance.__dict__.get("status"),
            instance.__dict__.get("content_hash"),
        )
        return instance

    def save(self, *args: Any, **kwargs: Any) -> None:
        new_hash = content_hash_of(self.definition)
        loaded = getattr(self, "_loaded_state", None)
        if loaded is not None and loaded[0] in FROZEN_STATUSES and new_hash != loaded[1]:
            raise ImmutableVersionError(f"{self} is {loaded[0]}: its definition cannot change")
        self.content_hash = new_hash
        super().save(*args, **kwargs)
        self._loaded_state = (self.status, self.content_hash)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.status != StrategyVersionStatus.DRAFT:
            raise ImmutableVersionError(f"{self} is {self.status}: only drafts can be deleted")
        return super().delete(*args, **kwargs)


class StrategyDeployment(models.Model):
    """What runs for a strategy and product: one champion, optionally a challenger."""

    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="deployments")
    product_code = models.CharField(_("产品编码"), max_length=32, blank=True)
    champion = models.ForeignKey(
        StrategyVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("冠军版本")
    )
    challenger = models.ForeignKey(
        StrategyVersion,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("挑战者版本"),
    )
    challenger_share = models.DecimalField(
        _("挑战者流量占比"), max_digits=5, decimal_places=4, default=0
    )
    mode = models.CharField(
        _("模式"), max_length=8, choices=DeploymentMode.choices, default=DeploymentMode.SPLIT
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("策略部署")
        verbose_name_plural = _("策略部署")
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "product_code"], name="decisions_deployment_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(challenger_share__gte=0) & models.Q(challenger_share__lte=1),
                name="decisions_challenger_share_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.strategy.code}/{self.product_code or '*'}"


class DecisionRecord(models.Model):
    """One evaluation of a strategy version, with everything needed to replay it bit for bit.

    `input_snapshot` never holds a raw identifier: ID number, mobile, bank card and device are
    replaced by their blind indexes before evaluation (the engine only ever sees those), so
    replaying the snapshot reproduces `output` exactly.
    """

    scope_fields = ScopeFields(owner="owner", team="team", branch="branch")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.PROTECT,
        related_name="decision_records",
        null=True,
        blank=True,
        verbose_name=_("进件"),
    )
    subject_key = models.CharField(_("客户标识"), max_length=64, db_index=True)
    strategy_version = models.ForeignKey(
        StrategyVersion, on_delete=models.PROTECT, related_name="decisions"
    )
    product_code = models.CharField(_("产品编码"), max_length=32, blank=True)
    arm = models.CharField(_("分组"), max_length=12, choices=DecisionArm.choices)
    applied = models.BooleanField(_("已采用"), default=True)
    outcome = models.CharField(_("决策结果"), max_length=16, choices=DecisionOutcome.choices)
    rule_results = models.JSONField(_("规则结果"), default=list)
    score = models.JSONField(_("评分"), null=True, blank=True)
    score_points = models.JSONField(_("分项得分"), default=dict)
    reason_codes = models.JSONField(_("原因码"), default=list)
    limit = models.DecimalField(_("额度"), max_digits=12, decimal_places=2, null=True, blank=True)
    pricing_tier = models.CharField(_("定价档位"), max_length=32, blank=True)
    latency_ms = models.DecimalField(_("耗时（毫秒）"), max_digits=10, decimal_places=3, default=0)
    input_snapshot = models.JSONField(_("输入快照"))
    output = models.JSONField(_("完整输出"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        "identity.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    branch = models.ForeignKey(
        "identity.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("决策记录")
        verbose_name_plural = _("决策记录")
        indexes = [
            models.Index(fields=["strategy_version", "created_at"], name="decisions_rec_version"),
        ]

    def __str__(self) -> str:
        return f"{self.strategy_version} {self.arm} {self.outcome}"


class ListEntry(TimeStampedModel):
    """A black- or gray-list entry (黑名单/灰名单); the value is encrypted, matched by index."""

    sensitive_fields = ("value",)

    list_type = models.CharField(_("名单类型"), max_length=8, choices=ListType.choices)
    kind = models.CharField(_("类型"), max_length=12, choices=ListEntryKind.choices)
    value = EncryptedTextField(_("值"))
    value_index = models.CharField(max_length=40, db_index=True, editable=False)
    source = models.CharField(_("来源"), max_length=64, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    expires_at = models.DateTimeField(_("失效时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("黑灰名单")
        verbose_name_plural = _("黑灰名单")
        constraints = [
            models.UniqueConstraint(
                fields=["list_type", "kind", "value_index"], name="decisions_list_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_list_type_display()} {self.get_kind_display()} #{self.pk}"
