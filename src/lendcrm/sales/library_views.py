"""The script library (read by reps, kept by managers) and the sales settings page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lendcrm.core.errors import NotFound
from lendcrm.identity.roles import can
from lendcrm.sales import queries
from lendcrm.sales.forms import RefusalReasonForm, ScriptForm, ScriptSearchForm, TaskRuleForm
from lendcrm.sales.models import Script
from lendcrm.sales.services.library import save_refusal_reason, save_script, save_task_rule


@require_GET
def script_list(request: HttpRequest) -> HttpResponse:
    form = ScriptSearchForm(request.GET or None)
    filters = queries.ScriptFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = queries.ScriptFilters(
            q=data.get("q") or "",
            kind=data.get("kind") or "",
            product=data["product"].pk if data.get("product") else None,
            stage=data.get("stage") or "",
        )
    can_manage = can(request.user, "sales.manage")
    scripts = queries.search_scripts(filters, active_only=not can_manage)[:100]
    context = {"form": form, "scripts": scripts, "can_manage": can_manage}
    return render(request, "sales/scripts.html", context)


def _script_initial(script: Script | None) -> dict[str, Any]:
    if script is None:
        return {"is_active": True}
    return {
        "title": script.title,
        "kind": script.kind,
        "product": script.product_id,
        "stage": script.stage,
        "body": script.body,
        "tags": ", ".join(script.tags or []),
        "is_active": script.is_active,
    }


@require_http_methods(["GET", "POST"])
def script_edit(request: HttpRequest, script_id: int | None = None) -> HttpResponse:
    script = None
    if script_id is not None:
        try:
            script = queries.get_script(script_id)
        except NotFound as exc:
            raise Http404(exc.message) from exc
    form = ScriptForm(request.POST or None, initial=_script_initial(script))
    if request.method == "POST" and form.is_valid():
        save_script(script, data=form.cleaned_data, acting_user=request.user)
        messages.success(request, _("话术已保存"))
        return redirect("sales:scripts")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "sales/script_form.html", {"form": form, "script": script}, status=status
    )


@require_http_methods(["GET", "POST"])
def sales_settings(request: HttpRequest) -> HttpResponse:
    """Task rules and refusal reasons: add one, or edit one by its id (hidden `pk`)."""
    rule_form = TaskRuleForm(prefix="rule")
    reason_form = RefusalReasonForm(prefix="reason")
    status = 200
    if request.method == "POST":
        kind = request.POST.get("form")
        pk = request.POST.get("pk", "")
        if kind == "rule":
            rule_form = TaskRuleForm(request.POST, prefix="rule")
            if rule_form.is_valid():
                rule = queries.find_task_rule(pk)
                save_task_rule(rule, data=rule_form.cleaned_data, acting_user=request.user)
                messages.success(request, _("任务规则已保存"))
                return redirect("sales:settings")
        elif kind == "reason":
            reason_form = RefusalReasonForm(request.POST, prefix="reason")
            if reason_form.is_valid():
                reason = queries.find_refusal_reason(pk)
                save_refusal_reason(reason, data=reason_form.cleaned_data, acting_user=request.user)
                messages.success(request, _("拒绝原因已保存"))
                return redirect("sales:settings")
        status = 400
    context = {
        "rules": queries.list_task_rules(),
        "reasons": queries.list_refusal_reasons(),
        "rule_form": rule_form,
        "reason_form": reason_form,
    }
    return render(request, "sales/settings.html", context, status=status)
