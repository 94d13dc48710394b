"""Template `systemic-competitiveness`: constraints at the micro, meso, macro and meta levels.

Four items per level (docs/methods.md, "Items and their tags") keep the list balanced, so the plenary can
ask "where do our constraints sit?" without the list itself deciding the answer.
"""

from __future__ import annotations

from app.library._parts import Definition, constraint, constraints_matrix, definition, tripartite_groups

KEY = "systemic-competitiveness"
TITLE = "Systemic competitiveness: micro, meso, macro, meta"
DESCRIPTION = (
    "Rate 16 constraints, four at each systemic-competitiveness level (firms, support institutions, framework "
    "conditions, capacity to agree), on severity x tractability."
)

METHOD_NOTE = (
    "Competitiveness comes from four levels working together: firms (micro), targeted support institutions (meso), "
    "general framework conditions (macro) and the capacity to organise and agree (meta). "
    "The matrix shows the room's perceptions, to be tested against data, not a diagnosis. "
    "Colour the points by level: a cluster of severe meta or meso items in the top-left usually means the work "
    "starts with building coordination, not with a single fix."
)

CONSTRAINTS: list[Definition] = [
    # Micro: firms and their transactions.
    constraint("management", "Management skills",
               "Firms lack planning, costing, marketing or people management.", "micro", "local"),
    constraint("quality", "Product quality",
               "Firms struggle to meet buyers' quality and safety requirements.", "micro", "local"),
    constraint("innovation", "Innovation and technology upgrading",
               "Few firms adopt new machines, processes or products.", "micro", "local"),
    constraint("cooperation", "Cooperation between firms",
               "Firms rarely buy, sell, train or lobby together.", "micro", "local"),
    # Meso: targeted policies, organisations and infrastructure.
    constraint("tvet", "Vocational training system",
               "Training does not match what employers and workers need.", "meso", "regional"),
    constraint("technology-support", "Technology and standards institutions",
               "Testing labs, certification and applied research are missing, slow or costly.", "meso",
               "regional"),
    constraint("export-promotion", "Export and investment promotion",
               "Little help to find buyers, markets or investors.", "meso", "regional"),
    constraint("industrial-sites", "Industrial sites and infrastructure",
               "Serviced land, parks, power and roads for firms are missing.", "meso", "regional"),
    # Macro: generic framework conditions.
    constraint("exchange-rate", "Exchange rate",
               "An overvalued or volatile currency hurts exporters and planning.", "macro", "national"),
    constraint("interest-inflation", "Inflation and interest rates",
               "High or unstable prices and interest rates make investing risky.", "macro", "national"),
    constraint("tax-system", "Tax system",
               "Tax rates or procedures discourage investment and formal work.", "macro", "national"),
    constraint("regulation", "Business and labour regulation",
               "Licensing, trade, labour or competition rules are costly or applied unevenly.", "macro",
               "national"),
    # Meta: the capacity to organise and agree.
    constraint("trust", "Trust between public and private actors",
               "Government, business and unions doubt each other's commitments.", "meta", "regional"),
    constraint("shared-vision", "Shared development strategy",
               "No agreed vision of where the economy should go.", "meta", "regional"),
    constraint("learning", "Capacity to learn and adapt",
               "Institutions rarely check what works or change course.", "meta", "regional"),
    constraint("governance", "Governance and corruption",
               "Rules are applied unevenly; favours and bribes shape decisions.", "meta", "national"),
]


def build() -> Definition:
    """A fresh definition; callers may change it freely."""
    constraints = [dict(item) for item in CONSTRAINTS]
    return definition(TITLE, METHOD_NOTE, tripartite_groups(), constraints, [constraints_matrix(constraints)])
