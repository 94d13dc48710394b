"""app.services.editing on its own: the rules the forms rely on, with the API's validators and messages."""

from __future__ import annotations

from typing import Any

import pytest

from app.services.errors import Problem


def owned(app: Any, workshop: dict[str, Any]) -> Any:
    from app.extensions import db
    from app.models import Workshop

    return db.session.get(Workshop, workshop["id"])


def test_reorder_sets_the_whole_order_or_nothing(app: Any, workshop: dict[str, Any]) -> None:
    from app.services import editing
    from app.services.database import transaction

    with app.app_context():
        with transaction():
            editing.reorder(owned(app, workshop), "items", ["power", "finance", "skills"])
        assert [i.key for i in owned(app, workshop).items] == ["power", "finance", "skills"]
        for keys in (["power", "finance"], ["power", "finance", "finance"], ["a", "b", "c"]):
            with pytest.raises(Problem) as caught, transaction():
                editing.reorder(owned(app, workshop), "items", keys)
            assert caught.value.status == 422
        assert [i.key for i in owned(app, workshop).items] == ["power", "finance", "skills"]
        # The activity keeps its own order: reordering the workshop's list does not reorder a matrix.
        assert [i.key for i in owned(app, workshop).activities[0].items] == ["finance", "skills", "power"]


def test_settings_use_the_api_rules(app: Any, workshop: dict[str, Any]) -> None:
    from app.services import editing

    with app.app_context(), pytest.raises(Problem) as caught:
        editing.clean_settings({"title": " ", "language": "de", "min_group_size": 2.0})
    fields = {e.field: e.message for e in caught.value.errors}
    assert set(fields) == {"title", "language", "min_group_size"}
    assert fields["min_group_size"] == "The minimum group size is a whole number of at least 3."


def test_activity_settings_keep_the_wording_the_form_does_not_edit(app: Any, api: Any) -> None:
    from app.services import editing
    from app.services.database import transaction

    created = api.post("/api/v1/workshops", json={"template": "regional", "title": "R"}).get_json()
    with app.app_context():
        workshop = owned(app, created)
        activity = workshop.activity("constraints")
        data = {"key": "constraints", "title": "Renamed", "items": [i.key for i in activity.items],
                "x": {**activity.settings["x"]}, "y": {**activity.settings["y"]},
                "quadrants": activity.settings["quadrants"]}
        with transaction():
            editing.update_activity(workshop, "constraints", data)
        settings = owned(app, created).activity("constraints").settings
        assert settings["quadrant_notes"]["top_right"] and settings["scale_labels"]["1"] == "Very low"
        with transaction():
            editing.update_activity(owned(app, created), "constraints", {**data, "x": {**data["x"], "max": 7}})
        settings = owned(app, created).activity("constraints").settings
        assert "scale_labels" not in settings  # 'Very high' no longer names the top of a 1-7 scale
