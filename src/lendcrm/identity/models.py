from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from lendcrm.core.models import TimeStampedModel
from lendcrm.identity.choices import OrgUnitKind, Role


class OrgUnit(TimeStampedModel):
    """Head office, branch (分支机构), team (团队) or outsourcing agency (委外机构)."""

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=OrgUnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("组织机构")
        verbose_name_plural = _("组织机构")

    def __str__(self) -> str:
        return self.name

    @property
    def branch(self) -> OrgUnit | None:
        if self.kind == OrgUnitKind.BRANCH:
            return self
        return self.parent if self.parent and self.parent.kind == OrgUnitKind.BRANCH else None


class User(AbstractUser):
    team = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所属团队"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def branch_id(self) -> int | None:
        if self.team is None:
            return None
        branch = self.team.branch
        return branch.pk if branch else None


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100, default="api")
    prefix = models.CharField(max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.user} / {self.name} ({self.prefix})"


class RoleSecurityPolicy(models.Model):
    """Per-role security settings; a role without a row has the defaults (no 2FA)."""

    role = models.CharField(_("角色"), max_length=30, choices=Role.choices, unique=True)
    require_2fa = models.BooleanField(_("要求两步验证"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("角色安全策略")
        verbose_name_plural = _("角色安全策略")

    def __str__(self) -> str:
        return f"{self.role}: 2fa={self.require_2fa}"
