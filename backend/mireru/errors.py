"""Domain errors. Services raise these; one handler in main.py turns them into JSON."""

from typing import Any


class MireruError(Exception):
    """Base of every error a client may see; `status` is the HTTP status it maps to."""

    status: int = 400
    code: str = "bad_request"

    def __init__(self, message: str, **detail: Any) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.detail:
            body["detail"] = self.detail
        return body


class InvalidInput(MireruError):
    status = 422
    code = "invalid_input"


class NotFound(MireruError):
    status = 404
    code = "not_found"


class Conflict(MireruError):
    status = 409
    code = "conflict"


class PayloadTooLarge(MireruError):
    status = 413
    code = "payload_too_large"


class UnsupportedMedia(MireruError):
    status = 415
    code = "unsupported_media_type"


class Unauthorized(MireruError):
    status = 401
    code = "unauthorized"


class Forbidden(MireruError):
    status = 403
    code = "forbidden"


class ServiceUnavailable(MireruError):
    status = 503
    code = "service_unavailable"


class TooManyPixels(PayloadTooLarge):
    code = "too_many_pixels"


# --- the documented shape of every error response ------------------------------------------------

ERROR_RESPONSE_CODES = (400, 401, 403, 404, 409, 413, 415, 422, 503)
