"""Pages for signing in, the TOTP step and personal API tokens.

Administration pages (users, role security, channel keys) are in identity/admin_views.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lendcrm.core.errors import DomainError, NotFound
from lendcrm.identity import queries, services, two_factor
from lendcrm.identity.authentication import end_session, start_session
from lendcrm.identity.forms import LoginForm, OtpForm, TokenCreateForm
from lendcrm.identity.models import User


def acting_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def add_domain_error(form: Any, exc: DomainError) -> None:
    for problem in exc.problems or []:
        form.add_error(problem.field if problem.field in form.fields else None, problem.message)
    if not exc.problems:
        form.add_error(None, exc.message)


class LoginView(auth_views.LoginView):
    """Signs in through identity.forms.LoginForm (lockout, audit) and stamps the session."""

    template_name = "ui/login.html"
    form_class = LoginForm

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        start_session(self.request, form.get_user(), two_factor=form.two_factor_state())
        return HttpResponseRedirect(self.get_success_url())


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        end_session(request, reason="logout")
        return HttpResponseRedirect(self.get_success_url())


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("ui:home")


def _with_next(url_name: str, request: HttpRequest) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': _next_url(request)})}"


def otp_setup(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if two_factor.is_enrolled(user):
        return redirect(_with_next("identity:otp_verify", request))
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.confirm_enrolment(request, user, code=form.cleaned_data["code"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("两步验证已开启"))
            return redirect(_next_url(request))
    enrolment = two_factor.pending_enrolment(user)
    context = {"form": form, "enrolment": enrolment, "next": _next_url(request)}
    response = render(request, "identity/otp_setup.html", context, status=_status(form))
    add_never_cache_headers(response)
    return response


def otp_verify(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not two_factor.is_enrolled(user):
        return redirect(_with_next("identity:otp_setup", request))
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.verify_session(request, user, code=form.cleaned_data["code"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect(_next_url(request))
    context = {"form": form, "next": _next_url(request)}
    return render(request, "identity/otp_verify.html", context, status=_status(form))


def _status(form: Any) -> int:
    return 400 if form.is_bound and form.errors else 200


def tokens(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens; a new token's secret is shown once, in this response only."""
    user = acting_user(request)
    form = TokenCreateForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.issue_api_token(
                user,
                name=form.cleaned_data["name"],
                ttl=timedelta(days=form.cleaned_data["ttl_days"]),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            form = TokenCreateForm()
    rows = [
        {"token": token, "status": services.token_status(token)}
        for token in queries.list_own_tokens(user)
    ]
    context = {"form": form, "rows": rows, "issued": issued}
    response = render(request, "identity/tokens.html", context, status=_status(form))
    add_never_cache_headers(response)
    return response


@require_POST
def token_revoke(request: HttpRequest, prefix: str) -> HttpResponse:
    user = acting_user(request)
    try:
        token = queries.get_own_token(user, prefix)
    except NotFound as exc:
        raise Http404 from exc
    try:
        services.revoke_api_token(token, acting_user=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("令牌已吊销"))
    return redirect("identity:tokens")
