"""Exceptions raised by the client: each carries Berth's own message and, for bad input, its field errors."""

from __future__ import annotations

from typing import Any


class BerthError(Exception):
    """A request Berth refused or could not answer; ``status`` is the HTTP status (None: no answer)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        field_errors: dict[str, list[str]] | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.field_errors: dict[str, list[str]] = field_errors or {}
        self.body = body

    def __str__(self) -> str:
        if not self.field_errors:
            return self.message
        fields = "; ".join(f"{name}: {' '.join(problems)}" for name, problems in self.field_errors.items())
        return f"{self.message} ({fields})"


class AuthenticationError(BerthError):
    """401: no token, or one Berth does not accept (revoked, expired, mistyped)."""


class PermissionDenied(BerthError):
    """403: the caller may not do this (a permission, or a config or cluster their groups may not use)."""


class NotFound(BerthError):
    """404: no such object, or one the caller may not see."""


class Conflict(BerthError):
    """409: the object's state does not allow it (e.g. aborting a run that has finished)."""


class ValidationError(BerthError):
    """400 or 422: the request is not valid; ``field_errors`` says what is wrong with each field."""


class ConfigError(BerthError):
    """The client's own settings are missing or unsafe (no URL or token, a config file others can read)."""


_BY_STATUS: dict[int, type[BerthError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    422: ValidationError,
}


def error_for(status: int, body: Any, fallback: str) -> BerthError:
    """The exception for an error answer: Berth's ``{error, fieldErrors}`` body when it sent one."""
    message = fallback
    field_errors: dict[str, list[str]] | None = None
    if isinstance(body, dict):
        if isinstance(body.get("error"), str) and body["error"]:
            message = body["error"]
        raw = body.get("fieldErrors")
        if isinstance(raw, dict):
            field_errors = {str(name): [str(p) for p in problems] for name, problems in raw.items() if isinstance(problems, list)}
    return _BY_STATUS.get(status, BerthError)(message, status=status, field_errors=field_errors, body=body)
