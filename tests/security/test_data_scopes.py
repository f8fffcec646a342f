"""Data scopes: own / team / branch / all / agency, applied by identity.scoping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from lendcrm.core.errors import NotFound
from lendcrm.customers.models import Customer
from lendcrm.identity.choices import OrgUnitKind, Role
from lendcrm.identity.models import OrgUnit, User
from lendcrm.identity.scoping import get_scoped, scoped

pytestmark = pytest.mark.django_db


def _customer(no: str, owner: User | None, team: OrgUnit | None) -> Customer:
    return Customer.objects.create(
        customer_no=no,
        name="测试",
        gender="M",
        birth_date=date(1990, 1, 1),
        id_number="11010519900101001X",
        mobile="13800000000",
        province="北京市",
        city="北京市",
        owner=owner,
        team=team,
        branch=team.parent if team else None,
    )


@pytest.fixture
def book(make_user: Callable[..., User]) -> dict[str, object]:
    """sales (own) and a colleague in T1; a stranger in T2 of the same branch; one in branch B2."""
    sales = make_user(Role.SALES)
    team1 = sales.team
    assert team1 is not None
    assert team1.parent is not None
    team2 = OrgUnit.objects.create(
        code="T2", name="二组", kind=OrgUnitKind.TEAM, parent=team1.parent
    )
    branch2 = OrgUnit.objects.create(
        code="B2", name="二分", kind=OrgUnitKind.BRANCH, parent=team1.parent.parent
    )
    team3 = OrgUnit.objects.create(code="T3", name="三组", kind=OrgUnitKind.TEAM, parent=branch2)
    colleague = User.objects.create_user(username="colleague", team=team1)
    stranger = User.objects.create_user(username="stranger", team=team2)
    return {
        "sales": sales,
        "mine": _customer("C1", sales, team1),
        "colleague": _customer("C2", colleague, team1),
        "same_branch": _customer("C3", stranger, team2),
        "other_branch": _customer("C4", None, team3),
    }


def _visible(user: User) -> set[str]:
    return set(scoped(Customer.objects.all(), user).values_list("customer_no", flat=True))


def test_own_scope_sees_only_own_records(book: dict[str, object]) -> None:
    assert _visible(book["sales"]) == {"C1"}  # type: ignore[arg-type]


def test_team_scope_sees_the_team(book: dict[str, object], make_user: Callable[..., User]) -> None:
    assert _visible(make_user(Role.SALES_MANAGER)) == {"C1", "C2"}


def test_branch_scope_sees_the_branch(
    book: dict[str, object], make_user: Callable[..., User]
) -> None:
    assert _visible(make_user(Role.REVIEWER)) == {"C1", "C2", "C3"}


def test_all_scope_sees_everything(book: dict[str, object], make_user: Callable[..., User]) -> None:
    assert _visible(make_user(Role.RISK_ANALYST)) == {"C1", "C2", "C3", "C4"}


def test_agency_scope_sees_no_customer_without_an_agency_column(
    book: dict[str, object], make_user: Callable[..., User]
) -> None:
    assert _visible(make_user(Role.AGENCY)) == set()


def test_user_without_role_sees_nothing(book: dict[str, object]) -> None:
    assert _visible(User.objects.create_user(username="nobody")) == set()


def test_widest_scope_wins_for_several_roles(
    book: dict[str, object], make_user: Callable[..., User]
) -> None:
    from lendcrm.identity.services import assign_roles

    user = make_user(Role.SALES, "both")
    assign_roles(user, [Role.SALES, Role.REVIEWER])
    assert _visible(user) == {"C1", "C2", "C3"}


def test_out_of_scope_object_is_not_found_not_forbidden(book: dict[str, object]) -> None:
    other = book["other_branch"]
    assert isinstance(other, Customer)
    with pytest.raises(NotFound):
        get_scoped(Customer.objects.all(), book["sales"], other.pk)
    with pytest.raises(NotFound):
        get_scoped(Customer.objects.all(), book["sales"], "not-a-number")
