from __future__ import annotations

from typing import Any, NoReturn, TypeVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyViolation(Exception):
    """Raised when code tries to change or remove an audit event: the log is append-only."""


def _refuse(operation: str) -> NoReturn:
    raise AppendOnlyViolation(
        f"audit events are append-only: {operation} refused "
        "(append with lendcrm.audit.services.record_event or record_events)"
    )


_M = TypeVar("_M", bound=models.Model)


class AppendOnlyQuerySet(models.QuerySet[_M]):
    """Bulk writes that would bypass the hash chain or rewrite history are refused."""

    def update(self, **kwargs: Any) -> NoReturn:
        _refuse("update")

    def delete(self) -> NoReturn:
        _refuse("delete")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("bulk_update")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("bulk_create")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("update_or_create")


AppendOnlyManager = models.Manager.from_queryset(AppendOnlyQuerySet)


class AuditEvent(models.Model):
    """One append-only audit record. `entry_hash` covers this record and the previous hash."""

    sequence = models.BigIntegerField(_("序号"), unique=True)
    occurred_at = models.DateTimeField(_("时间"), db_index=True)
    # No database constraint and no cascade: deleting a user must not touch audit rows.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    actor_username = models.CharField(_("操作人账号"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=80)
    object_type = models.CharField(_("对象类型"), max_length=80, blank=True)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    metadata = models.JSONField(_("详情"), default=dict, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    entry_hash = models.CharField(_("本条哈希"), max_length=64, unique=True)

    objects = AppendOnlyManager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-sequence"]
        # Django's internal paths (deletion collector, related managers) use this manager too.
        base_manager_name = "objects"
        # Each filter of the auditor's list is served newest first from one index.
        indexes = [
            models.Index(fields=["actor_username", "-sequence"], name="audit_actor_seq_idx"),
            models.Index(fields=["action", "-sequence"], name="audit_action_seq_idx"),
            models.Index(
                fields=["object_type", "object_id", "-sequence"], name="audit_object_seq_idx"
            ),
            models.Index(fields=["ip_address", "-sequence"], name="audit_ip_seq_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if (
            not self._state.adding
            or kwargs.get("force_update")
            or kwargs.get("update_fields") is not None
        ):
            _refuse("update")
        # An unsaved instance carrying an existing pk must not turn into an UPDATE either.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("delete")


class AuditChainHead(models.Model):
    """A single row whose lock serialises appends, so the chain never forks.

    It also remembers the chain's length and last hash, so removing records from the end
    is detected by `lendcrm audit verify`.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit chain head at {self.sequence}"


class AuditCheckpoint(models.Model):
    """A record that a full walk from the first record found intact, with its hash then.

    Checkpoints let the auditor's page verify a record by walking only from the nearest one,
    and they anchor the chain: a log rewritten with freshly computed hashes no longer matches.
    """

    sequence = models.BigIntegerField(_("序号"), unique=True)
    entry_hash = models.CharField(_("本条哈希"), max_length=64)
    verified_at = models.DateTimeField(_("校验时间"))

    objects = AppendOnlyManager()

    class Meta:
        verbose_name = _("审计检查点")
        verbose_name_plural = _("审计检查点")
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"checkpoint #{self.sequence}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("update_fields") is not None:
            _refuse("update")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("delete")


class PendingAuditEvent(models.Model):
    """An event committed together with its business change, not yet sealed into the chain.

    High-volume writers (the pre-screen API) queue their event here instead of locking the
    chain head until they commit; `audit.sealing` moves pending events into the chain in
    batches, in id order, moments later (ADR 0013). Same columns as AuditEvent without the
    chain's. A pending event is never changed; it is removed only once its sealed copy is in
    the chain (on PostgreSQL a trigger checks that).
    """

    occurred_at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    metadata = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyManager()

    class Meta:
        verbose_name = _("待封存审计事件")
        verbose_name_plural = _("待封存审计事件")
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"pending {self.action} at {self.occurred_at}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("update_fields") is not None:
            _refuse("update")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("delete")
