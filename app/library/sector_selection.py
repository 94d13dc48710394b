"""Template `sector-selection`: score candidate sectors on decent-work attractiveness and feasibility criteria.

Criteria follow docs/methods.md, "Sector-selection criteria" (GIZ/ILO, STED, Growth Lab), kept to five per
axis so a phone round stays short.
Risk is the one cost criterion (direction -1: a higher rating is worse). Scores are normalised on the fixed 1-5
scale (docs/methods.md, "Multi-criteria scoring"), so adding or removing a sector never reorders the others.
"""

from __future__ import annotations

from app.library._parts import (
    SECTOR_QUADRANT_NOTES,
    SECTOR_QUADRANTS,
    Definition,
    criteria_activity,
    criterion,
    definition,
    points_activity,
    sector,
    tripartite_groups,
)

KEY = "sector-selection"
TITLE = "Sector selection with decent-work criteria"
DESCRIPTION = (
    "Score 8 candidate sectors on 5 attractiveness criteria (demand, jobs, job quality, inclusion, local value) "
    "and 5 feasibility criteria (capabilities, skills, infrastructure, champions, risk), then shortlist with dots."
)

METHOD_NOTE = (
    "Each participant scores every sector on ten criteria from 1 to 5; 'don't know' is always a fine answer. "
    "Criterion means are normalised on the fixed scale and averaged with the weights shown into an attractiveness "
    "score (y) and a feasibility score (x); risk counts against a sector. "
    "The matrix reflects the room's perceptions and the chosen weights: it is a set of hypotheses to be tested "
    "against trade, employment and value-chain data, not a diagnosis. Look at the weight sensitivity before "
    "drawing a line, and at where the constituencies score a sector differently. "
    "The dot vote at the end asks for a shortlist of two or three sectors for a deeper value-chain analysis."
)

SECTORS: list[Definition] = [
    sector("agro-processing", "Agro-processing",
           "Turning local crops, livestock and fish into packaged food and drinks.", "agriculture"),
    sector("horticulture", "Horticulture",
           "Fresh fruit, vegetables and flowers for supermarkets and export.", "agriculture"),
    sector("garments", "Garments and textiles",
           "Sewing clothing and textiles for local shops and export buyers.", "manufacturing"),
    sector("construction-materials", "Construction materials",
           "Bricks, blocks, cement products, timber and metal work for building.", "manufacturing"),
    sector("tourism", "Tourism and hospitality",
           "Hotels, tours, food and cultural services for visitors.", "services"),
    sector("ict-bpo", "ICT and business services",
           "Software, call centres and back-office work delivered remotely.", "services"),
    sector("renewable-energy", "Renewable energy services",
           "Installing and maintaining solar, wind and mini-grid systems.", "services"),
    sector("care-economy", "Care services",
           "Childcare, elderly care and home-based care services.", "services"),
]

CRITERIA: list[Definition] = [
    # Attractiveness (y): what growth in the sector would bring.
    criterion("demand", "Market demand and growth", "y"),
    criterion("employment", "Employment potential", "y"),
    criterion("job-quality", "Job quality and decent work", "y"),
    criterion("inclusion", "Inclusion of women, youth and small firms", "y"),
    criterion("local-value", "Local value addition and linkages", "y"),
    # Feasibility (x): how likely the region is to succeed.
    criterion("capabilities", "Existing capabilities nearby", "x"),
    criterion("skills", "Skills available or quickly trainable", "x"),
    criterion("infrastructure", "Infrastructure and inputs", "x"),
    criterion("champions", "Institutional support and champions", "x"),
    criterion("risk", "Market, regulatory and climate risk", "x", direction=-1),
]


def build() -> Definition:
    """A fresh definition; callers may change it freely."""
    sectors = [dict(item) for item in SECTORS]
    activities = [
        criteria_activity(
            "sector-scores",
            "Score the candidate sectors",
            sectors,
            criteria=[dict(c) for c in CRITERIA],
            x_label="Feasibility",
            y_label="Attractiveness",
            quadrants=SECTOR_QUADRANTS,
            quadrant_notes=SECTOR_QUADRANT_NOTES,
        ),
        points_activity("shortlist", "Shortlist sectors for a value-chain analysis", sectors, budget=3),
    ]
    return definition(TITLE, METHOD_NOTE, tripartite_groups(), sectors, activities)
