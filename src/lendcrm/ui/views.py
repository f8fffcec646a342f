from __future__ import annotations

from lendcrm.identity import views as identity_views
from lendcrm.ui.forms import LoginForm


class LoginView(identity_views.LoginView):
    """Sign-in: identity's view (lockout, audit, two-factor), rendered by ui/login.html.

    Later steps extend the template through its login_messages, extra_fields and login_footer
    blocks.
    """

    template_name = "ui/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True
