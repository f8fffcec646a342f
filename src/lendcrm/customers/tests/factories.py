"""Factories for customers (reusable by every app); people and org units come from identity."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from factory.django import DjangoModelFactory

from lendcrm.core.cn_ids import id_check_char
from lendcrm.customers.choices import Gender, TagKind
from lendcrm.customers.models import Customer, Tag
from lendcrm.identity.tests.factories import PASSWORD as TEST_PASSWORD
from lendcrm.identity.tests.factories import BranchFactory, TeamFactory, UserFactory
from lendcrm.leads.choices import ChannelKind
from lendcrm.leads.models import Channel, Lead

__all__ = [
    "TEST_PASSWORD",
    "BranchFactory",
    "ChannelFactory",
    "CustomerFactory",
    "LeadFactory",
    "TagFactory",
    "TeamFactory",
    "UserFactory",
    "valid_id_number",
    "valid_mobile",
]


def valid_id_number(n: int, *, region: str = "110105") -> str:
    """A valid 18-character ID number (GB 11643 check digit), different for every n."""
    birth = date(1970, 1, 1) + timedelta(days=(n * 37) % 12000)
    first17 = f"{region}{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + id_check_char(first17)


def valid_mobile(n: int) -> str:
    return f"1{3 + n % 7}{(n * 7919) % 10**9:09d}"


class CustomerFactory(DjangoModelFactory[Customer]):
    """A customer with a valid ID number and mobile; `owner=` also sets its team and branch."""

    class Meta:
        model = Customer

    customer_no = factory.Sequence(lambda n: f"C{n:09d}")
    name = factory.Faker("name", locale="zh_CN")
    id_number = factory.Sequence(valid_id_number)
    birth_date = factory.LazyAttribute(
        lambda c: date(int(c.id_number[6:10]), int(c.id_number[10:12]), int(c.id_number[12:14]))
    )
    gender = factory.LazyAttribute(
        lambda c: Gender.MALE if int(c.id_number[16]) % 2 else Gender.FEMALE
    )
    mobile = factory.Sequence(valid_mobile)
    province = "北京市"
    city = "北京市"
    address = factory.Sequence(lambda n: f"北京市朝阳区建国路{n + 1}号院3号楼{n % 20 + 1}01室")
    hukou_address = "河北省石家庄市长安区中山东路18号"
    monthly_income = factory.Faker(
        "pydecimal", left_digits=5, right_digits=2, positive=True, min_value=3000, max_value=60000
    )
    owner = None
    team = factory.LazyAttribute(lambda c: c.owner.team if c.owner else None)
    branch = factory.LazyAttribute(lambda c: c.team.parent if c.team else None)


class ChannelFactory(DjangoModelFactory[Channel]):
    class Meta:
        model = Channel
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ch{n}")
    name = factory.Sequence(lambda n: f"渠道{n}")
    kind = ChannelKind.values[0]


class LeadFactory(DjangoModelFactory[Lead]):
    """A lead with a valid mobile and ID number; `owner=` also sets its team and branch."""

    class Meta:
        model = Lead

    name = factory.Sequence(lambda n: f"张{n}")
    mobile = factory.Sequence(lambda n: valid_mobile(n + 500))
    id_number = factory.Sequence(lambda n: valid_id_number(n + 500))
    city = "北京市"
    channel = factory.SubFactory(ChannelFactory)
    campaign = "百度信息流-2024Q2"
    owner = None
    team = factory.LazyAttribute(lambda c: c.owner.team if c.owner else None)
    branch = factory.LazyAttribute(lambda c: c.team.parent if c.team else None)


class TagFactory(DjangoModelFactory[Tag]):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"标签{n}")
    kind = TagKind.MANUAL
