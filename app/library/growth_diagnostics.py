"""Template `growth-diagnostics`: the Hausmann-Rodrik-Velasco decision tree as a list of constraints.

Each leaf of the tree (docs/methods.md, "Items and their tags") is one item; `category` is its branch and
`gd_branch` the readable path, so the screen can group or colour items by branch. The vote collects
perceptions to prioritise which hypotheses to test; it is not the diagnostic itself.
"""

from __future__ import annotations

from app.library._parts import Definition, constraint, constraints_matrix, definition, tripartite_groups

KEY = "growth-diagnostics"
TITLE = "Growth diagnostics: what holds back investment?"
DESCRIPTION = (
    "National session on the growth-diagnostics tree: rate 14 candidate constraints on private investment "
    "(severity x tractability), grouped by branch."
)

METHOD_NOTE = (
    "The items follow the growth-diagnostics tree: low returns to investment (low social returns, government "
    "failures, market failures) or a high cost of finance. "
    "The matrix shows what the room believes holds investment back and what it thinks can be moved; these are "
    "hypotheses to test, not binding constraints. "
    "Take the top-rated items into the diagnostic tests - is the constraint's price high, do firms pay to get "
    "around it, do activities that need it less do better - before calling anything binding."
)

_SOCIAL = "Low return > Low social returns"
_MICRO = "Low return > Low appropriability > Government failures > Micro risks"
_MACRO = "Low return > Low appropriability > Government failures > Macro risks"
_MARKET = "Low return > Low appropriability > Market failures"
_INTL = "High cost of finance > Bad international finance"
_LOCAL = "High cost of finance > Bad local finance"

CONSTRAINTS: list[Definition] = [
    constraint("geography", "Poor geography",
               "Distance to markets, climate, terrain or disease raise costs.", "social-returns", "international",
               gd_branch=_SOCIAL),
    constraint("human-capital", "Low human capital",
               "Too few people with the education and skills firms need.", "social-returns", "national",
               gd_branch=_SOCIAL),
    constraint("infrastructure", "Bad infrastructure",
               "Power, roads, ports, water or telecoms are unreliable or costly.", "social-returns", "national",
               gd_branch=_SOCIAL),
    constraint("property-rights", "Insecure property rights",
               "Land, assets or contracts may be taken or not enforced.", "micro-risks", "national",
               gd_branch=_MICRO),
    constraint("corruption", "Corruption",
               "Bribes and favours eat into the returns of honest firms.", "micro-risks", "national",
               gd_branch=_MICRO),
    constraint("taxes", "High or unpredictable taxes",
               "Taxes take too much of the return or change without warning.", "micro-risks", "national",
               gd_branch=_MICRO),
    constraint("financial-instability", "Financial instability",
               "Risk of bank failures or sudden credit freezes.", "macro-risks", "national",
               gd_branch=_MACRO),
    constraint("monetary-instability", "Inflation and exchange-rate swings",
               "Prices and the currency move too much to plan investments.", "macro-risks", "national",
               gd_branch=_MACRO),
    constraint("fiscal-instability", "Fiscal instability",
               "High public debt or deficits threaten tax hikes, arrears or crises.", "macro-risks", "national",
               gd_branch=_MACRO),
    constraint("self-discovery", "Too little trying of new products",
               "Pioneers bear the cost of finding what works; others copy success for free.", "market-failures",
               "national", gd_branch=_MARKET),
    constraint("coordination", "Coordination failures",
               "New activities need several investments at once that nobody makes alone.", "market-failures",
               "regional", gd_branch=_MARKET),
    constraint("international-finance", "Costly international finance",
               "Foreign loans and investment are scarce or expensive for this country.", "international-finance",
               "international", gd_branch=_INTL),
    constraint("domestic-saving", "Low domestic saving",
               "Too little local saving to fund investment at reasonable rates.", "local-finance", "national",
               gd_branch=_LOCAL),
    constraint("intermediation", "Poor financial intermediation",
               "Banks lend little to firms, charge wide margins or demand too much collateral.", "local-finance",
               "national", gd_branch=_LOCAL),
]


def build() -> Definition:
    """A fresh definition; callers may change it freely."""
    constraints = [dict(item) for item in CONSTRAINTS]
    activity = constraints_matrix(
        constraints,
        title="Rate what holds back investment",
        severity_hint="How strongly does it hold back private investment and new businesses?",
        tractability_hint="Could policy realistically move it within the next few years?",
    )
    return definition(TITLE, METHOD_NOTE, tripartite_groups(), constraints, [activity])
