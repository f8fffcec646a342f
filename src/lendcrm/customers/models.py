from __future__ import annotations

from typing import Any

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
from lendcrm.customers.choices import (
    ContactKind,
    ContactRelation,
    Education,
    EmploymentType,
    Gender,
    HousingStatus,
    InteractionKind,
    MaritalStatus,
    RealEstateKind,
    TagKind,
    TagSource,
)
from lendcrm.identity.scoping import ScopeFields


class Customer(TimeStampedModel):
    """A borrower or would-be borrower (客户). Personal identifiers are encrypted at rest."""

    scope_fields = ScopeFields(owner="owner", team="team", branch="branch")
    sensitive_fields = ("id_number", "mobile", "address", "hukou_address")

    customer_no = models.CharField(_("客户编号"), max_length=24, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    id_number = EncryptedTextField(_("身份证号"))
    id_number_index = BlindIndexField(
        source="id_number", purpose=PURPOSE_ID_NUMBER, normaliser=normalise_id_number
    )
    mobile = EncryptedTextField(_("手机号"))
    mobile_index = BlindIndexField(
        source="mobile", purpose=PURPOSE_MOBILE, normaliser=normalise_mobile
    )
    email = models.EmailField(_("邮箱"), blank=True)
    marital_status = models.CharField(
        _("婚姻状况"), max_length=12, choices=MaritalStatus.choices, blank=True
    )
    education = models.CharField(
        _("教育程度"), max_length=12, choices=Education.choices, blank=True
    )
    children = models.PositiveSmallIntegerField(_("子女数量"), default=0)
    province = models.CharField(_("省份"), max_length=20, db_index=True)
    city = models.CharField(_("城市"), max_length=20, db_index=True)
    address = models.CharField(_("常住地址"), max_length=200, blank=True)
    hukou_address = models.CharField(_("户籍地址"), max_length=200, blank=True)
    housing = models.CharField(
        _("居住状况"), max_length=12, choices=HousingStatus.choices, blank=True
    )
    employment_type = models.CharField(
        _("职业类型"), max_length=16, choices=EmploymentType.choices, blank=True
    )
    employer = models.CharField(_("单位名称"), max_length=100, blank=True)
    occupation = models.CharField(_("职业"), max_length=50, blank=True)
    position = models.CharField(_("职位"), max_length=50, blank=True)
    years_employed = models.PositiveSmallIntegerField(_("入职年限"), default=0)
    employer_phone = models.CharField(_("单位电话"), max_length=30, blank=True)
    monthly_income = models.DecimalField(_("月收入"), max_digits=12, decimal_places=2, default=0)
    house_value = models.DecimalField(_("房产估值"), max_digits=14, decimal_places=2, default=0)
    mortgage_balance = models.DecimalField(
        _("房贷余额"), max_digits=14, decimal_places=2, default=0
    )
    car_value = models.DecimalField(_("车辆价值"), max_digits=12, decimal_places=2, default=0)
    car_loan_balance = models.DecimalField(
        _("车贷余额"), max_digits=12, decimal_places=2, default=0
    )
    financial_assets = models.DecimalField(
        _("金融资产"), max_digits=14, decimal_places=2, default=0
    )
    credit_card_count = models.PositiveSmallIntegerField(_("信用卡张数"), default=0)
    credit_card_limit = models.DecimalField(
        _("信用卡总额度"), max_digits=12, decimal_places=2, default=0
    )
    loan_balance = models.DecimalField(
        _("信用贷款余额"), max_digits=14, decimal_places=2, default=0
    )
    other_debt = models.DecimalField(_("其他负债"), max_digits=14, decimal_places=2, default=0)
    channel = models.ForeignKey(
        "leads.Channel",
        verbose_name=_("来源渠道"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    campaign = models.CharField(_("来源活动"), max_length=100, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("客户经理"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customers",
    )
    team = models.ForeignKey(
        "identity.OrgUnit",
        verbose_name=_("团队"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    branch = models.ForeignKey(
        "identity.OrgUnit",
        verbose_name=_("分支机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = _("客户")
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="customer_recent_idx"),
            models.Index(fields=["city", "-created_at", "-id"], name="customer_city_recent_idx"),
            # One per data scope, so a scoped first page never sorts a whole team or branch.
            models.Index(fields=["owner", "-created_at", "-id"], name="customer_owner_recent_idx"),
            models.Index(fields=["team", "-created_at", "-id"], name="customer_team_recent_idx"),
            models.Index(
                fields=["branch", "-created_at", "-id"], name="customer_branch_recent_idx"
            ),
            # Name search is by prefix (surname or full name): LIKE '王%' on PostgreSQL.
            models.Index(
                fields=["name"], opclasses=["varchar_pattern_ops"], name="customer_name_prefix_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.customer_no})"


_CUSTOMER_SCOPE = ScopeFields(
    owner="customer__owner", team="customer__team", branch="customer__branch"
)


def _user_fk(label: Any, related_name: str = "+") -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
    )


class CustomerContact(TimeStampedModel):
    """Another mobile of the customer, or an emergency contact (紧急联系人) with the relation."""

    scope_fields = _CUSTOMER_SCOPE
    sensitive_fields = ("mobile",)

    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.CASCADE, related_name="contacts"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=ContactKind.choices)
    name = models.CharField(_("联系人姓名"), max_length=50, blank=True)
    relation = models.CharField(
        _("关系"), max_length=12, choices=ContactRelation.choices, default=ContactRelation.SELF
    )
    mobile = EncryptedTextField(_("手机号"))
    mobile_index = BlindIndexField(
        source="mobile", purpose=PURPOSE_MOBILE, normaliser=normalise_mobile
    )
    note = models.CharField(_("备注"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("联系方式")
        verbose_name_plural = _("联系方式")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class RealEstate(TimeStampedModel):
    """A property the customer owns (房产): type, estimated value and mortgage."""

    scope_fields = _CUSTOMER_SCOPE

    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.CASCADE, related_name="real_estates"
    )
    kind = models.CharField(_("房产类型"), max_length=12, choices=RealEstateKind.choices)
    city = models.CharField(_("所在城市"), max_length=20, blank=True)
    area_sqm = models.DecimalField(
        _("建筑面积(㎡)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    value = models.DecimalField(_("估值"), max_digits=14, decimal_places=2, default=0)
    mortgage_balance = models.DecimalField(
        _("按揭余额"), max_digits=14, decimal_places=2, default=0
    )
    monthly_payment = models.DecimalField(_("月供"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("房产")
        verbose_name_plural = _("房产")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.city}"


class Vehicle(TimeStampedModel):
    """A car the customer owns (车辆): brand, purchase price and car loan."""

    scope_fields = _CUSTOMER_SCOPE

    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.CASCADE, related_name="vehicles"
    )
    brand = models.CharField(_("品牌"), max_length=50)
    model_name = models.CharField(_("车型"), max_length=50, blank=True)
    purchase_year = models.PositiveSmallIntegerField(_("购置年份"), null=True, blank=True)
    purchase_price = models.DecimalField(_("购置价格"), max_digits=12, decimal_places=2, default=0)
    loan_balance = models.DecimalField(_("车贷余额"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("车辆")
        verbose_name_plural = _("车辆")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.brand} {self.model_name}".strip()


class BureauReport(TimeStampedModel):
    """An uploaded credit bureau report (征信报告) and its structured summary."""

    scope_fields = _CUSTOMER_SCOPE

    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.CASCADE, related_name="bureau_reports"
    )
    file = models.FileField(_("报告文件"), upload_to="bureau_reports/%Y/%m/", max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveIntegerField(_("文件大小"), default=0)
    sha256 = models.CharField(max_length=64, editable=False)
    report_date = models.DateField(_("报告日期"))
    overdue_count_24m = models.PositiveSmallIntegerField(_("近24个月逾期次数"), default=0)
    current_overdue_count = models.PositiveSmallIntegerField(_("当前逾期笔数"), default=0)
    current_overdue_amount = models.DecimalField(
        _("当前逾期金额"), max_digits=12, decimal_places=2, default=0
    )
    inquiries_1m = models.PositiveSmallIntegerField(_("近1个月查询次数"), default=0)
    inquiries_3m = models.PositiveSmallIntegerField(_("近3个月查询次数"), default=0)
    inquiries_6m = models.PositiveSmallIntegerField(_("近6个月查询次数"), default=0)
    card_count = models.PositiveSmallIntegerField(_("信用卡张数"), default=0)
    card_limit = models.DecimalField(_("信用卡总额度"), max_digits=12, decimal_places=2, default=0)
    card_used = models.DecimalField(_("信用卡已用额度"), max_digits=12, decimal_places=2, default=0)
    loan_count = models.PositiveSmallIntegerField(_("贷款笔数"), default=0)
    loan_balance = models.DecimalField(_("贷款余额"), max_digits=14, decimal_places=2, default=0)
    uploaded_by = _user_fk(_("上传人"))

    class Meta:
        verbose_name = _("征信报告")
        verbose_name_plural = _("征信报告")
        ordering = ["-report_date", "-id"]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.report_date}"


class ThirdPartyScore(TimeStampedModel):
    """A score from an external data provider (第三方评分), e.g. 百行 or 芝麻分."""

    scope_fields = _CUSTOMER_SCOPE

    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.CASCADE, related_name="scores"
    )
    provider = models.CharField(_("数据源"), max_length=40)
    score = models.IntegerField(_("分数"))
    as_of = models.DateField(_("评分日期"))

    class Meta:
        verbose_name = _("第三方评分")
        verbose_name_plural = _("第三方评分")
        ordering = ["-as_of", "provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "provider", "as_of"], name="score_once_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.score}"


class Tag(TimeStampedModel):
    """A label for segmenting customers and leads (标签): manual or set by a rule."""

    name = models.CharField(_("名称"), max_length=30, unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=TagKind.choices)
    colour = models.CharField(_("颜色"), max_length=20, default="secondary")
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("标签")
        verbose_name_plural = _("标签")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class TagAssignment(models.Model):
    """A tag on a customer or on a lead. Removal is soft (removed_at), kept for audit."""

    tag = models.ForeignKey(
        Tag, verbose_name=_("标签"), on_delete=models.PROTECT, related_name="assignments"
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("客户"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tag_assignments",
    )
    lead = models.ForeignKey(
        "leads.Lead",
        verbose_name=_("线索"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tag_assignments",
    )
    source = models.CharField(_("来源"), max_length=8, choices=TagSource.choices)
    assigned_by = _user_fk(_("添加人"))
    assigned_at = models.DateTimeField(_("添加时间"))
    removed_by = _user_fk(_("移除人"))
    removed_at = models.DateTimeField(_("移除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("标签记录")
        verbose_name_plural = _("标签记录")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(customer__isnull=False, lead__isnull=True)
                    | models.Q(customer__isnull=True, lead__isnull=False)
                ),
                name="tag_on_customer_xor_lead",
            ),
            models.UniqueConstraint(
                fields=["tag", "customer"],
                condition=models.Q(removed_at__isnull=True, customer__isnull=False),
                name="tag_once_per_customer",
            ),
            models.UniqueConstraint(
                fields=["tag", "lead"],
                condition=models.Q(removed_at__isnull=True, lead__isnull=False),
                name="tag_once_per_lead",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tag", "customer"],
                condition=models.Q(removed_at__isnull=True),
                name="tag_active_customer_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tag_id}→{self.customer_id or self.lead_id}"


class Interaction(models.Model):
    """One event in a customer's or lead's timeline (客户互动记录). Summaries hold no identifiers."""

    scope_fields = ScopeFields(owner="owner", team="team", branch="branch")

    kind = models.CharField(_("类型"), max_length=16, choices=InteractionKind.choices)
    occurred_at = models.DateTimeField(_("发生时间"))
    summary = models.CharField(_("摘要"), max_length=500)
    recording_url = models.URLField(_("录音地址"), max_length=500, blank=True)
    actor = _user_fk(_("操作人"))
    lead = models.ForeignKey(
        "leads.Lead",
        verbose_name=_("线索"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("客户"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    ref = models.CharField(_("关联对象"), max_length=80, blank=True)
    owner = _user_fk(_("负责人"))
    team = models.ForeignKey(
        "identity.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    branch = models.ForeignKey(
        "identity.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("互动记录")
        verbose_name_plural = _("互动记录")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer__isnull=False) | models.Q(lead__isnull=False),
                name="interaction_has_subject",
            ),
        ]
        indexes = [
            models.Index(
                fields=["customer", "-occurred_at", "-id"], name="interaction_customer_idx"
            ),
            models.Index(fields=["lead", "-occurred_at", "-id"], name="interaction_lead_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d %H:%M}"
