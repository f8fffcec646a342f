"""Review pages: the queue (信审队列) with claim / release / reassign, and the workspace."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lendcrm.core import clock
from lendcrm.core.errors import DomainError, NotFound
from lendcrm.core.masking import mask_id_number
from lendcrm.decisions.explanations import record_view
from lendcrm.identity.models import User
from lendcrm.identity.roles import can
from lendcrm.reviews import queries, services
from lendcrm.reviews.choices import ReviewTaskStatus
from lendcrm.reviews.forms import (
    OpinionForm,
    PhoneCheckForm,
    ReassignForm,
    RuleForm,
    add_domain_errors,
)
from lendcrm.reviews.models import ReviewTask
from lendcrm.reviews.services.phone_checks import mask_phone

T = TypeVar("T")

DOCUMENTS_PANEL = "documents/_documents_panel.html"
APPROVAL_HISTORY = "approvals/_history.html"
QUEUE_VIEWS = ("mine", "pool", "team")


def _found(read: Callable[[], T]) -> T:
    try:
        return read()
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def template_exists(name: str) -> bool:
    """Whether another app ships the partial yet (the page works either way)."""
    try:
        select_template([name])
    except TemplateDoesNotExist:
        return False
    return True


def documents_panel_context(request: HttpRequest, application: Any) -> dict[str, Any] | None:
    """The documents app's panel context, or None while that app does not ship the panel."""
    if not template_exists(DOCUMENTS_PANEL):
        return None
    from lendcrm.documents.views import panel_context  # built for pages of other apps

    context: dict[str, Any] = panel_context(request, application)
    return context


def approval_history(application: Any) -> list[Any] | None:
    """The approval steps of the application, or None while the approvals app has no partial."""
    if not template_exists(APPROVAL_HISTORY):
        return None
    from lendcrm.approvals.queries import history_for

    return list(history_for(application))


# ---- the queue -------------------------------------------------------------------------------


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    is_supervisor = can(request.user, "applications.assign")
    view = request.GET.get("view", "mine")
    if view not in QUEUE_VIEWS or (view == "team" and not is_supervisor):
        view = "mine"
    now = clock.now()
    context = {
        "page_title": _("信审队列"),
        "view": view,
        "tasks": queries.list_tasks(request.user, view=view),
        "workload": queries.team_workload(request.user, now=now) if view == "team" else [],
        "now": now,
        "is_supervisor": is_supervisor,
    }
    return render(request, "reviews/queue.html", context)


