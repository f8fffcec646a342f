"""Lifecycle (maker-checker, immutability, one live version, rollback), lists, decisions."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from lendcrm.audit.models import AuditEvent
from lendcrm.core import clock
from lendcrm.core.errors import Conflict, DomainError, PermissionDenied
from lendcrm.decisions import services
from lendcrm.decisions.choices import (
    DecisionArm,
    DeploymentMode,
    ListEntryKind,
    ListType,
    StrategyVersionStatus,
)
from lendcrm.decisions.models import DecisionRecord, ImmutableVersionError, StrategyVersion
from lendcrm.decisions.seeding import seed_default_strategy
from lendcrm.decisions.tests.factories import (
    make_approved,
    make_published,
    make_strategy,
    publish_default,
)
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User

pytestmark = pytest.mark.django_db
S = StrategyVersionStatus
ID_NUMBER = "110105199003070017"
APPLICANT = {
    "id_number": ID_NUMBER,
    "mobile": "13800138000",
    "province": "北京市",
    "monthly_income": 12000,
    "requested_amount": 30000,
    "identity_verified": True,
    "education": "bachelor",
    "housing": "owned",
    "employment_years": 5,
}


@pytest.fixture
def maker(make_user: Callable[..., User]) -> User:
    return make_user(Role.RISK_ANALYST)


@pytest.fixture
def checker(make_user: Callable[..., User]) -> User:
    return make_user(Role.RISK_ANALYST)


def test_the_author_cannot_approve_their_own_version(
    maker: User, small_definition: dict[str, Any]
) -> None:
    version = services.create_draft(
        make_strategy(maker), definition=small_definition, acting_user=maker
    )
    version = services.submit_version(version, acting_user=maker)
    with pytest.raises(PermissionDenied):
        services.approve_version(version, acting_user=maker)
    version.refresh_from_db()
    assert version.status == S.SUBMITTED


def test_a_second_person_approves_and_every_step_is_audited(
    maker: User, checker: User, small_definition: dict[str, Any]
) -> None:
    version = make_approved(make_strategy(maker), small_definition, maker=maker, checker=checker)
    assert version.status == S.APPROVED
    assert version.approved_by == checker
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "decisions.version_created",
        "decisions.version_submitted",
        "decisions.version_approved",
    } <= actions


def test_a_draft_with_a_malformed_cell_is_refused_with_its_position(
    maker: User, small_definition: dict[str, Any]
) -> None:
    small_definition["steps"][0]["table"]["rules"][0]["c1"] = "[22..55"
    with pytest.raises(DomainError) as caught:
        services.create_draft(make_strategy(maker), definition=small_definition, acting_user=maker)
    assert caught.value.problems[0].field == "step hard, row 1, column age"


def test_an_unknown_variable_is_refused_at_publish(
    maker: User, checker: User, small_definition: dict[str, Any]
) -> None:
    small_definition["steps"][0]["table"]["rules"][0]["c1"] = "> retirement_age"
    version = make_approved(make_strategy(maker), small_definition, maker=maker, checker=checker)
    with pytest.raises(DomainError) as caught:
        services.publish_version(version, acting_user=checker)
    assert "unknown input variable retirement_age" in caught.value.problems[0].message
    version.refresh_from_db()
    assert version.status == S.APPROVED


def test_a_submitted_or_published_definition_cannot_change(
    maker: User, checker: User, small_definition: dict[str, Any]
) -> None:
    deployment = make_published(
        make_strategy(maker), small_definition, maker=maker, checker=checker
    )
    version = StrategyVersion.objects.get(pk=deployment.champion_id)
    with pytest.raises(Conflict):
        services.update_draft(version, definition=small_definition, acting_user=maker)
    version.definition["steps"][0]["table"]["rules"][0]["c1"] = "< 18"
    with pytest.raises(ImmutableVersionError):
        version.save()
    with pytest.raises(ImmutableVersionError):
        version.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_to_change_a_frozen_definition(
    maker: User, checker: User, small_definition: dict[str, Any]
) -> None:
    deployment = make_published(
        make_strategy(maker), small_definition, maker=maker, checker=checker
    )
    changed = copy.deepcopy(small_definition)
    changed["inputs"][0]["required"] = False
    with pytest.raises(DatabaseError), transaction.atomic():
        StrategyVersion.objects.filter(pk=deployment.champion_id).update(definition=changed)


def test_one_version_is_live_and_publishing_an_older_one_rolls_back(
    maker: User, checker: User, small_definition: dict[str, Any]
) -> None:
    strategy = make_strategy(maker)
    first = make_published(strategy, small_definition, maker=maker, checker=checker).champion
    second_definition = copy.deepcopy(small_definition)
    second_definition["steps"][0]["table"]["rules"][0]["c1"] = "< 20, > 60"
    deployment = make_published(strategy, second_definition, maker=maker, checker=checker)
    first.refresh_from_db()
    assert deployment.champion.number == 2
    assert first.status == S.RETIRED
    rolled_back = services.publish_version(first, acting_user=checker)
    assert rolled_back.pk == deployment.pk
    assert rolled_back.champion_id == first.pk
    statuses = dict(strategy.versions.values_list("number", "status"))
    assert statuses == {1: S.PUBLISHED, 2: S.RETIRED}


def test_shadow_mode_runs_the_challenger_on_every_request_and_never_applies_it(
    maker: User, checker: User, small_definition: dict[str, Any]
) -> None:
    strategy = make_strategy(maker)
    deployment = make_published(strategy, small_definition, maker=maker, checker=checker)
    stricter = copy.deepcopy(small_definition)
    stricter["steps"][1]["table"]["rules"][0]["m1"] = ">= 50000"
    challenger = make_approved(strategy, stricter, maker=maker, checker=checker)
    services.set_challenger(
        deployment,
        challenger=challenger,
        share=Decimal(0),
        mode=DeploymentMode.SHADOW,
        acting_user=checker,
    )
    for n in range(5):
        result = services.pre_screen(
            acting_user=checker,
            payload={"age": 30 + n, "income": 20000, "mobile": f"1380000{n:04d}"},
        )
        assert result.record.arm == DecisionArm.CHAMPION
        assert result.record.outcome == "approve"
        assert result.shadow is not None
        assert result.shadow.applied is False
        assert result.shadow.outcome == "manual_review"
    assert DecisionRecord.objects.filter(applied=True).count() == 5
    assert DecisionRecord.objects.filter(arm=DecisionArm.SHADOW, applied=False).count() == 5


def test_the_split_sends_the_same_customer_to_the_same_arm(
    maker: User, checker: User, small_definition: dict[str, Any]
) -> None:
    strategy = make_strategy(maker)
    deployment = make_published(strategy, small_definition, maker=maker, checker=checker)
    other = copy.deepcopy(small_definition)
    other["steps"][1]["table"]["rules"][0]["p3"] = '"B"'
    challenger = make_approved(strategy, other, maker=maker, checker=checker)
    services.set_challenger(
        deployment,
        challenger=challenger,
        share=Decimal("0.5"),
        mode=DeploymentMode.SPLIT,
        acting_user=checker,
    )
    arms = {}
    for n in range(20):
        payload = {"age": 30, "income": 20000, "mobile": f"1390000{n:04d}"}
        first = services.pre_screen(acting_user=checker, payload=payload).record
        again = services.pre_screen(acting_user=checker, payload=payload).record
        assert first.arm == again.arm
        assert first.pricing_tier == ("B" if first.arm == DecisionArm.CHALLENGER else "A")
        arms[n] = first.arm
    assert set(arms.values()) == {DecisionArm.CHAMPION, DecisionArm.CHALLENGER}


def test_a_missing_reject_input_is_a_422_naming_the_field(
    maker: User, checker: User, small_definition: dict[str, Any]
) -> None:
    make_published(make_strategy(maker), small_definition, maker=maker, checker=checker)
    with pytest.raises(services.InputError) as caught:
        services.pre_screen(acting_user=checker, payload={"age": 30})
    assert caught.value.status_code == 422
    assert caught.value.problems[0].field == "income"


def test_list_entries_match_by_blind_index_and_expire(maker: User) -> None:
    entry = services.add_list_entry(
        list_type=ListType.BLACK,
        kind=ListEntryKind.ID_NUMBER,
        value=f" {ID_NUMBER} ",
        acting_user=maker,
        reason="欺诈",
    )
    services.add_list_entry(
        list_type=ListType.GRAY,
        kind=ListEntryKind.MOBILE,
        value="+86 138 0013 8000",
        acting_user=maker,
        expires_at=clock.now() - timedelta(days=1),
    )
    hits = services.check_lists({"id_number": ID_NUMBER, "mobile": "13800138000"})
    assert hits.black == ["id_number"]
    assert hits.gray == []  # expired
    assert entry.value == ID_NUMBER
    services.remove_list_entry(entry, acting_user=maker)
    assert services.check_lists({"id_number": ID_NUMBER}).black == []


def test_a_blacklisted_applicant_is_declined_even_if_the_caller_says_otherwise(
    maker: User, checker: User
) -> None:
    publish_default(maker=maker, checker=checker)
    services.add_list_entry(
        list_type=ListType.BLACK, kind=ListEntryKind.ID_NUMBER, value=ID_NUMBER, acting_user=maker
    )
    record = services.pre_screen(
        acting_user=checker, payload={**APPLICANT, "blacklist_hit": False}
    ).record
    assert record.outcome == "decline"
    assert record.reason_codes[0] == "BLACKLIST_HIT"
    snapshot = str(record.input_snapshot)
    assert ID_NUMBER not in snapshot
    assert "13800138000" not in snapshot
    assert record.subject_key == record.input_snapshot["identifiers"]["id_number"]


def test_a_thousand_stored_decisions_replay_bit_exact(maker: User, checker: User) -> None:
    publish_default(maker=maker, checker=checker)
    for n in range(1000):
        payload = {
            **APPLICANT,
            "mobile": f"137{n:08d}",
            "id_number": "",
            "age": 20 + n % 40,
            "monthly_income": 2500 + (n * 37) % 20000 + 0.37 * (n % 3),
            "requested_amount": 10000 + (n * 7919) % 90000,
            "education": ["bachelor", "college", None, "master"][n % 4],
        }
        services.pre_screen(acting_user=checker, payload=payload)
    records = list(DecisionRecord.objects.select_related("strategy_version"))
    assert len(records) == 1000
    assert len({r.outcome for r in records}) == 3
    for record in records:
        result = services.replay_decision(record)
        assert result.identical, (result.record_id, result.first_difference)


def test_replay_names_the_first_differing_field(maker: User, checker: User) -> None:
    publish_default(maker=maker, checker=checker)
    record = services.pre_screen(acting_user=checker, payload=APPLICANT).record
    output = dict(record.output)
    output["limit"] = "1.00" if output["limit"] != "1.00" else "2.00"
    DecisionRecord.objects.filter(pk=record.pk).update(output=output)
    record.refresh_from_db()
    result = services.replay_decision(record)
    assert (result.identical, result.first_difference) == (False, "limit")
    with pytest.raises(CommandError, match=f"decision {record.pk} differs on replay at limit"):
        call_command("decision", "replay", str(record.pk))


def test_seeding_the_default_strategy_twice_publishes_it_once(maker: User, checker: User) -> None:
    first = seed_default_strategy(maker=maker, checker=checker)
    again = seed_default_strategy(maker=maker, checker=checker)
    assert again.champion_id == first.champion_id
    assert first.champion.author == maker
    assert first.champion.approved_by == checker
    assert StrategyVersion.objects.filter(strategy=first.strategy).count() == 1
