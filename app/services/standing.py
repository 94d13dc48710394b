"""Where a participant stands: the room's figures, exactly as the screen shows them, with this phone's own
answers beside them, once the facilitator has revealed the activity.

Room figures come only from `results.room_view(activity)`, the screen's view
(pooled, groups-weighted, suppressed as the room sees it), and only its pooled figures are used: no group
appears on a phone. The participant's own answers are read for that participant only. The page draws plain
shapes (server-side SVG and CSS bars), so it is light and works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from app import activities as activity_types
from app.activities.drawing import PAD, SIZE
from app.models import Activity, Participant
from app.services import live, participation, results


def visible(activity: Activity) -> bool:
    """Shown on phones once revealed (`on_reveal`), or once closed for a live activity (see live.phones_may_see),
    and never while the screen itself holds the figures back."""
    return live.phones_may_see(activity) and not live.is_hidden(activity)


def room_view(activity: Activity) -> dict[str, Any]:
    """The screen's document: the one view of the room a phone may show."""
    return results.room_view(activity)


def standing(activity: Activity, participant: Participant) -> dict[str, Any] | None:
    """The phone page's figures, or None while they are not to be shown."""
    if not visible(activity):
        return None
    room = room_view(activity)
    if room.get("hidden"):
        return None
    own = participation.saved_values(participant, activity)
    titles = {i.key: i.title for i in activity.items}
    entries = [e for e in room.get("items", []) if isinstance(e, dict) and e.get("item") in titles]
    view: dict[str, Any] = {"type": activity.type, "round": activity.round, "respondents": room.get("respondents"),
                            "size": SIZE, "pad": PAD}
    shown = activity_types.of(activity).standing(activity, entries, own, room, titles)
    if shown is None:
        return None
    view.update(shown)
    return view
