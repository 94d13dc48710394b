"""The XLSX export read back with openpyxl: the API's numbers, every vote, neutralised text, the method."""

from __future__ import annotations

import io
import math
from typing import Any

import numpy as np
import pytest
from openpyxl import load_workbook

from tests.support.api import API, csv_rows, results
from tests.support.builders import DANGEROUS_TITLE
from tests.support.database import BACKENDS
from tests.support.reports import VOTES, blocks

pytestmark = BACKENDS
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def fetch(api: Any, wid: int) -> Any:
    response = api.get(f"{API}/workshops/{wid}/export?format=xlsx")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == XLSX
    assert f'filename="prioritas-workshop-{wid}.xlsx"' in response.headers["Content-Disposition"]
    return load_workbook(io.BytesIO(response.get_data()))


def flat(entry: dict[str, Any]) -> dict[str, Any]:
    """The API's item figures as the workbook's dotted columns (an independent re-implementation)."""
    out: dict[str, Any] = {}
    for name, value in entry.items():
        if name == "by_group":
            continue
        if isinstance(value, dict):
            for sub, inner in flat(value).items():
                out[f"{name}.{sub}"] = inner
        elif name == "ci95" and isinstance(value, list):
            out["ci95.lo"], out["ci95.hi"] = value
        else:
            out[name] = value
    return out


def same(cell: Any, api_value: Any) -> bool:
    if api_value is None:
        return cell is None
    if isinstance(api_value, bool):
        return cell == api_value
    if isinstance(api_value, (int, float)):
        return isinstance(cell, (int, float)) and math.isclose(cell, api_value, rel_tol=0, abs_tol=1e-12)
    if isinstance(api_value, list):
        return cell == (", ".join(map(str, api_value)) if api_value else None) or (cell in (None, "") and not
                                                                                  api_value)
    return cell == api_value


def test_workbook_has_every_sheet_and_the_apis_numbers(api: Any, voted: dict[str, Any]) -> None:
    book = fetch(api, voted["id"])
    assert book.sheetnames[0] == "Summary"
    assert {"By group", "Raw responses", "Participation", "Actions", "Proposals", "Method"} <= set(book.sheetnames)
    assert "constraints" in book.sheetnames
    # The activity keyed "summary" must not collide with the Summary sheet (names are case-insensitive).
    assert len(book.sheetnames) == 9 and sum(name.lower() == "summary" for name in book.sheetnames) == 1

    tables = blocks(book["constraints"])
    assert set(tables) == {"equal_groups", "per_head"}
    for weighting, table in tables.items():
        document = results(api, voted["id"], "constraints", weighting)
        assert [row["item"] for row in table] == [item["item"] for item in document["items"]]
        for row, item in zip(table, document["items"], strict=True):
            expected = flat(item)
            assert expected, item
            for column, value in expected.items():
                assert column in row, (weighting, column)
                assert same(row[column], value), (weighting, item["item"], column, row[column], value)


def test_per_head_means_match_numpy(api: Any, voted: dict[str, Any]) -> None:
    """Not only the API's copy: the per-head means in the workbook equal numpy's over the votes cast."""
    table = {row["item"]: row for row in blocks(fetch(api, voted["id"])["constraints"])["per_head"]}
    for n, item in enumerate(("finance", "skills", "power"), start=1):
        for a, axis in enumerate(("x", "y")):
            values = [vote[n][a] for vote in VOTES if vote[n][a] is not None]
            assert table[item][f"{axis}.mean"] == pytest.approx(np.mean(values), abs=1e-12)
            assert table[item][f"{axis}.median"] == pytest.approx(np.median(values), abs=1e-12)
            assert table[item][f"{axis}.sd"] == pytest.approx(np.std(values, ddof=1), abs=1e-12)


def test_raw_responses_are_the_csv_rows_with_numbers(api: Any, voted: dict[str, Any]) -> None:
    sheet = fetch(api, voted["id"])["Raw responses"]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header == ("workshop_id", "activity", "round", "item", "group", "participant", "axis", "value",
                      "submitted_at", "channel")
    csv_records = csv_rows(api, voted["id"])
    assert len(body) == len(csv_records) == len(VOTES) * 3 * 2
    got = sorted((r[1], r[3], r[4], r[5], r[6], r[7]) for r in body)
    want = sorted((c["activity"], c["item"], c["group"], c["participant"], c["axis"],
                   int(c["value"]) if c["value"] else None) for c in csv_records)
    assert got == want
    values = [r[7] for r in body]
    assert all(v is None or type(v) is int for v in values)
    assert -2 in values, "negative numbers stay numbers"
    assert all(isinstance(r[0], int) and r[0] == voted["id"] for r in body)
    assert {r[2] for r in body} == {1}


def test_formula_like_text_is_neutralised(api: Any, voted: dict[str, Any]) -> None:
    book = fetch(api, voted["id"])
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    assert "'" + DANGEROUS_TITLE in texts
    assert "'+Employers" in texts
    assert "'-Electricity" in texts
    assert any(t.startswith("'@note") for t in texts)
    assert not any(t.startswith(("=", "+", "-", "@")) for t in texts)


def test_participation_method_and_by_group(api: Any, voted: dict[str, Any]) -> None:
    book = fetch(api, voted["id"])
    rows = list(book["Participation"].iter_rows(values_only=True))
    header = rows[0]
    table = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    joined = {g: sum(1 for vote in VOTES if vote[0] == g) for g in ("gov", "firms", "workers", "academia")}
    for group, count in joined.items():
        assert table[group]["joined"] == count
        assert table[group]["paper ballots"] == 0
        assert table[group]["respondents: constraints"] == count
        assert table[group]["respondents: summary"] == 0
    assert table["gov"]["expected"] == 4 and table["workers"]["expected"] is None
    assert table["gov"]["weight"] == 2.0 and table["academia"]["weight"] == 0.0

    method = {row[0]: row[1] for row in book["Method"].iter_rows(min_row=2, values_only=True)}
    assert method["Minimum group size (k)"] == 3
    assert method["Group weight: workers"] == 0.5
    assert "-2..2" in method["Scale: constraints"] and "1..5" in method["Scale: constraints"]
    assert method["Prioritas version"]
    assert method["Generated (UTC)"].endswith("Z")

    by_group = list(book["By group"].iter_rows(values_only=True))
    head = by_group[0]
    records = [dict(zip(head, row, strict=False)) for row in by_group[1:]]
    document = results(api, voted["id"], "constraints", "equal_groups")
    for item in document["items"]:
        for group, figures in item["by_group"].items():
            [record] = [r for r in records if (r["activity"], r["weighting"], r["item"], r["group"])
                        == ("constraints", "equal_groups", item["item"], group)]
            if figures is None:
                assert record["shown"].startswith("no")
                assert record["n"] is None
            else:
                assert record["shown"] == "yes" and record["n"] == figures["n"]
                for axis in ("x", "y"):  # spreadsheets keep 15 significant digits
                    assert record[f"{axis}.mean"] == pytest.approx(figures[axis]["mean"], abs=1e-12)
    academia = [r for r in records if r["group"] == "academia" and r["weighting"] == "equal_groups"]
    assert academia and all(r["shown"].startswith("no") for r in academia)
