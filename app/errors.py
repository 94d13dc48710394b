"""Every error becomes a clear answer: problem+json for the API, a plain page for people. No stack traces."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.services.errors import Problem

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json" and not request.accept_mimetypes.accept_html
    )


def problem_response(problem: Problem) -> Response | tuple[str, int]:
    if _wants_json():
        response = jsonify(problem.as_dict())
        response.status_code = problem.status
        response.mimetype = "application/problem+json"
        return response
    return render_template("errors/problem.html", problem=problem), problem.status


def init_app(app: Flask) -> None:
    @app.errorhandler(Problem)
    def handle_problem(problem: Problem):  # type: ignore[no-untyped-def]
        response = problem_response(problem)
        retry_after = getattr(problem, "retry_after", None)
        if retry_after and isinstance(response, Response):
            response.headers["Retry-After"] = str(retry_after)
        return response

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):  # type: ignore[no-untyped-def]
        status = error.code or 500
        detail = error.description or error.name
        if status == 429:
            detail = "Too many requests in a short time; wait a moment and try again."
        response = problem_response(Problem(status, error.name, detail))
        if status == 405 and isinstance(response, Response):
            response.headers["Allow"] = ", ".join(error.valid_methods or [])  # type: ignore[attr-defined]
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):  # type: ignore[no-untyped-def]
        log.exception("unexpected error on %s %s", request.method, request.path)
        db.session.rollback()
        return problem_response(Problem(500, "Internal error",
                                        "Something went wrong on the server; nothing was saved. Please try again."))
