from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    SALES = "sales", _("电销顾问/客户经理")
    SALES_MANAGER = "sales_manager", _("销售主管")
    REVIEWER = "reviewer", _("信审员")
    REVIEW_SUPERVISOR = "review_supervisor", _("信审主管")
    REVIEW_DIRECTOR = "review_director", _("信审总监")
    COMMITTEE = "committee", _("贷审会委员")
    RISK_ANALYST = "risk_analyst", _("风控策略")
    COLLECTOR = "collector", _("催收员")
    COLLECTION_MANAGER = "collection_manager", _("催收主管")
    AGENCY = "agency", _("委外机构")
    QA = "qa", _("质检员")
    AUDITOR = "auditor", _("审计员")


class DataScope(models.IntegerChoices):
    """Ordered from narrowest to widest; a user with several roles gets the widest."""

    AGENCY = 5, _("本委外机构")
    OWN = 10, _("本人")
    TEAM = 20, _("本团队")
    BRANCH = 30, _("本分支机构")
    ALL = 40, _("全部")


class OrgUnitKind(models.TextChoices):
    HEAD_OFFICE = "head_office", _("总部")
    BRANCH = "branch", _("分支机构")
    TEAM = "team", _("团队")
    AGENCY = "agency", _("委外机构")


class TokenStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已吊销")
