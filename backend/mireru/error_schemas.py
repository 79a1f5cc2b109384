"""The JSON shape of every error response, documented once for all routes in the OpenAPI spec."""

from typing import Any

from pydantic import BaseModel

from mireru.errors import ERROR_RESPONSE_CODES

DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing or wrong credentials",
    403: "The caller lacks the role this needs",
    404: "Unknown id (or not visible to the caller)",
    409: "Conflicts with the current state",
    413: "Too large (bytes, pixels, files or rows)",
    415: "Not a supported file type",
    422: "Invalid input; the message names the field and the problem",
    503: "A dependency (database, Redis) is down; retry shortly",
}


class ErrorBody(BaseModel):
    code: str
    message: str
    detail: dict[str, Any] | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": DESCRIPTIONS[code]} for code in ERROR_RESPONSE_CODES
}