@require_POST
def claim(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _found(lambda: queries.get_task_for_user(request.user, task_id))
    try:
        services.claim_review_task(task.pk, acting_user=_user(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('reviews:queue')}?view=pool")
    messages.success(request, _("已领取任务"))
    return redirect("reviews:workspace", task_id=task.pk)


@require_POST
def release(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _found(lambda: queries.get_task_for_user(request.user, task_id))
    try:
        services.release_review_task(task.pk, acting_user=_user(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("任务已退回任务池"))
    return redirect("reviews:queue")


@require_http_methods(["GET", "POST"])
def reassign(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _found(lambda: queries.get_task_for_user(request.user, task_id))
    form = ReassignForm(request.POST or None, candidates=queries.list_reassign_candidates(task))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.reassign_review_task(
                    task,
                    form.chosen_user(),
                    acting_user=_user(request),
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("任务已改派"))
                return redirect(f"{reverse('reviews:queue')}?view=team")
    context = {"page_title": _("改派信审任务"), "task": task, "form": form}
    return render(request, "reviews/reassign.html", context, status=status)


# ---- the workspace ---------------------------------------------------------------------------


def _workspace_context(
    request: HttpRequest,
    task_id: int,
    *,
    opinion_form: OpinionForm | None = None,
    phone_form: PhoneCheckForm | None = None,
) -> dict[str, Any]:
    space = _found(lambda: queries.load_workspace(request.user, task_id))
    if opinion_form is None:
        opinion_form = OpinionForm(application=space.application)
    if phone_form is None:
        initial = {
            key: request.GET[key]
            for key in ("target", "call_id", "recording_url")
            if request.GET.get(key)
        }
        phone_form = PhoneCheckForm(initial=initial, targets=space.call_targets)
    task = space.task
    documents = documents_panel_context(request, space.application)
    history = approval_history(space.application)
    return {
        "page_title": _("信审工作台"),
        "space": space,
        "task": task,
        "application": space.application,
        "customer": space.customer,
        "masked": {
            "id_number": mask_id_number(space.customer.id_number),
            "mobile": mask_phone(space.customer.mobile),
        },
        "decision": record_view(space.decision) if space.decision else None,
        "opinion_form": opinion_form,
        "phone_form": phone_form,
        "can_submit": task.status == ReviewTaskStatus.CLAIMED
        and task.assignee_id == request.user.pk,
        "placed_call": request.GET.get("call_id", ""),
        "documents": documents,
        "show_documents": documents is not None,
        "approval_history": history,
        "show_approvals": history is not None,
        "now": clock.now(),
    }


@require_GET
def workspace(request: HttpRequest, task_id: int) -> HttpResponse:
    return render(request, "reviews/workspace.html", _workspace_context(request, task_id))


@require_POST
def opinion(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _found(lambda: queries.get_task_for_user(request.user, task_id))
    form = OpinionForm(request.POST, application=task.application)
    if form.is_valid():
        try:
            services.record_opinion(task.pk, data=form.to_input(), acting_user=_user(request))
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("审核意见已提交"))
            return redirect("reviews:queue")
    context = _workspace_context(request, task_id, opinion_form=form)
    return render(request, "reviews/workspace.html", context, status=400)


@require_POST
def call(request: HttpRequest, task_id: int) -> HttpResponse:
    task: ReviewTask = _found(lambda: queries.get_task_for_user(request.user, task_id))
    target = request.POST.get("target", "")
    try:
        view, handle = services.place_call(task, target_key=target, acting_user=_user(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reviews:workspace", task_id=task.pk)
    messages.info(
        request,
        _("正在呼叫 %(who)s %(number)s") % {"who": view.label, "number": view.number_masked},
    )
    query = urlencode(
        {"target": view.key, "call_id": handle.call_id, "recording_url": handle.recording_url}
    )
    return redirect(f"{reverse('reviews:workspace', args=[task.pk])}?{query}#sec-phone")


@require_POST
def phone_check(request: HttpRequest, task_id: int) -> HttpResponse:
    space = _found(lambda: queries.load_workspace(request.user, task_id))
    form = PhoneCheckForm(request.POST, targets=space.call_targets)
    if form.is_valid():
        try:
            services.record_phone_verification(
                space.task, data=form.to_input(), acting_user=_user(request)
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("电审记录已保存"))
            return redirect(f"{reverse('reviews:workspace', args=[space.task.pk])}#sec-phone")
    context = _workspace_context(request, task_id, phone_form=form)
    return render(request, "reviews/workspace.html", context, status=400)


# ---- rules -----------------------------------------------------------------------------------


def _rule_initial(rule_id: str) -> tuple[Any, dict[str, Any]]:
    rule = queries.find_rule(rule_id)
    if rule is None:
        return None, {}
    initial = {
        "name": rule.name,
        "product": rule.product_id,
        "min_amount": rule.min_amount,
        "max_amount": rule.max_amount,
        "risk_grades": ",".join(rule.risk_grades),
        "min_level": rule.min_level,
        "priority": rule.priority,
        "sla_minutes": rule.sla_minutes,
        "is_active": rule.is_active,
    }
    return rule, initial


@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    """The assignment rules (分单规则): add one, or edit one (`?rule=<id>` / hidden `pk`)."""
    rule, initial = _rule_initial(request.POST.get("pk") or request.GET.get("rule", ""))
    form = RuleForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.save_review_rule(rule, data=form.to_input(), acting_user=_user(request))
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("分单规则已保存"))
                return redirect("reviews:rules")
    context = {
        "page_title": _("分单规则"),
        "rules": queries.list_rules(),
        "form": form,
        "editing": rule,
    }
    return render(request, "reviews/rules.html", context, status=status)
