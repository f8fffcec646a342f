from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("未婚")
    MARRIED = "married", _("已婚")
    DIVORCED = "divorced", _("离异")
    WIDOWED = "widowed", _("丧偶")


class Education(models.TextChoices):
    JUNIOR_HIGH = "junior_high", _("初中及以下")
    HIGH_SCHOOL = "high_school", _("高中/中专")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    MASTER = "master", _("硕士及以上")


class HousingStatus(models.TextChoices):
    OWNED = "owned", _("自有住房无贷款")
    MORTGAGED = "mortgaged", _("自有住房有贷款")
    RENTED = "rented", _("租房")
    FAMILY = "family", _("与父母同住")
    DORMITORY = "dormitory", _("单位宿舍")


class EmploymentType(models.TextChoices):
    EMPLOYEE = "employee", _("受薪人士")
    CIVIL_SERVANT = "civil_servant", _("公务员/事业单位")
    SELF_EMPLOYED = "self_employed", _("个体工商户")
    BUSINESS_OWNER = "business_owner", _("企业主")
    FREELANCER = "freelancer", _("自由职业")
