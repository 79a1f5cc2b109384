"""Serve the built web app (frontend/ → backend/mireru/static/) at `/`, with index.html for the
app's own routes. The API, the docs and the spec keep their paths: this route never answers them."""

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.datastructures import URLPath
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send

STATIC_DIR = Path(__file__).parent / "static"
# Vite names everything under assets/ by content hash, so those files never change.
IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"


class SpaRoute(BaseRoute):
    """GET/HEAD on any path outside the reserved prefixes: a built file if one exists at that path,
    else index.html (client-side routes). A missing file with an extension is a 404, not HTML."""

    def __init__(self, directory: Path, reserved: tuple[str, ...], fallback_url: str) -> None:
        self.directory = directory.resolve()
        self.reserved = reserved
        self.fallback_url = fallback_url

    def _is_reserved(self, path: str) -> bool:
        return any(path == prefix or path.startswith(prefix.rstrip("/") + "/") for prefix in self.reserved)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return Match.NONE, {}
        if self._is_reserved(scope["path"]):
            return Match.NONE, {}
        return Match.FULL, {}

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        raise NoMatchFound(name, path_params)

    def _file(self, relative: str) -> Path | None:
        if not relative:
            return None
        candidate = (self.directory / relative).resolve()
        if not candidate.is_relative_to(self.directory) or not candidate.is_file():
            return None
        return candidate

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = self._response(scope["path"])
        await response(scope, receive, send)

    def _response(self, path: str) -> Response:
        index = self.directory / "index.html"
        if not index.is_file():
            if path == "/":
                return RedirectResponse(self.fallback_url)
            raise HTTPException(404, "the web app is not built: run `make build` (API docs at /docs)")
        relative = path.lstrip("/")
        found = self._file(relative)
        if found is not None:
            cache = IMMUTABLE if relative.startswith("assets/") else NO_CACHE
            return FileResponse(found, headers={"Cache-Control": cache})
        if "." in relative.rsplit("/", 1)[-1]:
            raise HTTPException(404, f"no file at {path}")
        return FileResponse(index, media_type="text/html", headers={"Cache-Control": NO_CACHE})


def mount_spa(app: FastAPI, directory: Path = STATIC_DIR) -> None:
    """Add the web app's route last. Without a build, `/` redirects to the API docs."""
    urls = ("/api", app.docs_url, app.redoc_url, app.openapi_url, app.swagger_ui_oauth2_redirect_url)
    reserved = tuple(url for url in urls if url)
    app.router.routes.append(SpaRoute(directory, reserved, app.docs_url or "/openapi.json"))
