"""TOTP two-factor authentication (django-otp): who needs it, enrolment and verification."""

from __future__ import annotations

import re
from base64 import b32encode
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from lendcrm.audit.services import diff_fields, record_event
from lendcrm.core.errors import DomainError
from lendcrm.identity.choices import Role
from lendcrm.identity.models import RoleSecurityPolicy, User
from lendcrm.identity.roles import roles_of

DEVICE_NAME = "authenticator"


class SecondFactorRefused(DomainError):
    """The one-time code is missing, wrong, reused or throttled."""

    status_code = 401


class SecondFactorNotEnrolled(DomainError):
    status_code = 403


def requires_two_factor(user: User) -> bool:
    roles = [role.value for role in roles_of(user)]
    if not roles:
        return False
    return RoleSecurityPolicy.objects.filter(role__in=roles, require_2fa=True).exists()


def confirmed_device(user: User) -> TOTPDevice | None:
    device: TOTPDevice | None = (
        TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    )
    return device


def is_enrolled(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    secret: str
    qr_svg: str


def pending_enrolment(user: User) -> Enrolment:
    """The user's unconfirmed device (created on first visit) with its secret and QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return Enrolment(device=device, secret=secret, qr_svg=qr_code_svg(device.config_url))


def qr_code_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10)
    svg: str = image.to_string(encoding="unicode")
    # The library sizes the image in millimetres; let the page size it instead.
    return re.sub(r'width="[^"]*" height="[^"]*"', 'width="100%" height="100%"', svg, count=1)


def confirm_enrolment(request: HttpRequest, user: User, *, code: str) -> TOTPDevice:
    """Confirm the pending device with a first code and mark this session as verified."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        raise SecondFactorNotEnrolled(_("请先打开绑定页面获取密钥"), field="otp")
    _verify(device, user, code=code, via="ui", stage="enrol")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        record_event("otp.enrolled", actor=user, target=user)
    _mark_session_verified(request, device)
    return device


def verify_session(request: HttpRequest, user: User, *, code: str) -> TOTPDevice:
    """The TOTP step after the password on the login page."""
    device = confirmed_device(user)
    if device is None:
        raise SecondFactorNotEnrolled(_("尚未绑定验证器"), field="otp")
    _verify(device, user, code=code, via="ui", stage="login")
    record_event("otp.verified", actor=user, metadata={"via": "ui"})
    _mark_session_verified(request, device)
    return device


def _mark_session_verified(request: HttpRequest, device: TOTPDevice) -> None:
    request.session.cycle_key()  # a new session id once the session gains the second factor
    otp_login(request, device)


def check_api_second_factor(user: User, *, code: str | None) -> str:
    """For the token endpoint: "not_required", or "verified" when the code is right."""
    if not requires_two_factor(user):
        return "not_required"
    device = confirmed_device(user)
    if device is None:
        record_event("otp.failed", actor=user, metadata={"via": "api", "reason": "not_enrolled"})
        raise SecondFactorNotEnrolled(
            _("该账户须先在网页端绑定两步验证器，才能申请 API 令牌"), field="otp"
        )
    if not code:
        record_event("otp.failed", actor=user, metadata={"via": "api", "reason": "missing"})
        raise SecondFactorRefused(_("该账户须提供两步验证码（otp 字段）"), field="otp")
    _verify(device, user, code=code, via="api", stage="login")
    record_event("otp.verified", actor=user, metadata={"via": "api"})
    return "verified"


def _verify(device: TOTPDevice, user: User, *, code: str, via: str, stage: str) -> None:
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        record_event(
            "otp.failed", actor=user, metadata={"via": via, "stage": stage, "reason": "throttled"}
        )
        raise SecondFactorRefused(_("验证码错误次数过多，请稍后再试"), field="otp")
    if not device.verify_token(code.strip()):
        record_event(
            "otp.failed", actor=user, metadata={"via": via, "stage": stage, "reason": "invalid"}
        )
        raise SecondFactorRefused(_("验证码不正确或已过期"), field="otp")


def set_role_two_factor(role: Role, *, require: bool, acting_user: User) -> RoleSecurityPolicy:
    with transaction.atomic():
        policy, _created = RoleSecurityPolicy.objects.select_for_update().get_or_create(
            role=role.value
        )
        before = {"require_2fa": policy.require_2fa}
        policy.require_2fa = require
        policy.save(update_fields=["require_2fa", "updated_at"])
        changes = diff_fields(before, {"require_2fa": require})
        if changes:
            record_event(
                "role_policy.updated",
                actor=acting_user,
                target=policy,
                changes=changes,
                metadata={"role": role.value},
            )
    return policy


def reset_two_factor(user: User, *, acting_user: User) -> int:
    """Remove a user's authenticators (lost phone); they enrol again at next sign-in."""
    with transaction.atomic():
        deleted = int(TOTPDevice.objects.filter(user=user).delete()[0])
        record_event("otp.reset", actor=acting_user, target=user, metadata={"devices": deleted})
    return deleted
