"""The demo organisation: branches, teams, one agency, and one user per role."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from lendcrm.identity.choices import OrgUnitKind, Role
from lendcrm.identity.models import OrgUnit, User
from lendcrm.identity.services import assign_roles, sync_roles


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    display_name: str
    team_code: str


ORG_UNITS: tuple[tuple[str, str, OrgUnitKind, str | None], ...] = (
    ("HQ", "总部", OrgUnitKind.HEAD_OFFICE, None),
    ("BJ", "北京分公司", OrgUnitKind.BRANCH, "HQ"),
    ("SH", "上海分公司", OrgUnitKind.BRANCH, "HQ"),
    ("BJ-SALES-1", "北京电销一组", OrgUnitKind.TEAM, "BJ"),
    ("BJ-SALES-2", "北京电销二组", OrgUnitKind.TEAM, "BJ"),
    ("SH-SALES-1", "上海电销一组", OrgUnitKind.TEAM, "SH"),
    ("BJ-REVIEW", "北京信审组", OrgUnitKind.TEAM, "BJ"),
    ("BJ-COLLECT", "北京催收组", OrgUnitKind.TEAM, "BJ"),
    ("HQ-RISK", "风控策略部", OrgUnitKind.TEAM, "HQ"),
    ("HQ-COMPLIANCE", "合规审计部", OrgUnitKind.TEAM, "HQ"),
    ("AG-HUIXIN", "汇信委外催收有限公司", OrgUnitKind.AGENCY, "HQ"),
)

DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", Role.ADMIN, "系统管理员", "HQ"),
    DemoUser("sales1", Role.SALES, "王晓明", "BJ-SALES-1"),
    DemoUser("sales2", Role.SALES, "李娜", "BJ-SALES-1"),
    DemoUser("sales3", Role.SALES, "何佳怡", "BJ-SALES-2"),
    DemoUser("sales4", Role.SALES, "罗志强", "BJ-SALES-2"),
    DemoUser("sales5", Role.SALES, "沈雨婷", "SH-SALES-1"),
    DemoUser("sales6", Role.SALES, "陆俊杰", "SH-SALES-1"),
    DemoUser("sales_manager", Role.SALES_MANAGER, "张伟", "BJ-SALES-1"),
    DemoUser("reviewer1", Role.REVIEWER, "刘洋", "BJ-REVIEW"),
    DemoUser("reviewer2", Role.REVIEWER, "陈静", "BJ-REVIEW"),
    DemoUser("review_supervisor", Role.REVIEW_SUPERVISOR, "杨帆", "BJ-REVIEW"),
    DemoUser("review_director", Role.REVIEW_DIRECTOR, "赵磊", "HQ-RISK"),
    DemoUser("committee1", Role.COMMITTEE, "黄建国", "HQ"),
    DemoUser("committee2", Role.COMMITTEE, "周敏", "HQ"),
    DemoUser("risk_analyst", Role.RISK_ANALYST, "吴昊", "HQ-RISK"),
    DemoUser("risk_analyst2", Role.RISK_ANALYST, "郑洁", "HQ-RISK"),  # the strategy checker
    DemoUser("collector1", Role.COLLECTOR, "徐强", "BJ-COLLECT"),
    DemoUser("collection_manager", Role.COLLECTION_MANAGER, "孙丽", "BJ-COLLECT"),
    DemoUser("agency1", Role.AGENCY, "马超", "AG-HUIXIN"),
    DemoUser("qa1", Role.QA, "胡婷", "HQ-COMPLIANCE"),
    DemoUser("auditor", Role.AUDITOR, "郭审计", "HQ-COMPLIANCE"),
)


def demo_password() -> str:
    password = settings.LENDCRM_DEMO_PASSWORD
    if not password:
        raise RuntimeError("LENDCRM_DEMO_PASSWORD: required to create demo users in production")
    return str(password)


@transaction.atomic
def ensure_org_units() -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    for code, name, kind, parent in ORG_UNITS:
        units[code], _ = OrgUnit.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "parent": units.get(parent or "")}
        )
    return units


@transaction.atomic
def ensure_demo_users() -> dict[str, User]:
    """Create the demo users once; an existing user keeps its password."""
    sync_roles()
    units = ensure_org_units()
    users: dict[str, User] = {}
    password_hash = ""
    for spec in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "display_name": spec.display_name,
                "team": units[spec.team_code],
                "is_staff": spec.role == Role.ADMIN,
                "is_superuser": spec.role == Role.ADMIN,
            },
        )
        if created:
            # One slow (Argon2) hash serves every demo user: they share a published password.
            password_hash = password_hash or make_password(demo_password())
            user.password = password_hash
            user.save(update_fields=["password"])
        assign_roles(user, [spec.role])
        users[spec.username] = user
    return users
