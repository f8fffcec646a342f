from __future__ import annotations

import pytest

from lendcrm.leads.choices import ChannelKind
from lendcrm.leads.models import Channel


@pytest.fixture
def channel(db: None) -> Channel:
    return Channel.objects.create(code="baidu-feed", name="百度信息流", kind=ChannelKind.H5)


@pytest.fixture
def other_channel(db: None) -> Channel:
    return Channel.objects.create(code="offline-expo", name="车展", kind=ChannelKind.OFFLINE)
