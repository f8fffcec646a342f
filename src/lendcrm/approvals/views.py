"""Approval pages: 我的审批, the task page with its action form, delegations, and the
configuration of chains and the routing matrix."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lendcrm.approvals import queries
from lendcrm.approvals.choices import TaskStatus
from lendcrm.approvals.forms import (
    ActionForm,
    ChainForm,
    DelegationForm,
    NodeFormSet,
    RouteForm,
    chain_input,
)
from lendcrm.approvals.models import ApprovalChain, ApprovalRoute, ApprovalTask
from lendcrm.approvals.services import (
    act,
    create_delegation,
    current_terms,
    revoke_delegation,
    save_chain,
    save_route,
)
from lendcrm.core.errors import DomainError, NotFound


def _or_404(fetch: Any, *args: Any) -> Any:
    try:
        return fetch(*args)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _show_problems(form: forms.Form, exc: DomainError) -> None:
    for problem in exc.problems:
        form.add_error(problem.field if problem.field in form.fields else None, problem.message)
    if not exc.problems:
        form.add_error(None, exc.message)


# ---- my tasks --------------------------------------------------------------------------------


@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", TaskStatus.OPEN)
    if status not in TaskStatus.values:
        status = ""
    tasks = queries.list_my_tasks(request.user, status=status)
    context = {"tasks": tasks, "status": status, "statuses": TaskStatus.choices}
    return render(request, "approvals/tasks.html", context)


@require_http_methods(["GET", "POST"])
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task: ApprovalTask = _or_404(queries.get_task_in_scope, request.user, task_id)
    instance = task.instance
    form = ActionForm(
        request.POST or None, initial=ActionForm.initial_from(current_terms(instance))
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                act(
                    task,
                    action=form.cleaned_data["action"],
                    acting_user=request.user,
                    terms=form.terms(),
                    note=form.cleaned_data.get("note") or "",
                )
            except DomainError as exc:
                _show_problems(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("审批意见已提交"))
                return redirect("approvals:tasks")
    context = {
        "task": task,
        "instance": instance,
        "application": instance.application,
        "nodes": list(instance.chain.nodes.order_by("position")),
        "instance_tasks": queries.list_instance_tasks(instance),
        "approval_history": queries.history_for(instance.application),
        "can_act": queries.is_actionable_by(task, request.user),
        "form": form,
    }
    return render(request, "approvals/task.html", context, status=status)


# ---- delegations -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def delegations(request: HttpRequest) -> HttpResponse:
    form = DelegationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                create_delegation(
                    from_user=request.user,
                    to_user=data["to_user"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    reason=data.get("reason") or "",
                    acting_user=request.user,
                )
            except DomainError as exc:
                _show_problems(form, exc)
            else:
                messages.success(request, _("委托已保存"))
                return redirect("approvals:delegations")
    context = {"form": form, "delegations": queries.list_delegations(request.user)}
    return render(request, "approvals/delegations.html", context, status=status)


@require_POST
def delegation_revoke(request: HttpRequest, delegation_id: int) -> HttpResponse:
    delegation = _or_404(queries.get_own_delegation, request.user, delegation_id)
    revoke_delegation(delegation, acting_user=request.user)
    messages.success(request, _("委托已撤销"))
    return redirect("approvals:delegations")


# ---- configuration ---------------------------------------------------------------------------


@require_GET
def settings_page(request: HttpRequest) -> HttpResponse:
    context = {"chains": queries.list_chains(), "routes": queries.list_routes()}
    return render(request, "approvals/settings.html", context)


@require_http_methods(["GET", "POST"])
def chain_edit(request: HttpRequest, chain_id: int | None = None) -> HttpResponse:
    chain: ApprovalChain | None = _or_404(queries.get_chain, chain_id) if chain_id else None
    initial_nodes = [
        {"level": n.level, "kind": n.kind, "approver_count": n.approver_count}
        for n in (chain.nodes.order_by("position") if chain else [])
    ]
    form = ChainForm(request.POST or None, initial=ChainForm.initial_from(chain) if chain else None)
    nodes = NodeFormSet(request.POST or None, initial=initial_nodes, prefix="nodes")
    if chain is not None:
        form.fields["code"].disabled = True
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and nodes.is_valid():
            try:
                saved = save_chain(chain, data=chain_input(form, nodes), acting_user=request.user)
            except DomainError as exc:
                _show_problems(form, exc)
            else:
                messages.success(request, _("审批流已保存"))
                return redirect("approvals:chain_edit", chain_id=saved.pk)
    context = {"chain": chain, "form": form, "nodes": nodes}
    return render(request, "approvals/chain_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def route_edit(request: HttpRequest, route_id: int | None = None) -> HttpResponse:
    route: ApprovalRoute | None = _or_404(queries.get_route, route_id) if route_id else None
    form = RouteForm(request.POST or None, initial=RouteForm.initial_from(route) if route else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                save_route(route, data=form.to_input(), acting_user=request.user)
            except DomainError as exc:
                _show_problems(form, exc)
            else:
                messages.success(request, _("审批路由已保存"))
                return redirect("approvals:settings")
    context = {"route": route, "form": form}
    return render(request, "approvals/route_form.html", context, status=status)
