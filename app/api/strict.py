"""Strict JSON command bodies: a field the server does not read is refused, never silently ignored.

A client that sends `{"weights": ...}` to an endpoint that reads `criteria`, or `{"minutes": 5}` to the timer,
believes it changed something. Every write endpoint of `/api/v1` that takes a JSON object therefore names the
fields it accepts (and their JSON types) here, the OpenAPI request schema lists exactly those fields with
`additionalProperties: false`, and anything else is a 422 naming each offending field before anything is
written. Views call `object_body` after their 401/404/403/409 checks, so the contract's order holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import request
from flask_babel import gettext as _

from app.services.errors import FieldError, invalid, invalid_field

#: JSON type names (as in JSON Schema) and the Python values the parser produces for each.
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,),
    "object": (dict,), "array": (list,), "null": (type(None),),
}

Types = Mapping[str, str | tuple[str, ...]]


def _is(value: Any, name: str) -> bool:
    if isinstance(value, bool) and name in ("integer", "number"):
        return False  # JSON true is not the number 1
    return isinstance(value, _JSON_TYPES[name])


def _either(names: tuple[str, ...]) -> str:
    """JSON type names (kept as the schema spells them) joined by the request's language's "or"."""
    joined = names[0]
    for name in names[1:]:
        joined = _("%(first)s or %(second)s", first=joined, second=name)
    return joined


def check_object(body: Any, types: Types, *, path: str = "", field: str | None = None) -> dict[str, Any]:
    """`body` as a dict whose every key is one of `types` with a value of the listed JSON type(s); else 422.

    All unknown and mistyped fields are reported in one answer, so a client fixes its request in one go.
    `field` names the field a body that is not an object is reported under (the endpoint's main field).
    """
    if not isinstance(body, dict):
        raise invalid_field(path if field is None else field, _("The body must be a JSON object."))
    prefix = f"{path}." if path else ""
    errors: list[FieldError] = []
    unknown: list[str] = []  # the fields named in the detail (the messages are in the request's language)
    for name in body:
        if name not in types:
            unknown.append(f"{prefix}{name}")
            message = (_("Unknown field '%(name)s' (accepted: %(accepted)s).", name=name, accepted=", ".join(types))
                       if types else _("Unknown field '%(name)s' (accepted: none).", name=name))
            errors.append(FieldError(f"{prefix}{name}", message))
    for name, value in body.items():
        wanted = types.get(name)
        if wanted is None:
            continue
        names = (wanted,) if isinstance(wanted, str) else wanted
        if not any(_is(value, n) for n in names):
            errors.append(FieldError(f"{prefix}{name}", _("'%(name)s' must be %(types)s.", name=name,
                                                          types=_either(names))))
    if errors:
        detail = (_("Unknown field(s): %(fields)s; nothing was changed.", fields=", ".join(unknown)) if unknown
                  else _("A field has the wrong type; nothing was changed."))
        raise invalid(errors, detail)
    return body


def object_body(types: Types, *, optional: bool = False, field: str | None = None) -> dict[str, Any]:
    """The request's JSON object, checked by `check_object`.

    `optional`: an empty body counts as `{}` (commands such as open, reveal or revoke need no body). A body
    that is not JSON at all is a 422 too, rather than being read as "no options".
    """
    if optional and not request.get_data():
        return {}
    return check_object(json_body(), types, field=field)


def json_body() -> Any:
    """The parsed JSON body, of any shape; a body that is not JSON is a 422 (after the auth and state checks)."""
    data = request.get_json(silent=True)
    if data is None:
        raise invalid_field("", _("The body must be JSON (Content-Type: application/json)."))
    return data


def no_fields() -> dict[str, Any]:
    """For commands that take nothing: no body, or `{}`; any field is unknown."""
    return object_body({}, optional=True)
