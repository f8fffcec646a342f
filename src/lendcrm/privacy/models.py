from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RevealGrant(models.Model):
    """Permission for one user to see one field of one record unmasked, for a few minutes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    object_type = models.CharField(_("对象类型"), max_length=80)
    object_id = models.CharField(_("对象ID"), max_length=64)
    field = models.CharField(_("字段"), max_length=40)
    reason = models.CharField(_("查看原因"), max_length=200)
    created_at = models.DateTimeField(_("创建时间"))
    expires_at = models.DateTimeField(_("失效时间"))

    class Meta:
        verbose_name = _("明文查看授权")
        verbose_name_plural = _("明文查看授权")
        indexes = [
            models.Index(
                fields=["user", "object_type", "object_id", "expires_at"],
                name="reveal_grant_lookup_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id}.{self.field}"
