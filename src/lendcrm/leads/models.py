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
from lendcrm.leads.choices import ChannelKind, LeadStatus


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

    class Meta:
        verbose_name = _("线索")
        verbose_name_plural = _("线索")
        indexes = [models.Index(fields=["-created_at", "-id"], name="lead_recent_idx")]

    def __str__(self) -> str:
        return self.name
