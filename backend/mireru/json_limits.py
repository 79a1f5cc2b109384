"""Refuse oversized or deeply nested JSON request bodies before any route parses them.

Pydantic bounds each field, but a body of millions of keys or thousands of nested arrays costs
memory and recursion while it is parsed; this ASGI middleware measures first (413 / 422)."""

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Only the characters that matter for nesting survive, so the loop below sees few bytes.
_KEEP = b'"\\[]{}'
_DROP = bytes(c for c in range(256) if c not in _KEEP)


def json_depth(body: bytes) -> int:
    """Deepest nesting of arrays/objects, ignoring brackets inside strings."""
    depth = deepest = 0
    in_string = escaped = False
    for c in body.translate(None, _DROP):
        if in_string:
            if escaped:
                escaped = False
            elif c == 0x5C:  # backslash
                escaped = True
            elif c == 0x22:  # quote
                in_string = False
        elif c == 0x22:
            in_string = True
        elif c in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif c in (0x5D, 0x7D):
            depth -= 1
    return deepest


class JsonLimits:
    def __init__(self, app: ASGIApp, max_bytes: int, max_depth: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                too_big = f"the JSON body is larger than the limit of {self.max_bytes} bytes"
                await _refuse(send, 413, "payload_too_large", too_big)
                return
        depth = json_depth(bytes(body))
        if depth > self.max_depth:
            too_deep = f"the JSON body is nested {depth} levels deep; the limit is {self.max_depth}"
            await _refuse(send, 422, "invalid_input", too_deep)
            return
        await self.app(scope, _replay(bytes(body)), send)


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return value.split(b";")[0].strip().lower() in (b"application/json", b"text/json")
    return False


def _replay(body: bytes) -> Callable[[], Awaitable[Message]]:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _refuse(send: Send, status: int, code: str, message: str) -> None:
    payload: dict[str, Any] = {"error": {"code": code, "message": message}}
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
