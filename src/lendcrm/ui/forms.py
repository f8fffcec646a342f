"""The login form as people see it: identity's password step, with messages written for daily use."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from lendcrm.identity.forms import LoginForm as PasswordStepForm


class LoginForm(PasswordStepForm):
    error_messages = {
        **PasswordStepForm.error_messages,
        "invalid_login": _("用户名或密码不正确，请重新输入（密码区分大小写）。"),
        "inactive": _("该账号已停用，请联系系统管理员。"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
