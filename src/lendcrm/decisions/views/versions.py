"""Strategy and version pages: list, detail, lifecycle actions, challenger, diff."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lendcrm.core.errors import DomainError
from lendcrm.decisions import (
    explanations,
    queries,
    reports,
    services,
    strategy_steps,
)
from lendcrm.decisions.choices import DeploymentMode, StrategyVersionStatus
from lendcrm.decisions.forms import ChallengerForm, NewStrategyForm
from lendcrm.decisions.models import Strategy, StrategyDeployment, StrategyVersion
from lendcrm.decisions.views.common import found
from lendcrm.identity.roles import can


@require_GET
def strategy_list(request: HttpRequest) -> HttpResponse:
    context = {
        "page_title": _("决策策略"),
        "strategies": reports.list_strategy_rows(),
        "can_author": can(request.user, "decisions.author"),
    }
    return render(request, "decisions/strategies.html", context)


@require_http_methods(["GET", "POST"])
def strategy_new(request: HttpRequest) -> HttpResponse:
    """A new strategy with a starter draft (one hard rule, one matrix row) to edit."""
    form = NewStrategyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            strategy = services.create_strategy(acting_user=request.user, **form.cleaned_data)
            draft = services.create_draft(
                strategy,
                definition=strategy_steps.starter_definition(),
                acting_user=request.user,
                change_note=_("初始草稿"),
            )
        except DomainError as exc:
            form.add_error(
                "code" if "code" in {p.field for p in exc.problems} else None, exc.message
            )
        else:
            messages.success(request, _("已创建策略和第一个草稿"))
            return redirect("decisions:version", version_id=draft.pk)
    status = 400 if request.method == "POST" else 200
    context = {"page_title": _("新建策略"), "form": form}
    return render(request, "decisions/strategy_new.html", context, status=status)


@require_GET
def strategy_detail(request: HttpRequest, strategy_id: int) -> HttpResponse:
    strategy = found(lambda: reports.get_strategy(strategy_id))
    versions = list(queries.list_versions(strategy))
    deployment = reports.get_deployment(strategy)
    context = {
        "page_title": strategy.name,
        "strategy": strategy,
        "versions": versions,
        "deployment": deployment,
        "records": reports.recent_records(request.user, strategy),
        "can_approve": can(request.user, "decisions.approve"),
        "can_author": can(request.user, "decisions.author"),
        "challenger_form": ChallengerForm(
            initial={
                "share": deployment.challenger_share if deployment else "0.10",
                "mode": deployment.mode if deployment else "split",
                "challenger": deployment.challenger.number
                if deployment and deployment.challenger
                else None,
            }
        ),
        "publishable": [v for v in versions if v.status in reports.PUBLISHABLE],
    }
    return render(request, "decisions/strategy.html", context)


def _version_context(request: HttpRequest, version: StrategyVersion) -> dict[str, Any]:
    user_id = request.user.pk
    is_author = user_id in {version.author_id, version.submitted_by_id}
    status = version.status
    return {
        "page_title": _("%(strategy)s · 版本 %(n)d")
        % {"strategy": version.strategy.name, "n": version.number},
        "strategy": version.strategy,
        "version": version,
        "steps": strategy_steps.describe_steps(version.definition),
        "declared_inputs": version.definition.get("inputs", []),
        "is_draft": status == StrategyVersionStatus.DRAFT,
        "is_author": is_author,
        "can_author": can(request.user, "decisions.author"),
        "can_submit": status == StrategyVersionStatus.DRAFT
        and can(request.user, "decisions.author"),
        # maker-checker: the author never sees the button; the service refuses them as well
        "can_approve": status == StrategyVersionStatus.SUBMITTED
        and not is_author
        and can(request.user, "decisions.approve"),
        "can_publish": status in reports.PUBLISHABLE and can(request.user, "decisions.approve"),
        "is_live": reports.is_live(version),
        "scorecards": reports.usable_scorecards(),
    }


@require_GET
def version_detail(request: HttpRequest, version_id: int) -> HttpResponse:
    version = found(lambda: queries.get_version(version_id))
    return render(request, "decisions/version.html", _version_context(request, version))


def _act(
    request: HttpRequest, version_id: int, action: Callable[..., Any], done: str
) -> HttpResponse:
    version = found(lambda: queries.get_version(version_id))
    try:
        action(version, acting_user=request.user)
        messages.success(request, done)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("decisions:version", version_id=version.pk)


@require_POST
def submit(request: HttpRequest, version_id: int) -> HttpResponse:
    return _act(request, version_id, services.submit_version, _("已提交复核"))


@require_POST
def approve(request: HttpRequest, version_id: int) -> HttpResponse:
    return _act(request, version_id, services.approve_version, _("已复核通过"))


@require_POST
def return_to_author(request: HttpRequest, version_id: int) -> HttpResponse:
    """The checker sends a submitted version back to its author as a draft."""
    version = found(lambda: queries.get_version(version_id))
    try:
        services.return_version(
            version, acting_user=request.user, note=str(request.POST.get("note", ""))[:500]
        )
        messages.success(request, _("已退回作者修改"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("decisions:version", version_id=version.pk)


@require_POST
def publish(request: HttpRequest, version_id: int) -> HttpResponse:
    """Publishing an older approved or retired version is the rollback."""
    return _act(request, version_id, services.publish_version, _("已发布"))


@require_POST
def new_draft(request: HttpRequest, version_id: int) -> HttpResponse:
    version = found(lambda: queries.get_version(version_id))
    try:
        draft = services.create_draft(
            version.strategy,
            definition=copy.deepcopy(version.definition),
            acting_user=request.user,
            change_note=_("复制自版本 %(n)d") % {"n": version.number},
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("decisions:version", version_id=version.pk)
    messages.success(request, _("已从版本 %(n)d 复制出新草稿") % {"n": version.number})
    return redirect("decisions:version", version_id=draft.pk)


def _deployment(strategy: Strategy) -> StrategyDeployment:
    deployment = reports.get_deployment(strategy)
    if deployment is None:
        raise DomainError(_("请先发布一个冠军版本"))
    return deployment


@require_POST
def set_challenger(request: HttpRequest, strategy_id: int) -> HttpResponse:
    strategy = found(lambda: reports.get_strategy(strategy_id))
    form = ChallengerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("挑战者设置无效"))
        return redirect("decisions:strategy", strategy_id=strategy.pk)
    try:
        challenger = reports.get_version_by_number(strategy, form.cleaned_data["challenger"])
        services.set_challenger(
            _deployment(strategy),
            challenger=challenger,
            share=form.cleaned_data["share"],
            mode=DeploymentMode(form.cleaned_data["mode"]),
            acting_user=request.user,
        )
        messages.success(request, _("已设置挑战者"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("decisions:strategy", strategy_id=strategy.pk)


@require_POST
def clear_challenger(request: HttpRequest, strategy_id: int) -> HttpResponse:
    strategy = found(lambda: reports.get_strategy(strategy_id))
    try:
        services.set_challenger(
            _deployment(strategy),
            challenger=None,
            share=Decimal(0),
            mode=DeploymentMode.SPLIT,
            acting_user=request.user,
        )
        messages.success(request, _("已取消挑战者"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("decisions:strategy", strategy_id=strategy.pk)


@require_GET
def diff(request: HttpRequest, strategy_id: int) -> HttpResponse:
    strategy = found(lambda: reports.get_strategy(strategy_id))
    versions = list(queries.list_versions(strategy))
    numbers = [v.number for v in versions]
    try:
        a = int(request.GET.get("a") or (numbers[1] if len(numbers) > 1 else numbers[0]))
        b = int(request.GET.get("b") or numbers[0])
    except (ValueError, IndexError) as exc:
        raise Http404("no versions") from exc
    version_a = found(lambda: reports.get_version_by_number(strategy, a))
    version_b = found(lambda: reports.get_version_by_number(strategy, b))
    context = {
        "page_title": _("版本对比"),
        "strategy": strategy,
        "versions": versions,
        "a": version_a,
        "b": version_b,
        "diff": explanations.diff_view(
            services.diff_versions(version_a, version_b),
            version_a.definition,
            version_b.definition,
        ),
    }
    return render(request, "decisions/diff.html", context)
