"""Lead settings pages: screening rules with the blacklist, and assignment rules."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lendcrm.core.errors import DomainError
from lendcrm.leads import queries
from lendcrm.leads.forms import (
    AssignmentMemberForm,
    AssignmentRuleForm,
    BlacklistForm,
    ScreeningRuleForm,
)
from lendcrm.leads.services import rules


@require_http_methods(["GET", "POST"])
def screening_rules(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    rule_form = ScreeningRuleForm(request.POST if action == "rule" else None)
    black_form = BlacklistForm(request.POST if action == "blacklist" else None)
    try:
        if action == "rule" and rule_form.is_valid():
            data = rule_form.cleaned_data
            rules.create_screening_rule(
                name=data["name"],
                channel=data["channel"],
                min_age=data["min_age"],
                max_age=data["max_age"],
                allowed_regions=rule_form.regions(),
                check_blacklist=data["check_blacklist"],
                require_consent=data["require_consent"],
                acting_user=request.user,
            )
            messages.success(request, _("筛查规则已保存"))
            return redirect("leads:screening_rules")
        if action == "toggle":
            rule = queries.list_screening_rules().filter(pk=request.POST.get("rule", 0)).first()
            if rule is not None:
                rules.set_screening_rule_active(
                    rule, active=not rule.is_active, acting_user=request.user
                )
            return redirect("leads:screening_rules")
        if action == "blacklist" and black_form.is_valid():
            data = black_form.cleaned_data
            rules.add_to_blacklist(
                kind=data["kind"],
                value=data["value"],
                reason=data["reason"],
                acting_user=request.user,
            )
            messages.success(request, _("已加入黑名单"))
            return redirect("leads:screening_rules")
    except DomainError as exc:
        messages.error(request, exc.message)
    context = {
        "rules": queries.list_screening_rules(),
        "rule_form": rule_form,
        "black_form": black_form,
    }
    return render(request, "leads/screening_rules.html", context, status=400 if action else 200)


@require_http_methods(["GET", "POST"])
def assignment_rules(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    rule_form = AssignmentRuleForm(request.POST if action == "rule" else None)
    member_form = AssignmentMemberForm(request.POST if action == "member" else None)
    member_form.fields["agent"].queryset = queries.list_agents()  # type: ignore[attr-defined]
    all_rules = queries.list_assignment_rules()
    try:
        if action == "rule" and rule_form.is_valid():
            data = rule_form.cleaned_data
            rules.save_assignment_rule(
                channel=data["channel"],
                strategy=data["strategy"],
                sla_minutes=data["first_contact_sla_minutes"],
                acting_user=request.user,
            )
            messages.success(request, _("分配规则已保存"))
            return redirect("leads:assignment_rules")
        rule = all_rules.filter(pk=request.POST.get("rule", 0)).first() if action else None
        if action == "member" and rule is not None and member_form.is_valid():
            data = member_form.cleaned_data
            rules.save_assignment_member(
                rule,
                agent=data["agent"],
                weight=data["weight"],
                regions=member_form.region_codes(),
                max_open_leads=data["max_open_leads"],
                work_start=data["work_start"],
                work_end=data["work_end"],
                acting_user=request.user,
            )
            messages.success(request, _("成员已保存"))
            return redirect("leads:assignment_rules")
    except DomainError as exc:
        messages.error(request, exc.message)
    context = {"rules": all_rules, "rule_form": rule_form, "member_form": member_form}
    return render(request, "leads/assignment_rules.html", context, status=400 if action else 200)
