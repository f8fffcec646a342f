from __future__ import annotations

from collections.abc import Callable

import pytest

from lendcrm.identity.choices import OrgUnitKind, Role
from lendcrm.identity.models import OrgUnit, User
from lendcrm.identity.services import assign_roles


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    """A user holding one role, in team T1 of branch B1 (agency users in agency A1)."""
    head = OrgUnit.objects.create(code="HQ", name="总部", kind=OrgUnitKind.HEAD_OFFICE)
    branch = OrgUnit.objects.create(code="B1", name="一分", kind=OrgUnitKind.BRANCH, parent=head)
    team = OrgUnit.objects.create(code="T1", name="一组", kind=OrgUnitKind.TEAM, parent=branch)
    agency = OrgUnit.objects.create(code="A1", name="委外", kind=OrgUnitKind.AGENCY, parent=head)

    def make(role: Role, username: str | None = None) -> User:
        user = User.objects.create_user(
            username=username or f"u_{role.value}",
            password="not-used-1234",
            team=agency if role == Role.AGENCY else team,
        )
        assign_roles(user, [role])
        return user

    return make
