"""Writes for leads and channels."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.errors import Conflict, DomainError, PermissionDenied
from lendcrm.leads.choices import ChannelKeyScope, ChannelKind
from lendcrm.leads.models import Channel, ChannelApiKey

# ---- channels and their API keys (X-API-Key for lead capture) -------------------------------

CHANNEL_KEY_MARKER = "lck"  # a public marker that makes leaked keys easy to recognise
_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


class ChannelKeyRejected(DomainError):
    """The key is malformed, unknown, revoked or inactive, or its channel is disabled."""

    status_code = 401

    def __init__(self, reason: str) -> None:
        super().__init__(_("渠道 API 密钥无效或已停用"), field="X-API-Key")
        self.reason = reason


class ChannelKeyScopeMissing(PermissionDenied):
    def __init__(self, scope: str) -> None:
        super().__init__(
            _("该渠道 API 密钥无权执行此操作（需要 %(scope)s）") % {"scope": scope},
            field="X-API-Key",
        )
        self.scope = scope


@dataclass(frozen=True)
class IssuedChannelKey:
    key: ChannelApiKey
    plaintext: str


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _clean_scopes(scopes: Iterable[str]) -> list[str]:
    chosen = sorted(set(scopes))
    unknown = [scope for scope in chosen if scope not in ChannelKeyScope.values]
    if unknown or not chosen:
        allowed = ", ".join(ChannelKeyScope.values)
        raise DomainError(
            _("权限范围须为以下之一：%(allowed)s") % {"allowed": allowed}, field="scopes"
        )
    return chosen


def create_channel(
    *, name: str, kind: str = ChannelKind.WEBSITE, code: str | None = None, acting_user: Any = None
) -> Channel:
    name = name.strip()
    if not name:
        raise DomainError(_("渠道名称不能为空"), field="name")
    if kind not in ChannelKind.values:
        raise DomainError(_("未知的渠道类型"), field="kind")
    code = code or (name if _CODE_PATTERN.match(name) else f"ch-{secrets.token_hex(4)}")
    if not _CODE_PATTERN.match(code):
        raise DomainError(_("渠道编码只能包含字母、数字、点、横线和下划线"), field="code")
    if Channel.objects.filter(code=code).exists():
        raise Conflict(_("渠道编码已存在"), field="code")
    with transaction.atomic():
        channel = Channel.objects.create(code=code, name=name, kind=kind)
        record_event("channel.created", actor=acting_user, target=channel, metadata={"code": code})
    return channel


def issue_channel_key(
    channel: Channel, *, scopes: Iterable[str], name: str = "default", acting_user: Any = None
) -> IssuedChannelKey:
    chosen = _clean_scopes(scopes)
    with transaction.atomic():
        issued = _new_key(channel, scopes=chosen, name=name, acting_user=acting_user)
        record_event(
            "channel_key.issued",
            actor=acting_user,
            target=issued.key,
            metadata={"channel": channel.code, "prefix": issued.key.prefix, "scopes": chosen},
        )
    return issued


def _new_key(
    channel: Channel, *, scopes: list[str], name: str, acting_user: Any
) -> IssuedChannelKey:
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    key = ChannelApiKey.objects.create(
        channel=channel,
        name=name.strip()[:100] or "default",
        prefix=prefix,
        secret_hash=_hash_secret(secret),
        scopes=scopes,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    return IssuedChannelKey(key=key, plaintext=f"{CHANNEL_KEY_MARKER}_{prefix}_{secret}")


def rotate_channel_key(key: ChannelApiKey, *, acting_user: Any = None) -> IssuedChannelKey:
    """Replace a key with a new one with the same scopes; the old one stops working at once."""
    with transaction.atomic():
        key = (
            ChannelApiKey.objects.select_for_update(of=("self",))
            .select_related("channel")
            .get(pk=key.pk)
        )
        if key.revoked_at is not None:
            raise Conflict(_("该密钥已吊销，不能轮换"), field="prefix")
        _revoke(key)
        issued = _new_key(
            key.channel, scopes=list(key.scopes), name=key.name, acting_user=acting_user
        )
        record_event(
            "channel_key.rotated",
            actor=acting_user,
            target=issued.key,
            metadata={
                "channel": key.channel.code,
                "old_prefix": key.prefix,
                "prefix": issued.key.prefix,
            },
        )
    return issued


def revoke_channel_key(key: ChannelApiKey, *, acting_user: Any = None) -> ChannelApiKey:
    with transaction.atomic():
        key = (
            ChannelApiKey.objects.select_for_update(of=("self",))
            .select_related("channel")
            .get(pk=key.pk)
        )
        if key.revoked_at is not None:
            raise Conflict(_("该密钥已吊销"), field="prefix")
        _revoke(key)
        record_event(
            "channel_key.revoked",
            actor=acting_user,
            target=key,
            metadata={"channel": key.channel.code, "prefix": key.prefix},
        )
    return key


def _revoke(key: ChannelApiKey) -> None:
    key.revoked_at = clock.now()
    key.is_active = False
    key.save(update_fields=["revoked_at", "is_active"])


def authenticate_channel_key(raw: str, scope: str) -> Channel:
    """The channel a lead-capture request's X-API-Key belongs to, if the key holds `scope`.

    Raises ChannelKeyRejected (401) or ChannelKeyScopeMissing (403); every refusal is audited
    with the key's public prefix only.
    """
    key = _find_key(raw.strip())
    if scope not in key.scopes:
        record_event(
            "channel_key.rejected",
            target=key,
            metadata={"prefix": key.prefix, "reason": "scope", "scope": scope},
        )
        raise ChannelKeyScopeMissing(scope)
    ChannelApiKey.objects.filter(pk=key.pk).update(last_used_at=clock.now())
    return key.channel


def _find_key(raw: str) -> ChannelApiKey:
    marker, _sep, rest = raw.partition("_")
    prefix, _sep, secret = rest.partition("_")
    if marker != CHANNEL_KEY_MARKER or not prefix or not secret:
        raise _rejected("malformed", prefix="")
    key = ChannelApiKey.objects.select_related("channel").filter(prefix=prefix).first()
    if key is None or not secrets.compare_digest(key.secret_hash, _hash_secret(secret)):
        raise _rejected("unknown", prefix=prefix[:16])
    if key.revoked_at is not None or not key.is_active:
        raise _rejected("revoked", prefix=prefix)
    if not key.channel.is_active:
        raise _rejected("channel_inactive", prefix=prefix)
    return key


def _rejected(reason: str, *, prefix: str) -> ChannelKeyRejected:
    record_event("channel_key.rejected", metadata={"prefix": prefix, "reason": reason})
    return ChannelKeyRejected(reason)
