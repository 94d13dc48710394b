"""Template `paca-proposals`: filter a PACA results workshop's proposals by the three PACA criteria.

PACA (docs/methods.md, "PACA's three questions") keeps proposals that can be done with local resources, can
start within weeks and show visible results within about three months; bigger items are
passed on, not dropped (each carries a `locus`). The three criteria make the feasibility axis, two benefit
criteria the other; a dot vote then picks the few proposals the room commits to.
"""

from __future__ import annotations

from app.library._parts import (
    Definition,
    constraint,
    criteria_activity,
    criterion,
    definition,
    points_activity,
    tripartite_groups,
)

KEY = "paca-proposals"
TITLE = "PACA proposals: quick, local, visible"
DESCRIPTION = (
    "Score 9 proposals on the three PACA criteria (local resources, quick start, visible results within about "
    "three months) and on expected benefit, then pick the ones to start with a dot vote."
)

METHOD_NOTE = (
    "PACA asks three questions of every proposal: can we do it with local resources (skills, time, money)? "
    "Can it start within weeks? Will it show visible results within about three months? "
    "They form the feasibility axis (x); expected benefit for firms and jobs forms the other (y). "
    "Scores are the room's perceptions and hypotheses to be tested in the way-forward workshop, not a diagnosis. "
    "Proposals that score low on feasibility are not dropped: pass them, with their locus, to the municipality, "
    "association or national body that can act. The dot vote picks the few proposals the room will start with."
)

QUADRANTS = {
    "top_right": "Start now",
    "top_left": "Pass on / prepare",
    "bottom_right": "Easy extras",
    "bottom_left": "Drop for now",
}
QUADRANT_NOTES = {
    "top_right": "Agree an owner, a first step and a date before the room leaves.",
    "top_left": "Valuable but beyond local means: hand it to the level that can act.",
    "bottom_right": "Do it if someone volunteers; it builds trust.",
    "bottom_left": "Not now.",
}

PROPOSALS: list[Definition] = [
    constraint("one-stop-desk", "One-stop desk for business permits",
               "A single municipal desk that handles permits within a week.", "macro", "local"),
    constraint("supplier-day", "Local supplier day with large buyers",
               "Meet-the-buyer day linking local firms to mines, hotels and hospitals.", "micro", "local"),
    constraint("apprenticeships", "Apprenticeship pool for small firms",
               "Small firms share apprentices and a training coordinator.", "meso", "local"),
    constraint("market-upgrade", "Upgrade the fresh produce market",
               "Shade, water, cold room and fair stall rules at the town market.", "meso", "local"),
    constraint("osh-clinic", "Workplace safety clinic",
               "Monthly advice on safety and health for small workshops.", "micro", "local"),
    constraint("investor-guide", "Investor guide and web page",
               "Short guide to sites, costs, contacts and incentives in the region.", "meso", "regional"),
    constraint("dialogue-forum", "Quarterly local economic forum",
               "Government, employers and unions review progress every quarter.", "meta", "local"),
    constraint("industrial-park", "New industrial park",
               "Serviced land with power and roads for manufacturers.", "meso", "national"),
    constraint("export-finance", "Export credit guarantee scheme",
               "Guarantees so banks lend to first-time exporters.", "macro", "national"),
]

CRITERIA: list[Definition] = [
    criterion("local-resources", "Can be done with local resources", "x"),
    criterion("quick-start", "Can start within weeks", "x"),
    criterion("visible-results", "Visible results within about 3 months", "x"),
    criterion("benefit", "Benefit for firms and jobs", "y"),
    criterion("reach", "Number of people and firms reached", "y"),
    criterion("urgency", "Tackles a problem the room rates severe", "y"),
]


def build() -> Definition:
    """A fresh definition; callers may change it freely."""
    proposals = [dict(item) for item in PROPOSALS]
    activities = [
        criteria_activity(
            "paca-filter",
            "Score the proposals",
            proposals,
            criteria=[dict(c) for c in CRITERIA],
            x_label="PACA feasibility",
            y_label="Expected benefit",
            quadrants=QUADRANTS,
            quadrant_notes=QUADRANT_NOTES,
        ),
        points_activity("start-with", "Which proposals do we start with?", proposals, budget=3),
    ]
    return definition(TITLE, METHOD_NOTE, tripartite_groups(), proposals, activities)
