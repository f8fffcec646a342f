"""The live deployment is cached per process and re-read cheaply: a change applies at once."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lendcrm.audit.models import AuditEvent
from lendcrm.audit.services import seal_pending_events, verify_chain
from lendcrm.decisions import services
from lendcrm.decisions.choices import DecisionArm, DeploymentMode
from lendcrm.decisions.tests.factories import make_approved, make_published, make_strategy
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.identity.services import issue_api_token

pytestmark = pytest.mark.django_db
PAYLOAD = {"age": 30, "income": 20000, "mobile": "13800138000"}


@pytest.fixture
def maker(make_user: Callable[..., User]) -> User:
    return make_user(Role.RISK_ANALYST)


@pytest.fixture
def checker(make_user: Callable[..., User]) -> User:
    return make_user(Role.RISK_ANALYST)


def _stricter(definition: dict[str, Any]) -> dict[str, Any]:
    stricter = copy.deepcopy(definition)
    stricter["steps"][1]["table"]["rules"][0]["m1"] = ">= 50000"
    return stricter


def test_the_next_pre_screen_after_a_publish_uses_the_new_version(
    maker: User, checker: User, small_definition: dict[str, Any]
) -> None:
    strategy = make_strategy(maker)
    make_published(strategy, small_definition, maker=maker, checker=checker)
    first = services.pre_screen(acting_user=checker, payload=PAYLOAD).record
    make_published(strategy, _stricter(small_definition), maker=maker, checker=checker)

    second = services.pre_screen(acting_user=checker, payload=PAYLOAD).record

    assert (first.strategy_version.number, first.outcome) == (1, "approve")
    assert (second.strategy_version.number, second.outcome) == (2, "manual_review")


def test_a_rollback_and_a_new_challenger_apply_to_the_next_pre_screen(
    maker: User, checker: User, small_definition: dict[str, Any]
) -> None:
    strategy = make_strategy(maker)
    first = make_published(strategy, small_definition, maker=maker, checker=checker).champion
    deployment = make_published(strategy, _stricter(small_definition), maker=maker, checker=checker)
    services.pre_screen(acting_user=checker, payload=PAYLOAD)
    deployment = services.publish_version(first, acting_user=checker)
    assert services.pre_screen(acting_user=checker, payload=PAYLOAD).record.outcome == "approve"

    challenger = make_approved(strategy, _stricter(small_definition), maker=maker, checker=checker)
    services.set_challenger(
        deployment,
        challenger=challenger,
        share=Decimal(0),
        mode=DeploymentMode.SHADOW,
        acting_user=checker,
    )
    result = services.pre_screen(acting_user=checker, payload=PAYLOAD)

    assert result.record.arm == DecisionArm.CHAMPION
    assert result.shadow is not None
    assert result.shadow.strategy_version_id == challenger.pk


def test_a_warm_pre_screen_reads_little_and_queues_its_audit_event(
    maker: User, checker: User, small_definition: dict[str, Any]
) -> None:
    make_published(make_strategy(maker), small_definition, maker=maker, checker=checker)
    services.pre_screen(acting_user=checker, payload=PAYLOAD)

    with CaptureQueriesContext(connection) as queries:
        record = services.pre_screen(acting_user=checker, payload=PAYLOAD).record

    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    # deployment row, list hits, savepoint, decision, queued audit event, release
    assert statements == ["SELECT", "SELECT", "SAVEPOINT", "INSERT", "INSERT", "RELEASE"]
    assert not any("audit_auditchainhead" in q["sql"] for q in queries.captured_queries)
    assert seal_pending_events() == 2
    event = AuditEvent.objects.get(action="decisions.pre_screened", object_id=str(record.pk))
    assert event.metadata["outcome"] == record.outcome
    assert verify_chain().ok


def test_an_api_pre_screen_after_a_publish_uses_the_new_version(
    make_user: Callable[..., User], maker: User, checker: User, small_definition: dict[str, Any]
) -> None:
    strategy = make_strategy(maker)
    make_published(strategy, small_definition, maker=maker, checker=checker)
    headers = {"Authorization": f"Bearer {issue_api_token(make_user(Role.ADMIN)).plaintext}"}

    def post() -> dict[str, Any]:
        response = Client().post(
            "/api/v1/decisions/pre-screen",
            {"input": PAYLOAD},
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 200, response.content
        body: dict[str, Any] = response.json()
        return body

    before = post()
    make_published(strategy, _stricter(small_definition), maker=maker, checker=checker)
    after = post()

    assert (before["version"], before["outcome"]) == (1, "approve")
    assert (after["version"], after["outcome"]) == (2, "manual_review")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database")
@pytest.mark.django_db(transaction=True)
def test_pre_screens_on_other_threads_switch_to_a_publish_once_it_commits(
    maker: User, checker: User, small_definition: dict[str, Any]
) -> None:
    strategy = make_strategy(maker)
    make_published(strategy, small_definition, maker=maker, checker=checker)
    published = threading.Event()
    seen: list[tuple[bool, int]] = []  # (published before the call started, version used)
    errors: list[BaseException] = []

    def screen() -> None:
        try:
            for _ in range(15):
                before = published.is_set()
                record = services.pre_screen(acting_user=checker, payload=PAYLOAD).record
                seen.append((before, record.strategy_version.number))
        except BaseException as exc:  # reported below, on the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=screen) for _ in range(3)]
    for thread in threads:
        thread.start()
    make_published(strategy, _stricter(small_definition), maker=maker, checker=checker)
    published.set()
    for thread in threads:
        thread.join()

    assert errors == []
    assert all(number == 2 for started_after, number in seen if started_after)
    assert {number for _, number in seen} <= {1, 2}
