"""Administration pages (capability "identity.manage"): users, role security, channel keys.

The channel-key page lives here until the leads app has pages of its own; it only calls
leads.services and leads.queries.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lendcrm.core.errors import DomainError, NotFound
from lendcrm.identity import queries, services, two_factor
from lendcrm.identity.choices import Role
from lendcrm.identity.forms import ChannelKeyCreateForm, RoleTwoFactorForm, UserAccessForm
from lendcrm.identity.models import User
from lendcrm.identity.views import acting_user, add_domain_error
from lendcrm.leads import queries as lead_queries
from lendcrm.leads import services as lead_services

USERS_PER_PAGE = 50


def _user_filter(params: QueryDict) -> queries.UserFilter:
    team = params.get("team", "")
    active = params.get("active", "")
    return queries.UserFilter(
        text=params.get("q", "").strip()[:50],
        role=params.get("role", ""),
        team_id=int(team) if team.isdigit() else None,
        active={"1": True, "0": False}.get(active),
    )


def _role_labels(user: User) -> list[str]:
    return [str(Role(group.name).label) for group in user.groups.all() if group.name in Role.values]


def users(request: HttpRequest) -> HttpResponse:
    filters = _user_filter(request.GET)
    page = Paginator(queries.list_users(filters), USERS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "user": user,
            "roles": _role_labels(user),
            "two_factor": bool(getattr(user, "confirmed_devices", [])),
        }
        for user in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "roles": Role.choices,
        "teams": queries.list_org_units(),
        "query": query.urlencode(),
    }
    return render(request, "identity/users.html", context)


def _get_user_or_404(pk: int) -> User:
    try:
        return queries.get_user(pk)
    except NotFound as exc:
        raise Http404 from exc


def user(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _get_user_or_404(pk)
    form = UserAccessForm(request.POST or None, initial=_initial(subject))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_user_access(
                subject,
                roles=form.selected_roles(),
                team=form.cleaned_data["team"],
                is_active=form.cleaned_data["is_active"],
                acting_user=acting_user(request),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("identity:user", pk=subject.pk)
    context = {
        "subject": subject,
        "form": form,
        "roles": _role_labels(subject),
        "two_factor_enrolled": two_factor.is_enrolled(subject),
        "two_factor_required": two_factor.requires_two_factor(subject),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "identity/user.html", context, status=status)


def _initial(subject: User) -> dict[str, Any]:
    return {
        "roles": [group.name for group in subject.groups.all()],
        "team": subject.team,
        "is_active": subject.is_active,
    }


@require_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _get_user_or_404(pk)
    services.unlock_user(subject, acting_user=acting_user(request))
    messages.success(request, _("已清除登录失败记录，该用户可以重新登录"))
    return redirect("identity:user", pk=subject.pk)


@require_POST
def user_reset_otp(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _get_user_or_404(pk)
    two_factor.reset_two_factor(subject, acting_user=acting_user(request))
    messages.success(request, _("已重置两步验证，该用户下次登录时需重新绑定"))
    return redirect("identity:user", pk=subject.pk)


def security(request: HttpRequest) -> HttpResponse:
    """Which roles must use two-factor authentication."""
    if request.method == "POST":
        form = RoleTwoFactorForm(request.POST)
        if form.is_valid():
            two_factor.set_role_two_factor(
                Role(form.cleaned_data["role"]),
                require=form.cleaned_data["require_2fa"],
                acting_user=acting_user(request),
            )
            messages.success(request, _("已保存"))
        else:
            messages.error(request, _("请求无效"))
        return redirect("identity:security")
    required = queries.two_factor_roles()
    rows = [{"role": role, "require_2fa": required[role.value]} for role in Role]
    return render(request, "identity/security.html", {"rows": rows})


def channel_keys(request: HttpRequest) -> HttpResponse:
    """Lead-capture API keys; a new key's secret is shown once, in this response only."""
    form = ChannelKeyCreateForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = lead_services.issue_channel_key(
                form.cleaned_data["channel"],
                scopes=form.cleaned_data["scopes"],
                name=form.cleaned_data["name"],
                acting_user=acting_user(request),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            form = ChannelKeyCreateForm()
    return _channel_keys_page(request, form, issued)


def _channel_keys_page(
    request: HttpRequest, form: ChannelKeyCreateForm, issued: Any, status: int = 200
) -> HttpResponse:
    context = {"form": form, "keys": lead_queries.list_channel_keys(), "issued": issued}
    if form.is_bound and form.errors:
        status = 400
    response = render(request, "identity/channel_keys.html", context, status=status)
    add_never_cache_headers(response)
    return response


def _get_key_or_404(prefix: str) -> Any:
    try:
        return lead_queries.get_channel_key(prefix)
    except NotFound as exc:
        raise Http404 from exc


@require_POST
def channel_key_rotate(request: HttpRequest, prefix: str) -> HttpResponse:
    key = _get_key_or_404(prefix)
    try:
        issued = lead_services.rotate_channel_key(key, acting_user=acting_user(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("identity:channel_keys")
    return _channel_keys_page(request, ChannelKeyCreateForm(), issued)


@require_POST
def channel_key_revoke(request: HttpRequest, prefix: str) -> HttpResponse:
    key = _get_key_or_404(prefix)
    try:
        lead_services.revoke_channel_key(key, acting_user=acting_user(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("密钥已吊销"))
    return redirect("identity:channel_keys")
