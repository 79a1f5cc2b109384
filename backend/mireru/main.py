"""create_app(): the FastAPI application with its routers, lifespan and one error handler."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import redis
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, OperationalError, StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException

from mireru import __version__, listeners
from mireru.api import api_router
from mireru.config import Settings, get_settings
from mireru.errors import MireruError
from mireru.json_limits import JsonLimits
from mireru.services.stack import ServiceStack
from mireru.spa import mount_spa
from mireru.state import AppState

log = logging.getLogger(__name__)

DESCRIPTION = """
Mireru: annotate images with text and sensor readings, train models on them, and serve
similar-image search and predictions. Errors are JSON: `{"error": {"code", "message", "detail"}}`.
When `MIRERU_ADMIN_TOKEN` is set, send `Authorization: Bearer <token>` on every `/api/v1` route
except `/api/v1/health`.
"""


def _error(status: int, code: str, message: str, detail: Any = None) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if detail is not None:
        body["detail"] = detail
    return JSONResponse({"error": body}, status_code=status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(MireruError)
    async def mireru_error(_: Request, exc: MireruError) -> JSONResponse:
        return JSONResponse({"error": exc.to_dict()}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [
            {"loc": [str(p) for p in e.get("loc", ())], "message": e.get("msg", "")} for e in exc.errors()
        ]
        summary = "; ".join(f"{'.'.join(f['loc'])}: {f['message']}" for f in fields[:5])
        return _error(422, "validation_error", f"invalid request: {summary}", {"fields": fields})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _error(exc.status_code, code, str(exc.detail))

    @app.exception_handler(OperationalError)
    async def database_down(_: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", exc)
        return _error(503, "database_unavailable", "the database is unavailable; try again shortly")

    @app.exception_handler(DataError)
    async def unstorable_value(_: Request, exc: DataError) -> JSONResponse:
        # e.g. a NUL character in text or a number out of the column's range
        first = str(exc.orig).splitlines()[0] if exc.orig else "invalid value"
        return _error(422, "invalid_input", f"the database cannot store a value in this request: {first}")

    @app.exception_handler(StatementError)
    async def unencodable_value(_: Request, exc: StatementError) -> JSONResponse:
        if isinstance(exc.orig, UnicodeError):
            return _error(422, "invalid_input", "text must be valid Unicode (no unpaired surrogates)")
        log.exception("statement error")
        return _error(500, "internal_error", "the request could not be processed")

    @app.exception_handler(DBAPIError)
    async def database_error(_: Request, exc: DBAPIError) -> JSONResponse:
        if exc.connection_invalidated:
            return _error(503, "database_unavailable", "the database connection was lost; retry")
        log.exception("database error")
        return _error(500, "database_error", "the database rejected the request")

    @app.exception_handler(redis.ConnectionError)
    async def redis_down(_: Request, exc: redis.ConnectionError) -> JSONResponse:
        log.warning("redis unavailable: %s", exc)
        return _error(503, "queue_unavailable", "the job queue (Redis) is unavailable; retry")


def create_app(state: AppState | None = None, settings: Settings | None = None) -> FastAPI:
    """Build the app. With `state`, it uses those services; without, it starts its own stack."""
    listeners.register()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if state is not None:
            app.state.mireru = state
            yield
            return
        cfg = settings or get_settings()
        stack = ServiceStack.start(cfg)
        app.state.mireru = AppState.build(cfg, stack.database_url, stack.redis_url)
        try:
            yield
        finally:
            app.state.mireru.engine.dispose()
            stack.stop()

    app = FastAPI(
        title="Mireru",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    if state is not None:
        app.state.mireru = state
    _install_error_handlers(app)
    limits = state.settings if state is not None else (settings or get_settings())
    app.add_middleware(JsonLimits, max_bytes=limits.max_json_bytes, max_depth=limits.max_json_depth)
    app.include_router(api_router)
    mount_spa(app)  # last: the web app at `/`, or a redirect to /docs until it is built
    return app
