"""Every page and API operation the application serves, for the access-policy tests and docs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from lendcrm.identity.middleware import API_PREFIX

_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    route: str  # Django route, e.g. "customers/<int:pk>/"
    view_name: str  # "customers:detail"; API operations: the Ninja url name
    methods: tuple[str, ...]  # API operations only; pages answer any method at the gate

    @property
    def params(self) -> list[tuple[str, str]]:
        return [(m["name"], m["converter"] or "str") for m in _PARAM.finditer(self.route)]

    def path(self, values: dict[str, object] | None = None) -> str:
        values = values or {}

        def fill(match: re.Match[str]) -> str:
            converter = match["converter"] or "str"
            default = 999999 if converter == "int" else "unknown"
            return str(values.get(match["name"], default))

        return "/" + _PARAM.sub(fill, self.route)


def _walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str) -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield Route(route=prefix + str(pattern.pattern), view_name=name, methods=())


def _api_methods() -> dict[str, tuple[str, ...]]:
    from lendcrm.config.api import api

    methods: dict[str, tuple[str, ...]] = {}
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            route = API_PREFIX + "/".join(p.strip("/") for p in (prefix, path) if p.strip("/"))
            route = re.sub(
                r"\{(?:(\w+):)?(\w+)\}", lambda m: f"<{m[1] + ':' if m[1] else ''}{m[2]}>", route
            )
            for operation in path_view.operations:
                methods[route] = methods.get(route, ()) + tuple(operation.methods)
    return methods


def list_pages() -> list[Route]:
    """Named URL patterns that are not API operations (pages, the API schema and docs)."""
    api_routes = _api_methods()
    return [r for r in _walk(get_resolver().url_patterns, "", "") if r.route not in api_routes]


def list_api_operations() -> list[Route]:
    """One Route per API path with every HTTP method it accepts."""
    named = {r.route: r.view_name for r in _walk(get_resolver().url_patterns, "", "")}
    return [
        Route(route=route, view_name=named.get(route, route), methods=methods)
        for route, methods in sorted(_api_methods().items())
    ]
