"""User administration: the user list, roles/team changes and deactivation, all audited."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.identity.roles import roles_of
from lendcrm.identity.tests.conftest import events
from lendcrm.identity.tests.factories import OrgUnitFactory, UserFactory, confirmed_device

pytestmark = pytest.mark.django_db


def _list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("identity:users")).status_code == 200
    return len(queries)


def test_the_user_list_shows_team_roles_and_two_factor(admin_client: Client) -> None:
    team = OrgUnitFactory(name="上海电销一组")
    user = UserFactory(username="zhang", display_name="张伟", team=team, roles=[Role.SALES_MANAGER])
    confirmed_device(user)

    page = admin_client.get(reverse("identity:users")).content.decode()

    row = page[page.index('data-user="zhang"') :].split("</tr>")[0]
    assert "张伟" in row
    assert "上海电销一组" in row
    assert "销售主管" in row
    assert "已绑定" in row


def test_the_user_list_filters_by_role_and_text(admin_client: Client) -> None:
    UserFactory(username="li", roles=[Role.REVIEWER])
    UserFactory(username="wang", roles=[Role.SALES])

    by_role = admin_client.get(reverse("identity:users"), {"role": "reviewer"}).content.decode()
    by_text = admin_client.get(reverse("identity:users"), {"q": "wan"}).content.decode()

    assert 'data-user="li"' in by_role
    assert 'data-user="wang"' not in by_role
    assert 'data-user="wang"' in by_text
    assert 'data-user="li"' not in by_text


def test_the_user_list_costs_the_same_queries_for_3_or_30_users(admin_client: Client) -> None:
    UserFactory.create_batch(2, roles=[Role.SALES])
    admin_client.get(reverse("identity:users"))  # the first request stamps the session
    few = _list_queries(admin_client)
    UserFactory.create_batch(27, roles=[Role.COLLECTOR])

    many = _list_queries(admin_client)

    assert few == many


def test_only_user_administrators_open_the_user_pages(sales_client: Client) -> None:
    other = UserFactory()

    assert sales_client.get(reverse("identity:users")).status_code == 403
    assert sales_client.get(reverse("identity:user", args=[other.pk])).status_code == 403


def test_changing_roles_and_team_is_audited_with_before_and_after(admin_client: Client) -> None:
    old_team, new_team = OrgUnitFactory(code="BJ-1"), OrgUnitFactory(code="SH-1")
    user = UserFactory(team=old_team, roles=[Role.SALES])

    response = admin_client.post(
        reverse("identity:user", args=[user.pk]),
        {"roles": ["sales_manager", "reviewer"], "team": new_team.pk, "is_active": "on"},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.team == new_team
    assert roles_of(User.objects.get(pk=user.pk)) == {Role.SALES_MANAGER, Role.REVIEWER}
    [event] = events("user.updated")
    assert event.actor_username == "admin1"
    assert event.object_id == str(user.pk)
    assert event.changes == {
        "roles": {"before": ["sales"], "after": ["reviewer", "sales_manager"]},
        "team": {"before": "BJ-1", "after": "SH-1"},
    }


def test_deactivating_a_user_is_audited_and_stops_their_session(admin_client: Client) -> None:
    user = UserFactory(roles=[Role.SALES])
    their_client = Client()
    their_client.force_login(user)

    admin_client.post(
        reverse("identity:user", args=[user.pk]), {"roles": ["sales"], "team": user.team_id}
    )

    assert events("user.updated")[0].changes == {"is_active": {"before": True, "after": False}}
    assert their_client.get(reverse("identity:tokens")).status_code == 302


def test_saving_without_changes_writes_no_audit_event(admin_client: Client) -> None:
    user = UserFactory(roles=[Role.SALES])

    admin_client.post(
        reverse("identity:user", args=[user.pk]),
        {"roles": ["sales"], "team": user.team_id, "is_active": "on"},
    )

    assert events("user.updated") == []


def test_an_administrator_cannot_deactivate_themselves(
    admin_client: Client, admin_user: User
) -> None:
    response = admin_client.post(
        reverse("identity:user", args=[admin_user.pk]),
        {"roles": ["admin"], "team": admin_user.team_id},
    )

    assert response.status_code == 400
    assert "不能停用自己的账户" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_active
    assert events("user.updated") == []


def test_an_administrator_cannot_drop_their_own_admin_role(
    admin_client: Client, admin_user: User
) -> None:
    response = admin_client.post(
        reverse("identity:user", args=[admin_user.pk]),
        {"roles": ["auditor"], "team": admin_user.team_id, "is_active": "on"},
    )

    assert response.status_code == 400
    assert "不能移除自己的系统管理员角色" in response.content.decode()


def test_an_unknown_role_is_refused(admin_client: Client) -> None:
    user = UserFactory(roles=[Role.SALES])

    response = admin_client.post(
        reverse("identity:user", args=[user.pk]), {"roles": ["superhero"], "is_active": "on"}
    )

    assert response.status_code == 400
    assert roles_of(User.objects.get(pk=user.pk)) == {Role.SALES}


def test_a_missing_user_is_404(admin_client: Client) -> None:
    assert admin_client.get(reverse("identity:user", args=[999999])).status_code == 404
