from __future__ import annotations

from typing import Any

import pytest

from lendcrm.demo.org import ensure_demo_users
from lendcrm.identity.access import AUTHENTICATED, requirement_for_page
from lendcrm.identity.models import User
from lendcrm.ui import navigation
from lendcrm.ui.navigation import NAV_ITEMS, NavItem, items_for, sections_for, url_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_users() -> dict[str, User]:
    return ensure_demo_users()


def _labels(user: Any) -> list[str]:
    return [str(item["label"]) for item in items_for(user)]


def test_sales_see_customers_but_not_the_audit_log(demo_users: dict[str, User]) -> None:
    labels = _labels(demo_users["sales1"])

    assert "客户" in labels
    assert "审计日志" not in labels


def test_the_auditor_sees_the_audit_log_but_not_customers(demo_users: dict[str, User]) -> None:
    labels = _labels(demo_users["auditor"])

    assert "审计日志" in labels
    assert "客户" not in labels


def test_every_signed_in_user_gets_the_home_page_first(demo_users: dict[str, User]) -> None:
    firsts = {username: items_for(user)[0]["key"] for username, user in demo_users.items()}

    assert set(firsts.values()) == {"home"}


def test_items_whose_page_does_not_exist_yet_are_left_out(
    demo_users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    ghost = NavItem("ghost", "未上线", "ghost:list", None, "risk", "question")
    monkeypatch.setattr(navigation, "NAV_ITEMS", (*NAV_ITEMS, ghost))

    keys = [item["key"] for item in items_for(demo_users["admin"])]

    assert "ghost" not in keys
    assert "home" in keys


def test_sections_keep_their_order_and_drop_empty_ones(
    demo_users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    by_key = {item.key: item for item in NAV_ITEMS}
    monkeypatch.setattr(
        navigation, "NAV_ITEMS", (by_key["audit"], by_key["customers"], by_key["home"])
    )

    sections = sections_for(demo_users["admin"])

    assert [s["key"] for s in sections] == ["overview", "acquisition", "system"]
    assert [str(s["label"]) for s in sections] == ["概览", "获客", "系统"]


def test_the_current_page_is_marked_active(demo_users: dict[str, User]) -> None:
    items = items_for(demo_users["admin"], current_path="/customers/42/")

    active = [item["key"] for item in items if item["active"]]
    assert active == ["customers"]


def test_each_routed_item_asks_for_the_capability_its_page_requires() -> None:
    routed = [item for item in NAV_ITEMS if url_of(item) is not None]

    mismatched = [
        item.key
        for item in routed
        if requirement_for_page(item.url_name) != (item.capability or AUTHENTICATED)
    ]
    assert routed
    assert mismatched == []
