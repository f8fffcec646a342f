from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lendcrm.core.cn_ids import (
    PURPOSE_ID_NUMBER,
    PURPOSE_MOBILE,
    normalise_id_number,
    normalise_mobile,
)
from lendcrm.core.fields import BlindIndexField, EncryptedTextField
from lendcrm.core.models import TimeStampedModel
from lendcrm.identity.scoping import ScopeFields
from lendcrm.leads.choices import (
    AssignmentReason,
    AssignmentStrategy,
    BlacklistKind,
    ChannelKind,
    ImportStatus,
    LeadStatus,
)


class Channel(TimeStampedModel):
    """Where leads come from (渠道)."""

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=ChannelKind.choices)
    cost_per_lead = models.DecimalField(
        _("单条线索成本"), max_digits=10, decimal_places=2, default=0
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("渠道")
        verbose_name_plural = _("渠道")

    def __str__(self) -> str:
        return self.name


class Lead(TimeStampedModel):
    """A prospective borrower (线索) before they become a customer."""

    scope_fields = ScopeFields(owner="owner", team="team", branch="branch")
    sensitive_fields = ("mobile", "id_number")

    name = models.CharField(_("姓名"), max_length=50)
    mobile = EncryptedTextField(_("手机号"))
    mobile_index = BlindIndexField(
        source="mobile", purpose=PURPOSE_MOBILE, normaliser=normalise_mobile
    )
    id_number = EncryptedTextField(_("身份证号"), blank=True)
    id_number_index = BlindIndexField(
        source="id_number", purpose=PURPOSE_ID_NUMBER, normaliser=normalise_id_number
    )
    city = models.CharField(_("城市"), max_length=20, blank=True)
    requested_amount = models.DecimalField(
        _("意向金额"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    purpose = models.CharField(_("借款用途"), max_length=100, blank=True)
    channel = models.ForeignKey(
        Channel, verbose_name=_("渠道"), on_delete=models.PROTECT, related_name="leads"
    )
    campaign = models.CharField(_("活动"), max_length=100, blank=True, db_index=True)
    consent = models.BooleanField(_("已授权"), default=False)
    consent_at = models.DateTimeField(_("授权时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=LeadStatus.choices, default=LeadStatus.NEW, db_index=True
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("撞单原线索"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("客户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("跟进人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    team = models.ForeignKey(
        "identity.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    branch = models.ForeignKey(
        "identity.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    seed_key = models.CharField(max_length=40, null=True, blank=True, unique=True, editable=False)
    is_duplicate = models.BooleanField(_("撞单"), default=False)
    invalid_reason = models.CharField(_("无效原因"), max_length=200, blank=True)
    assigned_at = models.DateTimeField(_("分配时间"), null=True, blank=True)
    first_contact_due_at = models.DateTimeField(_("首呼截止"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("首呼时间"), null=True, blank=True)
    lead_import = models.ForeignKey(
        "leads.LeadImport",
        verbose_name=_("导入批次"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    source_row = models.PositiveIntegerField(_("源文件行号"), null=True, blank=True)

    class Meta:
        verbose_name = _("线索")
        verbose_name_plural = _("线索")
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="lead_recent_idx"),
            models.Index(fields=["status", "first_contact_due_at"], name="lead_sla_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class ChannelApiKey(models.Model):
    """A channel's key for pushing leads (X-API-Key). Only a SHA-256 of the secret is stored."""

    channel = models.ForeignKey(
        Channel, verbose_name=_("渠道"), on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(_("名称"), max_length=100, default="default")
    prefix = models.CharField(_("前缀"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(_("权限范围"), default=list)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("渠道 API 密钥")
        verbose_name_plural = _("渠道 API 密钥")

    def __str__(self) -> str:
        return f"{self.channel} / {self.name} ({self.prefix})"


class LeadIdempotencyKey(models.Model):
    """The first answer to a capture call made with an Idempotency-Key, replayed on retries."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "key"], name="lead_idempotency_unique")
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.key}"


class LeadImport(TimeStampedModel):
    """One uploaded spreadsheet of leads (线下活动), imported in the background."""

    channel = models.ForeignKey(
        Channel, verbose_name=_("渠道"), on_delete=models.PROTECT, related_name="imports"
    )
    campaign = models.CharField(_("活动"), max_length=100, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200)
    file_path = models.CharField(max_length=500, editable=False)
    headers = models.JSONField(_("表头"), default=list)
    mapping = models.JSONField(_("列映射"), default=dict)
    status = models.CharField(
        _("状态"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理"), default=0)
    imported = models.PositiveIntegerField(_("已导入"), default=0)
    duplicates = models.PositiveIntegerField(_("撞单合并"), default=0)
    rejected = models.PositiveIntegerField(_("已拒收"), default=0)
    error_report_path = models.CharField(max_length=500, blank=True, editable=False)
    failure = models.CharField(_("失败原因"), max_length=300, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("线索导入")
        verbose_name_plural = _("线索导入")

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == ImportStatus.COMPLETED else 0
        return min(100, self.processed_rows * 100 // self.total_rows)


class ScreeningRule(TimeStampedModel):
    """Pre-screen rules that mark an arriving lead invalid (无效) with a reason."""

    name = models.CharField(_("名称"), max_length=100)
    channel = models.ForeignKey(
        Channel,
        verbose_name=_("渠道"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("留空表示所有渠道"),
    )
    min_age = models.PositiveSmallIntegerField(_("最小年龄"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("最大年龄"), null=True, blank=True)
    allowed_regions = models.JSONField(_("允许地区（省份代码前缀）"), default=list, blank=True)
    check_blacklist = models.BooleanField(_("检查黑名单"), default=True)
    require_consent = models.BooleanField(_("要求授权"), default=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("筛查规则")
        verbose_name_plural = _("筛查规则")

    def __str__(self) -> str:
        return self.name


class LeadBlacklist(models.Model):
    """A phone or ID number to refuse, held only as its blind index."""

    kind = models.CharField(_("类型"), max_length=12, choices=BlacklistKind.choices)
    value_index = models.CharField(max_length=40, db_index=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("线索黑名单")
        verbose_name_plural = _("线索黑名单")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value_index"], name="lead_blacklist_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class AssignmentRule(TimeStampedModel):
    """How a channel's new leads are shared among agents (分配规则)."""

    channel = models.OneToOneField(
        Channel,
        verbose_name=_("渠道"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignment_rule",
        help_text=_("留空表示默认规则"),
    )
    strategy = models.CharField(_("策略"), max_length=12, choices=AssignmentStrategy.choices)
    first_contact_sla_minutes = models.PositiveIntegerField(_("首呼时限（分钟）"), default=30)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("分配规则")
        verbose_name_plural = _("分配规则")

    def __str__(self) -> str:
        return f"{self.channel or _('默认')} · {self.get_strategy_display()}"


class AssignmentMember(models.Model):
    """One agent in an assignment rule, with weight, regions, capacity and working hours."""

    rule = models.ForeignKey(AssignmentRule, on_delete=models.CASCADE, related_name="members")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("电销顾问"), on_delete=models.CASCADE
    )
    weight = models.PositiveIntegerField(_("权重"), default=1)
    regions = models.JSONField(_("负责地区（省份代码前缀）"), default=list, blank=True)
    max_open_leads = models.PositiveIntegerField(_("最多在跟线索"), default=200)
    work_start = models.TimeField(_("上班时间"), null=True, blank=True)
    work_end = models.TimeField(_("下班时间"), null=True, blank=True)
    assigned_total = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "agent"], name="assignment_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}/{self.agent_id}"


class LeadAssignment(models.Model):
    """Every (re)assignment of a lead, kept for its history."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="assignments")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("跟进人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    previous_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("原跟进人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("原因"), max_length=12, choices=AssignmentReason.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("线索分配记录")
        verbose_name_plural = _("线索分配记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.lead_id} → {self.agent_id}"
