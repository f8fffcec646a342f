"""Documents (影像件) of an application, stored through Django's storage API.

Files go to the `default` storage: local files under LENDCRM_DATA_DIR/media unless configured
otherwise. For S3-compatible object storage (AWS S3, MinIO, Aliyun OSS, Tencent COS) install
`django-storages[s3]` and point the default storage at it in settings, e.g.

    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "lendcrm-documents",
            "endpoint_url": "https://minio.internal:9000",
            "default_acl": "private",
            "querystring_auth": True,
        },
    }

with credentials from the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). Nothing in
this app touches the file system directly, so no code changes are needed; files are always
served through `documents:file`, which checks the data scope and audits the view.

What OCR read from an ID card is personal data: it is kept encrypted (`ocr_data`, JSON inside
an encrypted column); the mismatch flags hold no raw identifiers.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lendcrm.core.fields import EncryptedTextField
from lendcrm.core.models import TimeStampedModel
from lendcrm.documents.choices import ID_CARD_KINDS, DocumentKind, OcrStatus
from lendcrm.documents.id_card import IdCardFields
from lendcrm.identity.scoping import ScopeFields


class ApplicationDocument(TimeStampedModel):
    """One uploaded file of an application: ID card side, bank card, credit report, ..."""

    scope_fields = ScopeFields(owner="owner", team="team", branch="branch")
    sensitive_fields = ("ocr_data",)

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("进件"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField(_("资料类型"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("文件"), upload_to="documents/%Y/%m/", max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    width = models.PositiveIntegerField(_("宽度"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高度"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ocr_status = models.CharField(
        _("识别状态"), max_length=16, choices=OcrStatus.choices, blank=True, default=""
    )
    ocr_note = models.CharField(_("识别说明"), max_length=200, blank=True)
    ocr_data = EncryptedTextField(_("识别结果"), blank=True)
    ocr_mismatches = models.JSONField(_("核对不一致"), default=list, blank=True)
    ocr_at = models.DateTimeField(_("识别时间"), null=True, blank=True)
    # Copied from the application so that scoped() filters documents without a join.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
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
        verbose_name = _("影像件")
        verbose_name_plural = _("影像件")
        ordering = ["application", "kind", "-created_at", "-id"]
        indexes = [models.Index(fields=["application", "kind"], name="document_app_kind_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_id_card(self) -> bool:
        return self.kind in ID_CARD_KINDS

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def ocr_fields(self) -> IdCardFields | None:
        """What OCR read (decrypted), or None before a successful read."""
        if not self.ocr_data:
            return None
        data: dict[str, Any] = json.loads(self.ocr_data)
        return IdCardFields.from_dict(data)
