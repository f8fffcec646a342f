"""Occupations with their employment type, income level, positions and kind of employer."""

from __future__ import annotations

from dataclasses import dataclass

from lendcrm.customers.choices import Education, EmploymentType


@dataclass(frozen=True, slots=True)
class Occupation:
    name: str
    employment_type: EmploymentType
    median_income: int  # CNY a month in a tier-2 city, college education, mid career
    sigma: float  # spread of log income
    positions: tuple[str, ...]  # from junior to senior
    employer_kind: str  # key of EMPLOYER_PATTERNS in demo/places.py
    industry: str
    education: str  # key of EDUCATION_MIX
    weight: float
    stability: float  # 0 (precarious) … 1 (very stable): feeds the latent risk


E = EmploymentType
OCCUPATIONS: tuple[Occupation, ...] = (
    Occupation("软件工程师", E.EMPLOYEE, 16000, 0.40, ("初级工程师", "工程师", "高级工程师", "技术经理", "架构师"), "company", "科技", "high", 6, 0.7),
    Occupation("产品经理", E.EMPLOYEE, 15000, 0.40, ("产品专员", "产品经理", "高级产品经理", "产品总监"), "company", "信息技术", "high", 2, 0.7),
    Occupation("电商运营", E.EMPLOYEE, 9000, 0.40, ("运营专员", "运营主管", "运营经理"), "company", "电子商务", "mid", 4, 0.5),
    Occupation("销售代表", E.EMPLOYEE, 8000, 0.55, ("销售专员", "销售主管", "区域经理", "大客户经理"), "company", "商贸", "mid", 8, 0.45),
    Occupation("行政文员", E.EMPLOYEE, 5500, 0.30, ("行政专员", "前台", "行政主管"), "company", "企业管理咨询", "mid", 6, 0.6),
    Occupation("会计", E.EMPLOYEE, 7500, 0.35, ("出纳", "会计", "主办会计", "财务经理"), "company", "实业", "mid", 5, 0.7),
    Occupation("人力资源专员", E.EMPLOYEE, 8000, 0.35, ("招聘专员", "人事主管", "人力资源经理"), "company", "人力资源服务", "mid", 2, 0.6),
    Occupation("银行职员", E.EMPLOYEE, 11000, 0.40, ("柜员", "客户经理", "理财经理", "支行副行长"), "bank", "金融", "high", 3, 0.85),
    Occupation("国企职员", E.EMPLOYEE, 10000, 0.30, ("职员", "主管", "部门副经理", "部门经理"), "soe", "投资", "high", 4, 0.9),
    Occupation("房产经纪人", E.EMPLOYEE, 9000, 0.65, ("置业顾问", "高级置业顾问", "店长"), "company", "房地产经纪", "mid", 3, 0.35),
    Occupation("保险代理人", E.EMPLOYEE, 7000, 0.65, ("保险代理人", "业务主管", "营业部经理"), "company", "保险代理", "mid", 2, 0.35),
    Occupation("工厂操作工", E.EMPLOYEE, 5500, 0.25, ("操作工", "质检员", "班组长", "车间主任"), "company", "电子制造", "low", 9, 0.55),
    Occupation("建筑工人", E.EMPLOYEE, 7000, 0.30, ("普工", "钢筋工", "木工", "施工员"), "company", "建设工程", "low", 5, 0.35),
    Occupation("快递员", E.EMPLOYEE, 7000, 0.25, ("快递员", "站点主管"), "company", "物流", "low", 4, 0.45),
    Occupation("餐饮服务员", E.EMPLOYEE, 4500, 0.25, ("服务员", "领班", "店长"), "company", "餐饮管理", "low", 5, 0.35),
    Occupation("公务员", E.CIVIL_SERVANT, 9000, 0.25, ("科员", "副主任科员", "主任科员", "副科长", "科长"), "government", "", "high", 3, 1.0),
    Occupation("教师", E.CIVIL_SERVANT, 8000, 0.25, ("教师", "班主任", "教研组长", "副校长"), "school", "", "high", 4, 0.95),
    Occupation("医生", E.CIVIL_SERVANT, 14000, 0.40, ("住院医师", "主治医师", "副主任医师", "主任医师"), "hospital", "", "top", 2, 0.95),
    Occupation("护士", E.CIVIL_SERVANT, 8000, 0.30, ("护士", "护师", "主管护师", "护士长"), "hospital", "", "mid", 3, 0.9),
    Occupation("个体店主", E.SELF_EMPLOYED, 10000, 0.70, ("店主", "经营者"), "shop", "", "low", 7, 0.35),
    Occupation("个体货运司机", E.SELF_EMPLOYED, 9000, 0.45, ("车主司机",), "none", "", "low", 2, 0.3),
    Occupation("企业主", E.BUSINESS_OWNER, 25000, 0.80, ("股东", "执行董事", "总经理", "法定代表人"), "company", "商贸", "mid", 4, 0.5),
    Occupation("外卖骑手", E.FREELANCER, 7500, 0.30, ("骑手", "站长"), "delivery", "", "low", 4, 0.25),
    Occupation("网约车司机", E.FREELANCER, 8000, 0.30, ("专职司机",), "none", "", "low", 3, 0.3),
    Occupation("自由设计师", E.FREELANCER, 9000, 0.75, ("独立设计师", "摄影师", "自媒体作者"), "none", "", "high", 2, 0.25),
)  # fmt: skip

_EDU = (
    Education.JUNIOR_HIGH,
    Education.HIGH_SCHOOL,
    Education.COLLEGE,
    Education.BACHELOR,
    Education.MASTER,
)
# weights over junior high, high school, college, bachelor, master
EDUCATION_MIX: dict[str, tuple[tuple[Education, ...], tuple[float, ...]]] = {
    "low": (_EDU, (45, 40, 12, 3, 0)),
    "mid": (_EDU, (6, 26, 38, 27, 3)),
    "high": (_EDU, (0, 2, 20, 62, 16)),
    "top": (_EDU, (0, 0, 4, 46, 50)),
}

EDUCATION_INCOME: dict[str, float] = {
    Education.JUNIOR_HIGH: 0.85,
    Education.HIGH_SCHOOL: 0.92,
    Education.COLLEGE: 1.0,
    Education.BACHELOR: 1.12,
    Education.MASTER: 1.3,
}

TIER_INCOME: dict[int, float] = {1: 1.45, 2: 1.15, 3: 0.95, 4: 0.82}
# Average price of housing per square metre by city tier (CNY), and car prices.
TIER_HOUSE_PRICE: dict[int, int] = {1: 62000, 2: 22000, 3: 12000, 4: 7500}
