"""The app's mounted API routes with their full path templates.

FastAPI 0.16x keeps included routers as lazy groups (`app.routes` no longer lists every APIRoute
with its prefix); `iter_route_contexts` gives the effective routes. Older versions list them."""

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI, routing
from fastapi.routing import APIRoute

# Present from the FastAPI release that made included routers lazy groups.
_ITER_CONTEXTS: Callable[[Any], Iterator[Any]] | None = getattr(routing, "iter_route_contexts", None)


def api_routes(app: FastAPI) -> Iterator[tuple[str, str, Callable[..., Any]]]:
    """(method, full path template, endpoint) for every HTTP API route."""
    routes: Any = _ITER_CONTEXTS(app.routes) if _ITER_CONTEXTS is not None else app.routes
    for route in routes:
        path, methods, endpoint = route.path, route.methods, getattr(route, "endpoint", None)
        if _ITER_CONTEXTS is None and not isinstance(route, APIRoute):
            continue
        if not path or not methods or endpoint is None:
            continue
        for method in methods:
            yield method, path, endpoint
