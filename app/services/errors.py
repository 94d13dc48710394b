"""Errors that services raise and every boundary (API, pages, sockets) turns into a clear answer."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

#: Field errors listed in one answer; the rest are only counted.
MAX_LISTED_ERRORS = 20


@dataclass
class FieldError:
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


@dataclass
class Problem(Exception):
    """An RFC 9457 problem: the API renders it as application/problem+json, pages as a message."""

    status: int
    title: str
    detail: str = ""
    errors: list[FieldError] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.detail or self.title)

    def as_dict(self) -> dict[str, object]:
        detail = self.detail or self.title
        if len(self.errors) > MAX_LISTED_ERRORS:  # a huge bad body still gets a short answer
            detail += " " + _("(the first %(listed)s of %(n)s errors are listed)", listed=MAX_LISTED_ERRORS,
                              n=len(self.errors))
        body: dict[str, object] = {
            "type": f"/problems/{self.slug}",
            "title": self.title,
            "status": self.status,
            "detail": detail,
        }
        if self.errors:
            body["errors"] = [e.as_dict() for e in self.errors[:MAX_LISTED_ERRORS]]
        return body

    @property
    def slug(self) -> str:
        return {
            400: "bad-request",
            401: "unauthorized",
            403: "forbidden",
            404: "not-found",
            405: "method-not-allowed",
            409: "conflict",
            413: "too-large",
            422: "validation",
            429: "rate-limited",
        }.get(self.status, "error")


def unauthorized(detail: str | None = None) -> Problem:
    return Problem(401, "Unauthorized", detail or _("Valid credentials are required."))


def forbidden(detail: str | None = None) -> Problem:
    return Problem(403, "Forbidden", detail or _("These credentials may not touch this workshop."))


def not_found(detail: str | None = None) -> Problem:
    return Problem(404, "Not found", detail or _("Not found."))


def conflict(detail: str) -> Problem:
    return Problem(409, "Conflict", detail)


def invalid(errors: list[FieldError], detail: str | None = None) -> Problem:
    return Problem(422, "Invalid request", detail or _("The request has invalid values."), errors)


def invalid_field(field_name: str, message: str) -> Problem:
    return invalid([FieldError(field_name, message)], message)
