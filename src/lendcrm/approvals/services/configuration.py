"""Editing the approval configuration: chains with their nodes, and the routing matrix."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lendcrm.approvals.choices import ApprovalLevel, InstanceStatus, NodeKind
from lendcrm.approvals.models import (
    ApprovalChain,
    ApprovalInstance,
    ApprovalNode,
    ApprovalRoute,
    ApprovalTask,
)
from lendcrm.audit.services import record_event
from lendcrm.core.errors import Conflict, DomainError
from lendcrm.loans.models import Product

_LEVEL_ORDER = list(ApprovalLevel.values)


@dataclass(frozen=True)
class NodeInput:
    level: str
    kind: str
    approver_count: int = 1


@dataclass(frozen=True)
class ChainInput:
    code: str
    name: str
    description: str = ""
    is_active: bool = True
    nodes: list[NodeInput] = field(default_factory=list)


@dataclass(frozen=True)
class RouteInput:
    name: str
    priority: int
    chain: ApprovalChain
    product: Product | None = None
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    risk_grades: list[str] = field(default_factory=list)
    is_active: bool = True


def check_nodes(nodes: list[NodeInput]) -> None:
    """At least one node; single = one approver, countersign/any-one = two or more; levels
    never go down the hierarchy."""
    if not nodes:
        raise DomainError(_("审批流至少需要一个节点"), field="nodes")
    for index, node in enumerate(nodes, start=1):
        if node.kind == NodeKind.SINGLE and node.approver_count != 1:
            raise DomainError(
                _("第 %(n)s 个节点：单人审批只能有 1 位审批人") % {"n": index}, field="nodes"
            )
        if node.kind != NodeKind.SINGLE and node.approver_count < 2:
            raise DomainError(
                _("第 %(n)s 个节点：会签或或签至少需要 2 位审批人") % {"n": index}, field="nodes"
            )
    ranks = [_LEVEL_ORDER.index(node.level) for node in nodes]
    if ranks != sorted(ranks):
        raise DomainError(_("审批层级必须由低到高排列"), field="nodes")


def save_chain(chain: ApprovalChain | None, *, data: ChainInput, acting_user: Any) -> ApprovalChain:
    """Create or update a chain and replace its nodes (refused while an instance is open on it:
    a running approval reads the chain's nodes as it moves on)."""
    check_nodes(data.nodes)
    with transaction.atomic():
        if chain is None:
            if ApprovalChain.objects.filter(code=data.code).exists():
                raise DomainError(_("编码已存在"), field="code")
            chain = ApprovalChain(code=data.code)
        else:
            chain = ApprovalChain.objects.select_for_update().get(pk=chain.pk)
            if (
                _nodes_changed(chain, data.nodes)
                and ApprovalInstance.objects.filter(
                    chain=chain, status=InstanceStatus.OPEN
                ).exists()
            ):
                raise Conflict(_("该审批流有进行中的审批，不能修改节点"), field="nodes")
        chain.name = data.name
        chain.description = data.description
        chain.is_active = data.is_active
        chain.save()
        _replace_nodes(chain, data.nodes)
        record_event(
            "approvals.chain_saved",
            actor=acting_user,
            target=chain,
            metadata={
                "code": chain.code,
                "is_active": chain.is_active,
                "nodes": [[n.level, n.kind, n.approver_count] for n in data.nodes],
            },
        )
    return chain


def _nodes_changed(chain: ApprovalChain, nodes: list[NodeInput]) -> bool:
    current = [(n.level, n.kind, n.approver_count) for n in chain.nodes.order_by("position")]
    return current != [(n.level, n.kind, n.approver_count) for n in nodes]


def _replace_nodes(chain: ApprovalChain, nodes: list[NodeInput]) -> None:
    """Update nodes in place by position; past tasks keep their own copy of level and kind."""
    existing = {node.position: node for node in chain.nodes.all()}
    for position, data in enumerate(nodes, start=1):
        node = existing.pop(position, None) or ApprovalNode(chain=chain, position=position)
        node.level, node.kind, node.approver_count = data.level, data.kind, data.approver_count
        node.save()
    for surplus in existing.values():
        if surplus.pk is not None and _is_used(surplus):
            raise Conflict(_("节点已被历史审批引用，不能删除；请停用该审批流并新建"), field="nodes")
        surplus.delete()


def _is_used(node: ApprovalNode) -> bool:
    return ApprovalTask.objects.filter(node=node).exists()


def save_route(route: ApprovalRoute | None, *, data: RouteInput, acting_user: Any) -> ApprovalRoute:
    """Create or update one row of the routing matrix."""
    low, high = data.min_amount, data.max_amount
    if low is not None and high is not None and high <= low:
        raise DomainError(_("金额上限必须大于下限"), field="max_amount")
    grades = sorted({g.strip().upper() for g in data.risk_grades if g.strip()})
    with transaction.atomic():
        route = route or ApprovalRoute()
        route.name = data.name
        route.priority = data.priority
        route.chain = data.chain
        route.product = data.product
        route.min_amount = data.min_amount
        route.max_amount = data.max_amount
        route.risk_grades = grades
        route.is_active = data.is_active
        route.save()
        record_event(
            "approvals.route_saved",
            actor=acting_user,
            target=route,
            metadata={
                "priority": route.priority,
                "chain": data.chain.code,
                "product": data.product.code if data.product else None,
                "min_amount": str(data.min_amount) if data.min_amount is not None else None,
                "max_amount": str(data.max_amount) if data.max_amount is not None else None,
                "risk_grades": grades,
                "is_active": route.is_active,
            },
        )
    return route
