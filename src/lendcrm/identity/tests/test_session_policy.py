"""Session expiry: idle after LENDCRM_SESSION_IDLE_MINUTES, absolute after SESSION_COOKIE_AGE."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lendcrm.core import clock
from lendcrm.identity.models import User
from lendcrm.identity.tests.conftest import events
from lendcrm.identity.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def move_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[timedelta], None]:
    """Set the application clock to START + offset."""

    def move(offset: timedelta) -> None:
        monkeypatch.setattr(clock, "now", lambda: START + offset)

    move(timedelta(0))
    return move


def _signed_in(user: User) -> Client:
    client = Client()
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _opens_tokens_page(client: Client) -> bool:
    return client.get(reverse("identity:tokens")).status_code == 200


def test_a_session_survives_activity_within_the_idle_limit(
    sales_user: User, move_clock: Callable[[timedelta], None]
) -> None:
    client = _signed_in(sales_user)
    opened = []
    for minutes in (20, 45, 70, 95):
        move_clock(timedelta(minutes=minutes))
        opened.append(_opens_tokens_page(client))

    assert opened == [True, True, True, True]
    assert events("session.expired") == []


def test_a_session_idle_for_more_than_30_minutes_ends(
    sales_user: User, move_clock: Callable[[timedelta], None]
) -> None:
    client = _signed_in(sales_user)
    move_clock(timedelta(minutes=31))

    response = client.get(reverse("identity:tokens"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("ui:login"))
    assert "_auth_user_id" not in client.session
    [event] = events("session.expired")
    assert event.actor_username == "sales1"
    assert event.metadata == {"reason": "idle"}


def test_the_login_page_explains_that_the_session_timed_out(
    sales_user: User, move_clock: Callable[[timedelta], None]
) -> None:
    client = _signed_in(sales_user)
    move_clock(timedelta(minutes=31))

    page = client.get(reverse("identity:tokens"), follow=True).content.decode()

    assert "会话已超时，请重新登录" in page


def test_the_idle_limit_is_a_setting(
    sales_user: User, move_clock: Callable[[timedelta], None], settings: Any
) -> None:
    settings.LENDCRM_SESSION_IDLE_MINUTES = 5
    client = _signed_in(sales_user)
    move_clock(timedelta(minutes=4))
    still_open = _opens_tokens_page(client)
    move_clock(timedelta(minutes=10))

    assert still_open
    assert not _opens_tokens_page(client)


def test_an_active_session_ends_eight_hours_after_sign_in(
    sales_user: User, move_clock: Callable[[timedelta], None]
) -> None:
    client = _signed_in(sales_user)
    for minutes in range(20, 8 * 60, 20):
        move_clock(timedelta(minutes=minutes))
        assert _opens_tokens_page(client)

    move_clock(timedelta(hours=8, minutes=1))

    assert not _opens_tokens_page(client)
    [event] = events("session.expired")
    assert event.metadata == {"reason": "absolute"}


def test_public_pages_are_not_affected_by_an_expired_session(
    sales_user: User, move_clock: Callable[[timedelta], None]
) -> None:
    client = _signed_in(sales_user)
    move_clock(timedelta(hours=2))

    response = client.get("/healthz")

    assert response.status_code == 200
