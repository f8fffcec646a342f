"""The pure generator: deterministic, valid identifiers, consistent records. No database."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.core.cn_ids import age_on, parse_id_number, validate_mobile
from lendcrm.demo.assignment import BRANCH_OF, SALES_BY_TEAM
from lendcrm.demo.catalogue import CHANNEL_BY_CODE, PRODUCT_BY_CODE, campaign_for
from lendcrm.demo.data.divisions import CITIES, DIVISIONS
from lendcrm.demo.households import MAX_SEED, customer_no, generate_customer, generate_household
from lendcrm.demo.journey import CHINA, LEAD_STATUS_OF, horizon
from lendcrm.demo.org import DEMO_USERS
from lendcrm.demo.pipeline import application_no, lead_key
from lendcrm.demo.profiles import Household
from lendcrm.leads.choices import LeadStatus

AS_OF = date(2025, 6, 30)
SEED = 77


@pytest.fixture(scope="module")
def households() -> list[Household]:
    return [generate_household(SEED, index, as_of=AS_OF) for index in range(1, 401)]


@pytest.mark.smoke
def test_the_same_seed_and_index_always_give_the_same_household() -> None:
    first = [generate_household(SEED, index, as_of=AS_OF) for index in (1, 2, 999)]
    again = [generate_household(SEED, index, as_of=AS_OF) for index in (999, 2, 1)]
    assert first == list(reversed(again))
    assert generate_household(SEED + 1, 1, as_of=AS_OF) != first[0]


@pytest.mark.smoke
def test_a_customer_alone_is_the_customer_of_its_household() -> None:
    assert (
        generate_customer(SEED, 5, as_of=AS_OF) == generate_household(SEED, 5, as_of=AS_OF).customer
    )


@pytest.mark.smoke
def test_every_id_number_is_valid_and_matches_the_person(households: list[Household]) -> None:
    people = [(h.customer.id_number, h.customer.birth_date, h.customer.gender) for h in households]
    prospects = [lead.id_number for h in households for lead in h.leads if lead.id_number]
    for id_number, birth_date, gender in people:
        facts = parse_id_number(id_number, on=AS_OF)
        assert (facts.birth_date, facts.gender) == (birth_date, gender)
        assert facts.region_code in DIVISIONS
        assert 20 <= age_on(birth_date, AS_OF) < 60
    for id_number in prospects:
        assert parse_id_number(id_number, on=AS_OF).region_code in DIVISIONS


@pytest.mark.smoke
def test_mobiles_are_valid_and_unique_per_person(households: list[Household]) -> None:
    by_person = {lead.mobile: lead.name for h in households for lead in h.leads}
    by_person.update({h.customer.mobile: h.customer.name for h in households})
    for mobile in by_person:
        assert validate_mobile(mobile) == mobile
    people = {h.customer.customer_no for h in households} | {
        lead.seed_key for h in households for lead in h.leads if lead.duplicate_of is None
    }
    converted = sum(1 for h in households for lead in h.leads if lead.customer_no)
    assert len(by_person) == len(people) - converted


@pytest.mark.smoke
def test_division_table_holds_real_codes_with_consistent_prefixes() -> None:
    assert DIVISIONS["110105"].full_name == "北京市朝阳区"
    assert DIVISIONS["310115"].full_name == "上海市浦东新区"
    assert DIVISIONS["440305"].full_name == "广东省深圳市南山区"
    assert DIVISIONS["330106"].full_name == "浙江省杭州市西湖区"
    assert DIVISIONS["441900"].full_name == "广东省东莞市"
    assert len(DIVISIONS) >= 300
    for city in CITIES:
        assert len({d.code[:4] for d in city.divisions}) == 1, city.city
    provinces: dict[str, set[str]] = {}
    for division in DIVISIONS.values():
        assert len(division.code) == 6
        assert division.code.isdigit()
        provinces.setdefault(division.province, set()).add(division.code[:2])
    assert all(len(prefixes) == 1 for prefixes in provinces.values())


@pytest.mark.smoke
def test_natural_keys_fit_their_columns_for_the_largest_seed() -> None:
    assert len(customer_no(MAX_SEED - 1, 99_999_999)) <= 24
    assert len(application_no(MAX_SEED - 1, 99_999_999, 2)) <= 24
    assert len(lead_key(MAX_SEED - 1, 99_999_999, 7)) <= 40


@pytest.mark.smoke
def test_events_happen_in_order_and_never_after_the_horizon(households: list[Household]) -> None:
    end = horizon(AS_OF)
    for h in households:
        own = [lead for lead in h.leads if lead.customer_no]
        assert all(lead.created_at <= h.customer.created_at for lead in own)
        assert all(lead.created_at <= end for lead in h.leads)
        for app in h.applications:
            stamps = [h.customer.created_at, app.created_at, app.submitted_at, app.decided_at]
            present = [s for s in stamps if s is not None]
            assert present == sorted(present)
            assert present[-1] <= end


@pytest.mark.smoke
def test_applications_fit_their_product(households: list[Household]) -> None:
    applications = [a for h in households for a in h.applications]
    assert len({a.status for a in applications}) >= 6
    for app in applications:
        product = PRODUCT_BY_CODE[app.product]
        assert product.min_amount <= app.amount <= product.max_amount
        assert app.term in product.terms
        assert app.repayment_method in product.repayment_methods
        assert (app.decided_at is not None) == (
            app.status
            in (ApplicationStatus.APPROVED, ApplicationStatus.DECLINED, ApplicationStatus.DISBURSED)
        )


@pytest.mark.smoke
def test_converted_lead_status_follows_the_first_application(households: list[Household]) -> None:
    for h in households:
        own = next((lead for lead in h.leads if lead.customer_no), None)
        if own is None:
            continue
        assert own.customer_no == h.customer.customer_no
        if h.applications:
            assert own.status == LEAD_STATUS_OF[ApplicationStatus(h.applications[0].status)]
        else:
            assert own.status in (LeadStatus.INTERESTED, LeadStatus.PREPARING)


@pytest.mark.smoke
def test_collisions_repeat_an_earlier_lead_of_the_same_person(
    households: list[Household],
) -> None:
    collisions = 0
    for h in households:
        by_key = {lead.seed_key: lead for lead in h.leads}
        for lead in h.leads:
            if lead.duplicate_of is None:
                continue
            original = by_key[lead.duplicate_of]
            assert (lead.mobile, lead.name) == (original.mobile, original.name)
            assert lead.created_at >= original.created_at
            assert lead.customer_no is None
            collisions += 1
    assert collisions > 0


@pytest.mark.smoke
def test_records_are_owned_consistently_by_demo_sales_users(households: list[Household]) -> None:
    teams = {user.username: user.team_code for user in DEMO_USERS}
    assignments = [h.customer.assignment for h in households]
    assignments += [lead.assignment for h in households for lead in h.leads]
    owned = [a for a in assignments if a.owner is not None]
    assert 0.6 < len(owned) / len(assignments) < 0.98
    for a in owned:
        assert a.owner in SALES_BY_TEAM[teams[a.owner]]
        assert (a.team, a.branch) == (teams[a.owner], BRANCH_OF[teams[a.owner]])
    assert {a.owner for a in owned} >= {"sales1", "sales2"}


@pytest.mark.smoke
def test_campaign_names_follow_the_channel_and_period() -> None:
    baidu = campaign_for(
        CHANNEL_BY_CODE["BAIDU-FEED"], datetime(2024, 5, 10, tzinfo=CHINA), branch_city="北京"
    )
    salon = campaign_for(
        CHANNEL_BY_CODE["SALON"], datetime(2025, 3, 2, tzinfo=CHINA), branch_city="上海"
    )
    assert (baidu, salon) == ("百度信息流-2024Q2", "线下沙龙-上海-2025-03")


@pytest.mark.smoke
def test_assigned_leads_are_called_after_assignment_and_dropped_for_a_reason(
    households: list[Household],
) -> None:
    for h in households:
        for lead in h.leads:
            assert (lead.assigned_at is not None) == (lead.assignment.owner is not None)
            if lead.assigned_at is not None:
                assert lead.created_at <= lead.assigned_at <= horizon(AS_OF)
            if lead.first_contact_at is not None:
                assert lead.assigned_at is not None
                assert lead.assigned_at <= lead.first_contact_at
            if lead.customer_no is not None and lead.first_contact_at is not None:
                assert lead.first_contact_at <= h.customer.created_at
            assert bool(lead.invalid_reason) == (lead.status == LeadStatus.INVALID)
