"""How the phone words what the vote path's validators say, next to the item concerned.

Reading a phone form is the activity type's job (`app/activities/`): a form becomes the interface's JSON body,
so the phone, the API and paper ballots are validated by the same code. What stays here is the phone's own
wording of the validators' messages (shorter, in terms of the buttons on the page).
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _

from app import activities as activity_types
from app.models import Activity
from app.services.errors import Problem


def problem_errors(activity: Activity, problem: Problem, body: dict[str, Any]) -> tuple[dict[str, list[str]],
                                                                                         list[str]]:
    """The type's mapping of a refused ballot to its items, in the phone's words."""
    by_item, general = activity_types.of(activity).problem_errors(activity, problem, body)
    return ({key: [service_message(m) for m in messages] for key, messages in by_item.items()},
            [service_message(m) for m in general])


#: The participation service's English messages a phone can meet, and how to say them in the phone's language.
_SERVICE_MESSAGES: tuple[tuple[re.Pattern[str], Any], ...] = (
    (re.compile(r"^No workshop has this join code\. Check the code on the screen\.$"),
     lambda m: _("No workshop has this join code. Check the code on the screen.")),
    (re.compile(r"^The facilitator has closed joining for this workshop\.$"),
     lambda m: _("The facilitator has closed joining for this workshop.")),
    (re.compile(r"^Choose one of the workshop's stakeholder groups\.$"),
     lambda m: _("Choose one of the workshop's stakeholder groups.")),
    (re.compile(r"^Too many people joined at once; please try again\.$"),
     lambda m: _("Too many people joined at once; please try again.")),
    (re.compile(r"^The value must be a whole number from (-?\d+) to (-?\d+), or null\.$"),
     lambda m: _("Choose a number from %(low)s to %(high)s, or Don't know.", low=m[1], high=m[2])),
    (re.compile(r"^Give a value \(a whole number, or null for don't know\)\.$"),
     lambda m: _("Choose a number, or Don't know.")),
    (re.compile(r"^Points are whole numbers of at least 0\.$"),
     lambda m: _("Points are whole numbers of at least 0.")),
    (re.compile(r"^At most (\d+) points per item\.$"), lambda m: _("At most %(cap)s points per item.", cap=m[1])),
    (re.compile(r"^Rank at most (\d+) items\.$"), lambda m: _("Rank at most %(top)s items.", top=m[1])),
    (re.compile(r"^Rate at least one item\.$"), lambda m: _("Rate at least one item.")),
    (re.compile(r"^The ballot is invalid; nothing was saved\.$|^The ranking is invalid; nothing was saved\.$"
                r"|^One or more (ratings|scores) are invalid; nothing was saved\.$"),
     lambda m: _("please check the highlighted items.")),
)


def service_message(text: str) -> str:
    """A validation message from the participation service, translated at the view layer (the service and the
    engine stay free of Flask); a message not listed here is shown as the service wrote it."""
    for pattern, say in _SERVICE_MESSAGES:
        match = pattern.match(text or "")
        if match:
            return str(say(match))
    return text
