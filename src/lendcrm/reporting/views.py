from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lendcrm.core import clock
from lendcrm.reporting.dashboard import build_dashboard


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    board = build_dashboard(request.user, today=clock.today())
    return render(request, "reporting/dashboard.html", {"dashboard": board})
