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


class InteractionKind(models.TextChoices):
    CALL = "call", _("电话")
    SMS = "sms", _("短信")
    APP_EVENT = "app_event", _("App 行为")
    MEETING = "meeting", _("面谈")
    ASSIGNMENT = "assignment", _("分配")
    STAGE_CHANGE = "stage_change", _("阶段变更")
    APPLICATION = "application", _("进件")
    FOLLOW_UP = "follow_up", _("跟进")
    NOTE = "note", _("备注")
    TAG = "tag", _("标签")
    CONVERSION = "conversion", _("转为客户")


class TagKind(models.TextChoices):
    MANUAL = "manual", _("手工")
    AUTO = "auto", _("自动")


class TagSource(models.TextChoices):
    MANUAL = "manual", _("手工添加")
    RULE = "rule", _("规则生成")


class ContactKind(models.TextChoices):
    MOBILE = "mobile", _("手机号")
    EMERGENCY = "emergency", _("紧急联系人")


class ContactRelation(models.TextChoices):
    SELF = "self", _("本人")
    SPOUSE = "spouse", _("配偶")
    PARENT = "parent", _("父母")
    CHILD = "child", _("子女")
    SIBLING = "sibling", _("兄弟姐妹")
    RELATIVE = "relative", _("其他亲属")
    FRIEND = "friend", _("朋友")
    COLLEAGUE = "colleague", _("同事")


class RealEstateKind(models.TextChoices):
    APARTMENT = "apartment", _("住宅")
    VILLA = "villa", _("别墅")
    SHOP = "shop", _("商铺")
    OFFICE = "office", _("写字楼")
    OTHER = "other", _("其他")
