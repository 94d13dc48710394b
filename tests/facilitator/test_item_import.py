"""Importing items from CSV/XLSX: preview every row, import all or nothing, clear row-level errors, owner only."""

from __future__ import annotations

import io
import re
import time
from typing import Any

import openpyxl
import pytest

from tests.support.database import BACKENDS
from tests.support.pages import Browser, body, csrf_from, document, url

GOOD_CSV = ("\ufeffTitle,KIND,key,description,category,title_2,evidence\n"
            "Port congestion,constraint,port,Ships wait days,logistics,Congestion portuaire,WB survey\n"
            "Agro-processing,sector,,\"Adds value, locally\",manufacturing,,\n"
            "=1+2,constraint,formula,,,,\n")


def items_of(api: Any, workshop: dict[str, Any]) -> list[dict[str, Any]]:
    return document(api, workshop)["items"]


def upload(browser: Browser, workshop: dict[str, Any], data: bytes, filename: str = "items.csv") -> Any:
    page = url(workshop, "/import-items")
    return browser.submit(page, data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def confirm(browser: Browser, workshop: dict[str, Any], preview: Any) -> Any:
    page = preview.get_data(as_text=True)
    rows = re.search(r'name="rows"[^>]*value="([^"]*)"', page) or re.search(r'value="([^"]*)"[^>]*name="rows"', page)
    assert rows is not None
    return browser.client.post(url(workshop, "/import-items/confirm"),
                               data={"csrf_token": csrf_from(page), "rows": rows.group(1)})


def xlsx(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@BACKENDS
def test_good_csv_previews_then_imports(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    before = document(api, workshop)
    preview = upload(owner, workshop, GOOD_CSV.encode("utf-8"))
    assert preview.status_code == 200, body(preview)[:3000]
    page = body(preview)
    assert "Import 3 items" in page and "disabled" not in page.split("Import 3 items")[0][-200:]
    assert "not stored yet" not in page  # title_2 and evidence are saved now
    assert "Second language: Congestion portuaire" in page and "Evidence: WB survey" in page
    assert document(api, workshop) == before  # the preview saves nothing
    response = confirm(owner, workshop, preview)
    assert response.status_code == 302, body(response)[:3000]
    items = items_of(api, workshop)
    assert [i["key"] for i in items] == ["finance", "skills", "power", "port", "agro-processing", "formula"]
    port, agro, formula = items[3:]
    assert (port["title"], port["kind"], port["description"], port["category"]) == (
        "Port congestion", "constraint", "Ships wait days", "logistics")
    assert (port["title_2"], port["evidence"]) == ("Congestion portuaire", "WB survey")
    assert (agro["kind"], agro["description"]) == ("sector", "Adds value, locally")
    assert (agro["title_2"], agro["evidence"]) == ("", "")
    assert formula["title"] == "=1+2"  # stored as text, never evaluated
    assert "Imported 3 item(s)." in body(owner.get(url(workshop)))


def test_good_xlsx_imports(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    data = xlsx([["kind", "Title", "Category", "Key"],
                 ["sector", "Tourism", "services", None],
                 ["constraint", "Skills", None, None],  # derived key 'skills' is taken: gets a suffix
                 ["sector", "=SUM(1,2)", None, "sum"],
                 [None, None, None, None],
                 ["sector", 2024, None, "year"]])
    preview = upload(owner, workshop, data, "items.xlsx")
    assert preview.status_code == 200, body(preview)[:3000]
    assert confirm(owner, workshop, preview).status_code == 302
    items = {i["key"]: i for i in items_of(api, workshop)}
    assert items["tourism"]["kind"] == "sector" and items["tourism"]["category"] == "services"
    assert items["skills-2"]["title"] == "Skills" and items["skills"]["title"] == "Skills"
    assert items["sum"]["title"] == "=SUM(1,2)"
    assert items["year"]["title"] == "2024"


def test_semicolon_csv_with_semicolons_in_text(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    data = b"kind;title;description\nsector;Tourism;\"beaches, parks; museums\"\n"
    preview = upload(owner, workshop, data)
    assert preview.status_code == 200, body(preview)[:3000]
    assert confirm(owner, workshop, preview).status_code == 302
    assert items_of(api, workshop)[-1]["description"] == "beaches, parks; museums"


def test_derived_keys_follow_the_key_rule(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    long = "Électricité & eau: " + "x" * 60
    data = f"title,kind\n{long},constraint\n{long},constraint\n!!!,sector\n".encode()
    preview = upload(owner, workshop, data)
    assert preview.status_code == 200, body(preview)[:3000]
    assert confirm(owner, workshop, preview).status_code == 302
    keys = [i["key"] for i in items_of(api, workshop)][3:]
    assert keys[0].startswith("electricite-eau-x") and len(keys[0]) == 40
    assert keys[1] != keys[0] and keys[1].endswith("-2") and len(keys[1]) <= 40
    assert keys[2] == "item"
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", k) for k in keys)


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"", "items.csv", "The file is empty."),
    (b"\n\n  \n", "items.csv", "The file is empty."),
    (b"title,kind\n", "items.csv", "header row but no items"),
    (b"name,description\nPorts,x\n", "items.csv", "lacks the required column(s): title, kind"),
    (b"title,category\nPorts,x\n", "items.csv", "lacks the required column(s): kind"),
    ("title,kind\nCaf\u00e9,constraint\n".encode("cp1252"), "items.csv", "Save it as 'CSV UTF-8'"),
    ("title,kind\nx,constraint\n".encode("utf-16"), "items.csv", "Save it as 'CSV UTF-8'"),
    (b"PK\x03\x04 definitely not a workbook", "items.xlsx", "The XLSX file could not be read."),
    (b"\x00\x01garbage", "items.xlsx", "The XLSX file could not be read."),
    (b"title,kind,title\nx,sector,y\n", "items.csv", "names these columns twice: title"),
])
def test_unreadable_files_are_refused(api: Any, owner: Browser, workshop: dict[str, Any], data: bytes,
                                      filename: str, message: str) -> None:
    before = document(api, workshop)
    response = upload(owner, workshop, data, filename)
    assert response.status_code == 422, body(response)[:3000]
    assert message in body(response)
    assert "Nothing was imported." in body(response)
    assert document(api, workshop) == before


def test_ten_thousand_rows_are_refused_quickly(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    before = document(api, workshop)
    data = ("title,kind\n" + "".join(f"Item {n},constraint\n" for n in range(10_000))).encode()
    started = time.perf_counter()
    response = upload(owner, workshop, data)
    assert time.perf_counter() - started < 5
    assert response.status_code == 422
    assert "more than 500 items" in body(response)
    big = xlsx([["title", "kind"], *([f"Item {n}", "sector"] for n in range(10_000))])
    response = upload(owner, workshop, big, "big.xlsx")
    assert response.status_code == 422 and "more than 500 items" in body(response)
    assert document(api, workshop) == before


def test_five_hundred_rows_are_accepted(owner: Browser, workshop: dict[str, Any]) -> None:
    data = ("title,kind\n" + "".join(f"Item {n},constraint\n" for n in range(500))).encode()
    assert upload(owner, workshop, data).status_code == 200


def test_row_errors_are_listed_and_nothing_can_be_imported(api: Any, owner: Browser,
                                                           workshop: dict[str, Any]) -> None:
    before = document(api, workshop)
    data = ("title,kind,key\n"
            "Good one,constraint,good\n"
            ",constraint,notitle\n"           # line 3: empty title
            "Bad kind,policy,badkind\n"       # line 4: unknown kind
            "No kind,,nokind\n"               # line 5: kind missing
            "Dup A,sector,dup\n"
            "Dup B,sector,dup\n"              # line 7: key twice in the file
            "Exists,sector,finance\n"         # line 8: key of an existing item
            "Bad key,sector,Bad Key!\n"       # line 9: key breaks the rule
            f"{'T' * 201},sector,long\n")      # line 10: title too long
    response = upload(owner, workshop, data.encode())
    assert response.status_code == 422
    page = body(response)
    for line, column, message in [
        (3, "title", "Must not be empty."),
        (4, "kind", "The kind is 'constraint' or 'sector'."),
        (5, "kind", "Required: 'constraint' or 'sector'."),
        (7, "key", "The key 'dup' is used twice."),
        (8, "key", "already uses the key 'finance'"),
        (9, "key", "A key is 1 to 40 characters"),
        (10, "title", "At most 200 characters."),
    ]:
        row = page[page.index(f'id="line-{line}"'):]
        row = row[:row.index("</tr>")]
        assert f"Line {line}, column {column}: " in row and message in row, row
    assert "Error" not in page[page.index('id="line-2"'):].split("</tr>")[0]
    assert re.search(r"<button[^>]*disabled[^>]*>Import 0 items", page)
    assert re.search(r'<input[^>]*name="rows"[^>]*value=""', page)
    # posting the (empty) confirmation anyway is refused
    refused = confirm(owner, workshop, response)
    assert refused.status_code == 400
    assert document(api, workshop) == before


@BACKENDS
def test_confirmation_revalidates_against_the_workshop(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    preview = upload(owner, workshop, b"title,kind,key\nPorts,constraint,ports\nRoads,constraint,roads\n")
    assert preview.status_code == 200
    created = owner.submit(url(workshop, "/items/new"), data={"key": "roads", "kind": "constraint",
                                                              "title": "Roads (added meanwhile)"})
    assert created.status_code == 302, created.get_data(as_text=True)
    before = document(api, workshop)
    response = confirm(owner, workshop, preview)
    assert response.status_code == 422
    page = body(response)
    assert "nothing was imported" in page and "already uses the key 'roads'" in page
    assert document(api, workshop) == before


def test_tampered_rows_are_refused(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    before = document(api, workshop)
    preview = upload(owner, workshop, b"title,kind\nPorts,constraint\n")
    page = preview.get_data(as_text=True)
    response = owner.client.post(url(workshop, "/import-items/confirm"),
                                 data={"csrf_token": csrf_from(page), "rows": "eyJ3b3Jrc2hvcCI6MX0.forged.sig"})
    assert response.status_code == 400
    assert "could not be confirmed" in body(response)
    assert document(api, workshop) == before


def test_csrf_is_required(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    before = document(api, workshop)
    response = owner.client.post(url(workshop, "/import-items"),
                                 data={"file": (io.BytesIO(GOOD_CSV.encode()), "items.csv")},
                                 content_type="multipart/form-data")
    assert response.status_code == 400
    preview = upload(owner, workshop, GOOD_CSV.encode())
    rows = re.search(r'name="rows"[^>]*value="([^"]*)"', preview.get_data(as_text=True))
    assert rows is not None and rows.group(1)
    response = owner.client.post(url(workshop, "/import-items/confirm"), data={"rows": rows.group(1)})
    assert response.status_code == 400
    assert document(api, workshop) == before


def test_other_facilitators_and_anonymous_users_are_kept_out(api: Any, owner: Browser, stranger: Browser,
                                                             client: Any, workshop: dict[str, Any]) -> None:
    before = document(api, workshop)
    preview = upload(owner, workshop, GOOD_CSV.encode())
    assert preview.status_code == 200
    rows = re.search(r'name="rows"[^>]*value="([^"]*)"', preview.get_data(as_text=True))
    assert rows is not None
    assert stranger.get(url(workshop, "/import-items")).status_code in (403, 404)
    token = csrf_from(stranger.text("/facilitator/workshops/new"))
    assert stranger.client.post(url(workshop, "/import-items"), data={
        "csrf_token": token, "file": (io.BytesIO(GOOD_CSV.encode()), "items.csv")},
        content_type="multipart/form-data").status_code in (403, 404)
    assert stranger.client.post(url(workshop, "/import-items/confirm"), data={
        "csrf_token": token, "rows": rows.group(1)}).status_code in (403, 404)
    assert stranger.get("/facilitator/workshops/999999/import-items").status_code == 404
    assert document(api, workshop) == before


def test_rows_signed_for_one_workshop_do_not_import_into_another(api: Any, owner: Browser,
                                                                 workshop: dict[str, Any]) -> None:
    other = owner.create_from_template(title="Second")
    preview = upload(owner, workshop, b"title,kind\nPorts,constraint\n")
    page = preview.get_data(as_text=True)
    rows = re.search(r'name="rows"[^>]*value="([^"]*)"', page)
    assert rows is not None
    response = owner.client.post(f"/facilitator/workshops/{other}/import-items/confirm",
                                 data={"csrf_token": csrf_from(page), "rows": rows.group(1)})
    assert response.status_code == 400


def test_editor_links_to_the_import(owner: Browser, workshop: dict[str, Any]) -> None:
    assert url(workshop, "/import-items") in body(owner.get(url(workshop)))


# --- second-language title and evidence ---------------------------------------------------------------

def test_xlsx_import_saves_title_2_and_evidence(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    data = xlsx([["title", "kind", "Title_2", "EVIDENCE"],
                 ["Port congestion", "constraint", "Congestion portuaire", "Ships wait 6 days: https://x.org"],
                 ["Tourism", "sector", None, None]])
    preview = upload(owner, workshop, data, "items.xlsx")
    assert preview.status_code == 200, body(preview)[:3000]
    assert confirm(owner, workshop, preview).status_code == 302
    items = {i["key"]: i for i in api.get(f"/api/v1/workshops/{workshop['id']}").get_json()["items"]}
    assert (items["port-congestion"]["title_2"], items["port-congestion"]["evidence"]) == (
        "Congestion portuaire", "Ships wait 6 days: https://x.org")
    assert (items["tourism"]["title_2"], items["tourism"]["evidence"]) == ("", "")


def test_too_long_values_are_row_errors_and_nothing_is_saved(api: Any, owner: Browser,
                                                             workshop: dict[str, Any]) -> None:
    before = api.get(f"/api/v1/workshops/{workshop['id']}").get_json()
    data = ("title,kind,title_2,evidence\n"
            "Fine,constraint,Bien,Short\n"
            f"Long second,constraint,{'T' * 201},\n"
            f"Long evidence,sector,,{'E' * 2001}\n").encode()
    preview = upload(owner, workshop, data)
    assert preview.status_code == 422
    page = body(preview)
    assert "Line 3, column title_2: At most 200 characters." in page
    assert "Line 4, column evidence: At most 2000 characters." in page
    assert "Import 0 items" in page
    assert api.get(f"/api/v1/workshops/{workshop['id']}").get_json() == before
