from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lendcrm.contracts.choices import ContractStatus, SignatureMethod, SignatureParty
from lendcrm.core.models import TimeStampedModel
from lendcrm.identity.scoping import ScopeFields


class ContractTemplate(TimeStampedModel):
    """A contract text (合同模板) per product and version; a product-less one is the default.

    `body` is a Django template rendering to lines of text: `# ` a heading, `## ` a
    sub-heading, `| a | b |` a table row (the first row of a table is its header),
    `---page---` a page break, anything else a paragraph. See contracts/rendering.py.
    """

    product = models.ForeignKey(
        "loans.Product",
        verbose_name=_("产品"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contract_templates",
        help_text=_("为空表示默认模板，产品没有自己的模板时使用"),
    )
    version = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("合同名称"), max_length=100)
    body = models.TextField(_("模板正文"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("合同模板")
        verbose_name_plural = _("合同模板")
        # One version number per product, and per the product-less default (two partial
        # constraints: SQLite cannot treat NULL products as equal in one constraint).
        constraints = [
            models.UniqueConstraint(
                fields=["product", "version"],
                condition=models.Q(product__isnull=False),
                name="contracttemplate_product_version",
            ),
            models.UniqueConstraint(
                fields=["version"],
                condition=models.Q(product__isnull=True),
                name="contracttemplate_default_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class Contract(TimeStampedModel):
    """The loan contract (借款合同) of one approved application."""

    scope_fields = ScopeFields(owner="owner", team="team", branch="branch")

    contract_no = models.CharField(_("合同编号"), max_length=24, unique=True)
    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("进件"),
        on_delete=models.PROTECT,
        related_name="contract",
    )
    template = models.ForeignKey(
        ContractTemplate, verbose_name=_("模板"), on_delete=models.PROTECT, related_name="+"
    )
    template_version = models.PositiveIntegerField(_("模板版本"))
    terms = models.JSONField(_("合同条款快照"), default=dict)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ContractStatus.choices,
        default=ContractStatus.GENERATED,
        db_index=True,
    )
    pdf = models.FileField(_("合同文件"), upload_to="contracts/%Y/%m/", blank=True)
    pdf_sha256 = models.CharField(_("已签署文件 SHA-256"), max_length=64, blank=True)
    signer_subject = models.CharField(_("贷款人签章证书"), max_length=200, blank=True)
    lender_signed_at = models.DateTimeField(_("贷款人签署时间"), null=True, blank=True)
    customer_signed_at = models.DateTimeField(_("客户签署时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    loan = models.ForeignKey(
        "loans.Loan",
        verbose_name=_("借据"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    credit_line = models.ForeignKey(
        "loans.CreditLine",
        verbose_name=_("授信"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    generated_by = models.ForeignKey(
        "identity.User",
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner = models.ForeignKey(
        "identity.User",
        verbose_name=_("客户经理"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team = models.ForeignKey(
        "identity.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    branch = models.ForeignKey(
        "identity.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("合同")
        verbose_name_plural = _("合同")

    def __str__(self) -> str:
        return self.contract_no


class SignatureRecord(models.Model):
    """One signature on a contract: the lender's PAdES seal or the customer's acceptance."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("合同"), on_delete=models.PROTECT, related_name="signatures"
    )
    party = models.CharField(_("签署方"), max_length=12, choices=SignatureParty.choices)
    method = models.CharField(_("签署方式"), max_length=16, choices=SignatureMethod.choices)
    provider = models.CharField(_("电子签章服务"), max_length=40)
    signer_name = models.CharField(_("签署人"), max_length=100)
    signed_at = models.DateTimeField(_("签署时间"))
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("设备 (User-Agent)"), max_length=400, blank=True)
    document_sha256 = models.CharField(_("所签文件 SHA-256"), max_length=64)
    external_ref = models.CharField(_("外部流水号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("签署记录")
        verbose_name_plural = _("签署记录")
        ordering = ["signed_at", "id"]

    def __str__(self) -> str:
        return f"{self.contract} · {self.get_party_display()}"
