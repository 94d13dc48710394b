"""The facilitator's reading helpers against hand-worked fixtures (no database)."""

from __future__ import annotations

from app.facilitator import presenting

# --- presenting helpers against hand-worked fixtures ---------------------------------------------------------

def test_copeland_from_a_hand_worked_pairwise_matrix() -> None:
    pairwise = {"a": {"b": 3, "c": 2}, "b": {"a": 2, "c": 2}, "c": {"a": 3, "b": 2}}
    # a beats b (3 > 2), c beats a (3 > 2), b ties c (2 = 2).
    assert presenting.copeland(pairwise, ["a", "b", "c"]) == {"a": 0, "b": -1, "c": 1}


def test_sensitivity_sentence() -> None:
    document = {"criteria": [{"key": "employment", "label": "employment"}],
                "sensitivity": {"critical_weights": [{"a": "agro", "b": "tourism", "criterion": "employment",
                                                      "from": 0.3, "to": 0.41},
                                                     {"a": "tourism", "b": "agro", "criterion": "employment",
                                                      "from": 0.3, "to": 0.12}]}}
    assert presenting.sensitivity_sentences(document, {"agro": "Agro-processing", "tourism": "Tourism"}) == [
        "Tourism overtakes Agro-processing if employment's weight rises from 0.30 to 0.41.",
        "Agro-processing overtakes Tourism if employment's weight falls from 0.30 to 0.12."]
