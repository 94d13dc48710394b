"""Socket.IO event names, in one list shared by the server and the browser.

The server emits with these constants and the base template renders `ALL` as the JSON block
`#prioritas-events`, which `static/js/common.js` reads into `Prioritas.events`: a renamed event changes in
one place, and a typo fails a test instead of a live workshop. Payloads are described in the OpenAPI
document's `x-socketio.events`.
"""

from __future__ import annotations

from typing import Final

#: A results document of one activity (exact to facilitators, the released figures to screens).
RESULTS: Final = "results"
#: How many joined per group, to facilitators.
PARTICIPATION: Final = "participation"
#: An activity's state changed: {activity, state}.
STATE: Final = "state"
#: The round an open activity is in: {activity, round} (a new Delphi round does not change the state).
ROUND: Final = "round"
#: The facilitator revealed or hid an activity's figures: {activity, revealed}.
REVEALED: Final = "revealed"
#: A countdown started or stopped: {activity, ends_at}.
TIMER: Final = "timer"
#: How many participant proposals wait for a decision, to facilitators.
PROPOSALS: Final = "proposals"
#: Presenter pace moved: phones follow, screens highlight, remotes and consoles refresh.
PACE: Final = "pace"
#: An approved suggestion became an item, to screens (title and kind, never who).
PROPOSAL_ADDED: Final = "proposal_added"
#: The screen link was replaced: screens on the old one reload onto its "not found" page.
SCREEN_REVOKED: Final = "screen_revoked"

#: Every event by constant name, as the browser reads it (`Prioritas.events.RESULTS`).
ALL: Final[dict[str, str]] = {
    "RESULTS": RESULTS,
    "PARTICIPATION": PARTICIPATION,
    "STATE": STATE,
    "ROUND": ROUND,
    "REVEALED": REVEALED,
    "TIMER": TIMER,
    "PROPOSALS": PROPOSALS,
    "PACE": PACE,
    "PROPOSAL_ADDED": PROPOSAL_ADDED,
    "SCREEN_REVOKED": SCREEN_REVOKED,
}
