"""Factories for users, org units and API tokens (reusable by every app)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

from lendcrm.identity.choices import OrgUnitKind, Role
from lendcrm.identity.models import OrgUnit, User
from lendcrm.identity.services import IssuedToken, assign_roles, issue_api_token

PASSWORD = "correct-horse-battery"


class BranchFactory(DjangoModelFactory[OrgUnit]):
    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"BR{n:03d}")
    name = factory.Sequence(lambda n: f"第{n}分公司")
    kind = OrgUnitKind.BRANCH


class TeamFactory(DjangoModelFactory[OrgUnit]):
    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.Sequence(lambda n: f"北京电销{n}组")
    kind = OrgUnitKind.TEAM
    parent = factory.SubFactory(BranchFactory)


OrgUnitFactory = TeamFactory


class UserFactory(DjangoModelFactory[User]):
    """`UserFactory(roles=[Role.SALES])`; the password is PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    display_name = factory.Sequence(lambda n: f"员工{n}")
    password = factory.django.Password(PASSWORD)
    team = factory.SubFactory(TeamFactory)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs: Any) -> None:
        if create and extracted:
            assign_roles(self, list(extracted))


def confirmed_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def current_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the user's authenticator app shows now (or `steps_ahead` periods later)."""
    device.refresh_from_db()
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{code:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = {current_code(device, steps_ahead=offset) for offset in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def token_for(user: User, *, ttl: timedelta | None = None) -> IssuedToken:
    return issue_api_token(user, ttl=ttl)
