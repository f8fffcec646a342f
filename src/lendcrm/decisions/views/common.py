"""What every strategy page view shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.http import Http404

from lendcrm.core.errors import NotFound

T = TypeVar("T")


def found(read: Callable[[], T]) -> T:
    try:
        return read()
    except NotFound as exc:
        raise Http404(exc.message) from exc
