"""What other apps show on the application page: documents, approval history, contract.

Each panel is rendered by its own app's partial template with the context that app builds, so
the application page does not need to know their insides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from lendcrm.applications.models import Application


def _documents(request: HttpRequest, application: Application) -> tuple[str, dict[str, Any]]:
    from lendcrm.documents.views import panel_context

    return "documents/_documents_panel.html", panel_context(request, application)


def _contract(request: HttpRequest, application: Application) -> tuple[str, dict[str, Any]]:
    from lendcrm.contracts.views import panel_context

    return "contracts/_contract_panel.html", dict(panel_context(request, application))


PANELS: tuple[Callable[[HttpRequest, Application], tuple[str, dict[str, Any]] | None], ...] = (
    _documents,
    _contract,
)


def panels_for(request: HttpRequest, application: Application) -> dict[str, Any]:
    rendered: list[SafeString] = []
    for panel in PANELS:
        built = panel(request, application)
        if built is not None:
            template, context = built
            rendered.append(mark_safe(render_to_string(template, context, request)))  # noqa: S308
    return {"panels": rendered}
