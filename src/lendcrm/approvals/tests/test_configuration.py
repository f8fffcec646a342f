"""Editing chains and routes: node rules, chains in use, bands, audit."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from lendcrm.applications.models import Application
from lendcrm.approvals.models import ApprovalChain
from lendcrm.approvals.services import (
    ChainInput,
    NodeInput,
    RouteInput,
    save_chain,
    save_route,
    start_approval,
)
from lendcrm.approvals.tests.conftest import OPINION, People
from lendcrm.audit.models import AuditEvent
from lendcrm.core.errors import Conflict, DomainError

pytestmark = pytest.mark.django_db

SUPERVISOR = NodeInput("review_supervisor", "single", 1)
COMMITTEE_ALL = NodeInput("committee", "all_of", 2)


@pytest.mark.parametrize(
    ("nodes", "message"),
    [
        ([], "至少需要一个节点"),
        ([NodeInput("review_supervisor", "single", 2)], "只能有 1 位"),
        ([NodeInput("committee", "any_of", 1)], "至少需要 2 位"),
        ([COMMITTEE_ALL, SUPERVISOR], "由低到高"),
    ],
)
def test_bad_node_lists_are_refused(people: People, nodes: list[NodeInput], message: str) -> None:
    with pytest.raises(DomainError) as caught:
        save_chain(None, data=ChainInput("BAD", "坏", nodes=nodes), acting_user=people.directors[0])

    assert message in caught.value.message
    assert caught.value.problems[0].field == "nodes"


def test_a_chain_is_saved_and_audited(people: People) -> None:
    chain = save_chain(
        None,
        data=ChainInput("TWO", "两级", nodes=[SUPERVISOR, COMMITTEE_ALL]),
        acting_user=people.directors[0],
    )

    assert [n.kind for n in chain.nodes.order_by("position")] == ["single", "all_of"]
    event = AuditEvent.objects.get(action="approvals.chain_saved")
    assert event.metadata["nodes"] == [
        ["review_supervisor", "single", 1],
        ["committee", "all_of", 2],
    ]


def test_the_nodes_of_a_chain_in_use_cannot_change_but_its_name_can(
    application: Application, people: People, only_chain: Callable[..., ApprovalChain]
) -> None:
    chain = only_chain(("review_supervisor", "single", 1))
    start_approval(application, acting_user=people.reviewer, opinion=OPINION, note="")

    with pytest.raises(Conflict):
        save_chain(
            chain,
            data=ChainInput(chain.code, "改", nodes=[SUPERVISOR, COMMITTEE_ALL]),
            acting_user=people.directors[0],
        )
    save_chain(
        chain,
        data=ChainInput(chain.code, "新名称", nodes=[SUPERVISOR]),
        acting_user=people.directors[0],
    )

    chain.refresh_from_db()
    assert chain.name == "新名称"


def test_a_route_band_must_not_be_empty(people: People) -> None:
    chain = ApprovalChain.objects.create(code="R", name="R")

    with pytest.raises(DomainError) as caught:
        save_route(
            None,
            data=RouteInput("倒挂", 1, chain, min_amount=Decimal("100"), max_amount=Decimal("100")),
            acting_user=people.directors[0],
        )

    assert caught.value.problems[0].field == "max_amount"
