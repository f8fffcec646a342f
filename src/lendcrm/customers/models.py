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
from lendcrm.customers.choices import (
    Education,
    EmploymentType,
    Gender,
    HousingStatus,
    MaritalStatus,
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
        indexes = [models.Index(fields=["-created_at", "-id"], name="customer_recent_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.customer_no})"
