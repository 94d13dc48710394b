"""Strict JSON command bodies: a field the server does not read is refused, never silently ignored.

A client that sends `{"weights": ...}` to an endpoint that reads `criteria`, or `{"minutes": 5}` to the timer,
believes it changed something. Every write endpoint of `/api/v1` that takes a JSON object therefore names the
fields it accepts (and their JSON types) here, the OpenAPI request schema lists exactly those fields with
`additionalProperties: false`, and anything else is a 422 naming each offending field before anything is
written. Views call `object_body` after their 401/404/403/409 checks, so the contract's order holds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import current_app, request
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


# --- the fields come from the interface document --------------------------------------------------------------

_JSON_TYPE_OF = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"), (type(None), "null"),
                 (list, "array"), (dict, "object"))


def _value_type(value: Any) -> str:
    return next(name for kind, name in _JSON_TYPE_OF if isinstance(value, kind))


def _types_of(prop: Mapping[str, Any], schemas: Mapping[str, Any]) -> tuple[str, ...]:
    """The JSON types a property schema admits: its `type`, its `enum`/`const` values' types, a `$ref`'s, or
    the union of its `oneOf`/`anyOf` branches. A property the server could not check this way is an error
    of the document, raised at once rather than accepted silently."""
    if "$ref" in prop:
        return _types_of(schemas[prop["$ref"].rsplit("/", 1)[1]], schemas)
    if "type" in prop:
        kind = prop["type"]
        return tuple(kind) if isinstance(kind, list) else (kind,)
    if "enum" in prop or "const" in prop:
        values = prop["enum"] if "enum" in prop else [prop["const"]]
        return tuple(dict.fromkeys(_value_type(v) for v in values))
    branches = prop.get("oneOf") or prop.get("anyOf")
    if branches:
        return tuple(dict.fromkeys(t for branch in branches for t in _types_of(branch, schemas)))
    raise ValueError(f"no JSON type can be read from {prop!r}")


def fields(schema: Mapping[str, Any], schemas: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """A request body schema's fields and the JSON types each admits (branches of a `oneOf` merged)."""
    while "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
    out: dict[str, tuple[str, ...]] = {}
    for branch in [schema, *(schema.get("oneOf") or schema.get("anyOf") or [])]:
        branch = schemas[branch["$ref"].rsplit("/", 1)[1]] if "$ref" in branch else branch
        for name, prop in (branch.get("properties") or {}).items():
            out[name] = tuple(dict.fromkeys((*out.get(name, ()), *_types_of(prop, schemas))))
    return out


def _example(path: str) -> str:
    """A documented path with example values (`{id}`, `{pid}`... -> 1, `{key}` -> k), to find its view."""
    return re.sub(r"\{(\w+)\}", lambda m: "1" if m.group(1).endswith("id") else "k", path)


def _read_document() -> tuple[dict[tuple[str, str], dict[str, tuple[str, ...]]], dict[str, Any]]:
    """Every documented JSON request body's fields, keyed by the view and method that serve it, and the
    document's schemas."""
    from app.api.openapi import openapi_document

    document = openapi_document()
    schemas = document["components"]["schemas"]
    urls = current_app.url_map.bind("localhost")
    table = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None:
                endpoint, _args = urls.match(document["servers"][0]["url"] + _example(path), method=method.upper())
                table[(endpoint, method.upper())] = fields(body["schema"], schemas)
    return table, schemas


def documented(component: str | None = None) -> dict[str, tuple[str, ...]]:
    """The fields (and JSON types) the interface document lists for this request's body, or for one of its
    schemas (`component`): the document is what the server checks, so the two cannot disagree. Read once
    per application."""
    cached = current_app.extensions.get("prioritas.request_fields")
    if cached is None:
        cached = current_app.extensions["prioritas.request_fields"] = _read_document()
    table, schemas = cached
    if component is not None:
        return fields({"$ref": f"#/components/schemas/{component}"}, schemas)
    return table[(request.endpoint, request.method)]
