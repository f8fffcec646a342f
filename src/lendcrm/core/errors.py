"""Errors that business operations raise; the API and UI turn them into clear messages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


class DomainError(Exception):
    """A business rule refused the operation. `field` names the offending input when there is one."""

    status_code = 400

    def __init__(
        self, message: str, *, field: str | None = None, problems: list[FieldProblem] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or ([FieldProblem(field, message)] if field else [])


class NotFound(DomainError):
    """Absent, or outside the caller's data scope: both look the same to the caller."""

    status_code = 404


class PermissionDenied(DomainError):
    status_code = 403


class PolicyDenied(PermissionDenied):
    """The access policy refused the route for the caller's role."""


class Conflict(DomainError):
    status_code = 409
