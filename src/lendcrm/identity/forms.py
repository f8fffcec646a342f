from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from lendcrm.identity.authentication import AccountLocked, LoginRefused, check_credentials
from lendcrm.identity.choices import Role
from lendcrm.identity.models import OrgUnit
from lendcrm.identity.two_factor import requires_two_factor
from lendcrm.leads.choices import ChannelKeyScope
from lendcrm.leads.models import Channel


class LoginForm(AuthenticationForm):
    """The password step, through identity.authentication so lockout and audit apply."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            assert self.request is not None
            try:
                self.user_cache = check_credentials(
                    self.request, username=username, password=password, via="ui"
                )
            except AccountLocked as exc:
                raise forms.ValidationError(exc.message, code="locked") from exc
            except LoginRefused as exc:
                raise self.get_invalid_login_error() from exc
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def two_factor_state(self) -> str:
        user = self.get_user()
        return "pending" if requires_two_factor(user) else "not_required"


class OtpForm(forms.Form):
    code = forms.CharField(
        label=_("验证码"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class UserAccessForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("角色"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    team = forms.ModelChoiceField(
        label=_("所属团队"), queryset=OrgUnit.objects.order_by("code"), required=False
    )
    is_active = forms.BooleanField(
        label=_("启用"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def selected_roles(self) -> list[Role]:
        return [Role(code) for code in self.cleaned_data["roles"]]


class RoleTwoFactorForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    require_2fa = forms.BooleanField(required=False)


TOKEN_TTL_CHOICES = [("7", _("7 天")), ("30", _("30 天")), ("90", _("90 天"))]


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100, initial="api")
    ttl_days = forms.TypedChoiceField(
        label=_("有效期"), choices=TOKEN_TTL_CHOICES, coerce=int, initial="30"
    )


class ChannelKeyCreateForm(forms.Form):
    channel = forms.ModelChoiceField(label=_("渠道"), queryset=Channel.objects.order_by("code"))
    name = forms.CharField(label=_("名称"), max_length=100, initial="default")
    scopes = forms.MultipleChoiceField(
        label=_("权限范围"),
        choices=ChannelKeyScope.choices,
        initial=[ChannelKeyScope.LEADS_CREATE.value],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
