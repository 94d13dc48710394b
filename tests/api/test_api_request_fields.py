"""The server checks a request body against the interface document itself: the fields and JSON types of each
documented request schema are what `strict` accepts (app/api/strict.py, `documented`)."""

from __future__ import annotations

from typing import Any

import pytest

from app.api import strict

SCHEMAS = {"Axis": {"type": "object"}, "Label": {"enum": ["a", "b"]}}


def test_fields_and_types_are_read_from_the_schema() -> None:
    schema = {
        "type": "object", "additionalProperties": False,
        "properties": {"a": {"type": "string"}, "b": {"type": ["integer", "null"]},
                       "c": {"enum": [0, 60, None]}, "d": {"const": True},
                       "e": {"$ref": "#/components/schemas/Axis"}, "f": {"$ref": "#/components/schemas/Label"},
                       "g": {"oneOf": [{"type": "string"}, {"type": "number"}]}},
        "oneOf": [{"properties": {"h": {"type": "boolean"}}}, {"$ref": "#/components/schemas/Axis"}],
    }
    assert strict.fields(schema, SCHEMAS) == {
        "a": ("string",), "b": ("integer", "null"), "c": ("integer", "null"), "d": ("boolean",),
        "e": ("object",), "f": ("string",), "g": ("string", "number"), "h": ("boolean",)}


def test_a_property_the_server_could_not_check_is_an_error_of_the_document() -> None:
    with pytest.raises(ValueError):
        strict.fields({"properties": {"x": {"description": "anything"}}}, SCHEMAS)


def test_every_documented_body_reaches_its_view(app: Any) -> None:
    """Each documented JSON body is keyed by the view that serves it; the ballot's is there too (its own
    validators read it), so nothing documented is left without a view."""
    with app.test_request_context():
        table, _schemas = strict._read_document()
    endpoints = {endpoint for endpoint, _method in table}
    assert {"api.join", "api.save_responses", "api.create_workshop", "api.put_pace"} <= endpoints
    assert table[("api.join", "POST")] == {"code": ("string",), "group": ("string",),
                                          "device": ("string", "null"), "passcode": ("string", "null"),
                                          "seat": ("string", "null")}
