"""Template `regional`: a PACA-style regional workshop on constraints and candidate sectors.

The constraint list mixes the World Bank Enterprise Survey obstacles with workers' / decent-work constraints
so that the workers' constituency is not forced into a firm-centred list. `category` is the
systemic-competitiveness level and `locus` the level that could act (PACA); docs/methods.md, "Items and their
tags", describes all three.
"""

from __future__ import annotations

from app.library._parts import (
    SECTOR_QUADRANT_NOTES,
    SECTOR_QUADRANTS,
    Definition,
    axis,
    constraint,
    constraints_matrix,
    definition,
    matrix,
    sector,
    tripartite_groups,
)

KEY = "regional"
TITLE = "Regional constraints and sectors"
DESCRIPTION = (
    "Tripartite regional workshop: rate 15 constraints (severity x tractability) and 9 candidate sectors "
    "(attractiveness x feasibility) on 1-5 scales."
)

METHOD_NOTE = (
    "Everyone rates each constraint for severity and tractability, and each candidate sector for attractiveness "
    "and feasibility, on a 1-5 scale; 'don't know' is always a fine answer. "
    "The matrices show the room's perceptions, with government, employers and workers counted equally by default "
    "and observers shown but not counted: treat the quadrants as hypotheses to check against data and interviews, "
    "not as a diagnosis of binding constraints. "
    "Start the discussion where the constituencies disagree, and pass severe but hard-to-move constraints to the "
    "level that can act on them."
)

CONSTRAINTS: list[Definition] = [
    # Enterprise Survey obstacles (firm perspective).
    constraint("finance", "Access to finance",
               "Loans are hard to get, too costly, or need too much collateral.", "macro", "national"),
    constraint("land", "Access to land and premises",
               "Serviced sites are scarce or costly, or titles are unclear.", "meso", "local"),
    constraint("electricity", "Electricity supply",
               "Power cuts, unstable voltage or high tariffs disrupt work.", "meso", "national"),
    constraint("transport", "Transport",
               "Poor roads or freight services make moving goods and people slow and costly.", "meso", "regional"),
    constraint("permits", "Business licensing and permits",
               "Registering, licensing or getting permits takes too long or costs too much.", "macro", "local"),
    constraint("tax", "Tax rates and administration",
               "Taxes are high, or filing and inspections are slow and unpredictable.", "macro", "national"),
    constraint("informal-competition", "Competition from informal firms",
               "Unregistered competitors undercut prices by avoiding taxes and rules.", "micro", "local"),
    constraint("corruption", "Corruption",
               "Bribes or favours are needed to get services, permits or contracts.", "meta", "national"),
    # Shared by firms and workers.
    constraint("skills", "Skills gaps and access to training",
               "People lack the skills firms need; good training is hard to reach.", "meso", "regional"),
    constraint("productivity", "Low productivity and low wages",
               "Little output per worker keeps pay low and firms uncompetitive.", "micro", "local"),
    # Workers' / decent-work constraints.
    constraint("informality", "Informal jobs",
               "Many work without a contract, registration or protection.", "macro", "national"),
    constraint("osh", "Safety and health at work",
               "Workplaces expose people to accidents, injury or illness.", "micro", "local"),
    constraint("social-protection", "Social protection coverage",
               "Many lack sick pay, pensions, maternity or unemployment cover.", "macro", "national"),
    constraint("women-youth", "Barriers for women and young people",
               "Women and youth find it harder to get jobs, training or finance.", "meta", "regional"),
    constraint("dialogue", "Weak social dialogue and trust",
               "Government, employers and unions rarely plan or bargain together.", "meta", "regional"),
]

SECTORS: list[Definition] = [
    sector("agro-processing", "Agro-processing",
           "Turning local crops, livestock and fish into packaged food and drinks.", "agriculture"),
    sector("horticulture", "Horticulture",
           "Fresh fruit, vegetables and flowers for supermarkets and export.", "agriculture"),
    sector("garments", "Garments and textiles",
           "Sewing clothing and textiles for local shops and export buyers.", "manufacturing"),
    sector("construction-materials", "Construction materials",
           "Bricks, blocks, cement products, timber and metal work for building.", "manufacturing"),
    sector("auto-components", "Automotive components",
           "Parts and sub-assemblies for vehicle makers and repair markets.", "manufacturing"),
    sector("tourism", "Tourism and hospitality",
           "Hotels, tours, food and cultural services for visitors.", "services"),
    sector("ict-bpo", "ICT and business services",
           "Software, call centres and back-office work delivered remotely.", "services"),
    sector("renewable-energy", "Renewable energy services",
           "Installing and maintaining solar, wind and mini-grid systems.", "services"),
    sector("logistics", "Transport and logistics",
           "Trucking, warehousing, cold chains and freight handling.", "services"),
]


def build() -> Definition:
    """A fresh definition; callers may change it freely."""
    constraints = [dict(item) for item in CONSTRAINTS]
    sectors = [dict(item) for item in SECTORS]
    activities = [
        constraints_matrix(constraints),
        matrix(
            "sectors",
            "Rate the candidate sectors",
            sectors,
            x=axis("Feasibility", "How likely are we to succeed, given the firms, skills and support here?"),
            y=axis("Attractiveness", "How much would growth here bring good jobs, income and exports?"),
            quadrants=SECTOR_QUADRANTS,
            quadrant_notes=SECTOR_QUADRANT_NOTES,
        ),
    ]
    return definition(TITLE, METHOD_NOTE, tripartite_groups(), constraints + sectors, activities)
