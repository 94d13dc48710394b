"""Console pages for the data's whole life: archive-then-delete, data settings, the audit page and its CSV, and
the phone's consent step (plain forms, no JavaScript)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from tests.support.builders import small_definition
from tests.support.pages import Browser, body, csrf_from

API = "/api/v1"


def delete_url(wid: int) -> str:
    return f"/facilitator/workshops/{wid}/delete"


def test_archive_then_delete(api: Any, owner: Browser, join: Any, workshop: dict[str, Any]) -> None:
    wid = workshop["id"]
    assert api.post(f"{API}/workshops/{wid}/activities/constraints/open").status_code == 200
    token = join(workshop["join_code"], "gov")
    api.put(f"{API}/workshops/{wid}/activities/constraints/responses", token=token,
            json={"ratings": [{"item": "finance", "x": 3, "y": 4}]})
    page = owner.text(delete_url(wid))
    assert "1 participant(s), 2 saved value(s)" in page and 'data-archive-state="missing"' in page

    wrong = owner.submit(delete_url(wid), data={"confirm_title": "Another title", "without_archive": "1"})
    assert wrong.status_code == 422 and "nothing was deleted" in body(wrong)
    no_archive = owner.submit(delete_url(wid), data={"confirm_title": "Test workshop"})
    assert no_archive.status_code == 409 and "Download the archive first" in body(no_archive)
    assert api.get(f"{API}/workshops/{wid}").status_code == 200

    archive = owner.get(f"/facilitator/workshops/{wid}/delete/archive.json")
    assert archive.status_code == 200 and "attachment" in archive.headers["Content-Disposition"]
    saved = json.loads(archive.get_data(as_text=True))
    assert saved["format"] == "prioritas-workshop" and len(saved["responses"]) == 2
    assert 'data-archive-state="fetched"' in owner.text(delete_url(wid))

    done = owner.submit(delete_url(wid), data={"confirm_title": "  test WORKSHOP "})
    assert done.status_code == 302 and done.headers["Location"].endswith("/facilitator/")
    assert "and all its data were deleted" in body(owner.get("/facilitator/"))
    for path in (f"/facilitator/workshops/{wid}", f"/facilitator/workshops/{wid}/run", delete_url(wid),
                 f"/facilitator/workshops/{wid}/export.json", f"/screen/{workshop['screen_token']}",
                 f"/j/{workshop['join_code']}"):
        assert owner.get(path).status_code == 404, path
    assert api.get(f"{API}/workshops/{wid}").status_code == 404

    restored = api.post(f"{API}/workshops/import", json=saved)  # the archive brings it back
    assert restored.status_code == 201
    assert len(api.get(f"{API}/workshops/{restored.get_json()['id']}/export?format=json")
               .get_json()["responses"]) == 2


def test_delete_without_archive_and_strangers(api: Any, owner: Browser, stranger: Browser,
                                              workshop: dict[str, Any]) -> None:
    wid = workshop["id"]
    assert stranger.get(delete_url(wid)).status_code == 403
    token = csrf_from(stranger.text("/facilitator/"))
    refused = stranger.client.post(delete_url(wid), data={"csrf_token": token, "confirm_title": "Test workshop",
                                                          "without_archive": "1"})
    assert refused.status_code == 403
    assert stranger.get(f"/facilitator/workshops/{wid}/delete/archive.json").status_code == 403
    no_token = owner.client.post(delete_url(wid), data={"confirm_title": "Test workshop", "without_archive": "1"})
    assert no_token.status_code == 400  # CSRF
    assert api.get(f"{API}/workshops/{wid}").status_code == 200
    done = owner.submit(delete_url(wid), data={"confirm_title": "Test workshop", "without_archive": "1"})
    assert done.status_code == 302
    assert api.get(f"{API}/workshops/{wid}").status_code == 404


def test_template_draft_is_deleted_from_the_list(app: Any, facilitator: Browser) -> None:
    from app.extensions import db
    from app.models import Workshop

    page = facilitator.text("/facilitator/templates")
    clone = facilitator.client.post("/facilitator/templates/regional/clone", data={"csrf_token": csrf_from(page)})
    assert clone.status_code == 302, clone.get_data(as_text=True)
    key = clone.headers["Location"].rstrip("/").split("/")[-2]  # …/templates/<key>/edit
    draft = facilitator.client.post(f"/facilitator/templates/{key}/draft",
                                    data={"csrf_token": csrf_from(facilitator.text("/facilitator/templates"))})
    assert draft.status_code == 302
    wid = int(draft.headers["Location"].rstrip("/").split("/")[-1])
    listing = facilitator.text("/facilitator/")
    assert "template draft" in listing and delete_url(wid) in listing
    page = facilitator.text(delete_url(wid))
    assert "Step 1" not in page  # a draft holds no votes: no archive step
    with app.app_context():
        title = db.session.get(Workshop, wid).title
    assert title.endswith("(template draft)")
    done = facilitator.submit(delete_url(wid), data={"confirm_title": title})
    assert done.status_code == 302, body(done)
    assert facilitator.get(f"/facilitator/workshops/{wid}").status_code == 404


def test_saving_a_draft_back_deletes_it(facilitator: Browser) -> None:
    page = facilitator.text("/facilitator/templates")
    clone = facilitator.client.post("/facilitator/templates/regional/clone", data={"csrf_token": csrf_from(page)})
    key = clone.headers["Location"].rstrip("/").split("/")[-2]
    token = csrf_from(facilitator.text("/facilitator/templates"))
    first = facilitator.client.post(f"/facilitator/templates/{key}/draft", data={"csrf_token": token})
    second = facilitator.client.post(f"/facilitator/templates/{key}/draft", data={"csrf_token": token})
    draft, other = (int(r.headers["Location"].rstrip("/").split("/")[-1]) for r in (first, second))
    assert facilitator.text("/facilitator/").count('<span class="pill">template draft</span>') == 2
    save = f"/facilitator/workshops/{draft}/save-as-template"
    saved = facilitator.submit(save, data={"target": key, "title": ""})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/templates/{key}/edit")
    assert facilitator.get(f"/facilitator/workshops/{draft}").status_code == 404
    assert facilitator.get(f"/facilitator/workshops/{other}").status_code == 404
    assert "template draft" not in facilitator.text("/facilitator/")
    assert "draft_deleted" in facilitator.text("/facilitator/audit")


def test_data_settings_and_purge_date_on_the_console(app: Any, api: Any, owner: Browser,
                                                     workshop: dict[str, Any]) -> None:
    wid = workshop["id"]
    edit = f"/facilitator/workshops/{wid}"
    assert "Kept until you delete it." in owner.text(f"{edit}/run")
    saved = owner.submit(edit, f"{edit}/data-settings", {"retention_days": "30", "consent_text": "Kept 30 days.",
                                                         "consent_required": "1"})
    assert saved.status_code == 302
    page = owner.text(f"{edit}/run")
    retention = api.get(f"{API}/workshops/{wid}/retention").get_json()
    assert retention["retention_days"] == 30
    assert f'data-purge-at="{retention["purge_at"][:19]}' in page and "Deleted automatically on" in page
    doc = api.get(f"{API}/workshops/{wid}").get_json()
    assert doc["consent_text"] == "Kept 30 days." and doc["consent_required"] is True
    bad = owner.submit(edit, f"{edit}/data-settings", {"retention_days": "-3", "consent_text": "Other"})
    assert bad.status_code == 302
    assert "A whole number of days" in body(owner.get(edit))
    assert api.get(f"{API}/workshops/{wid}").get_json()["consent_text"] == "Kept 30 days."  # unchanged


def test_audit_page_paged_newest_first_and_csv(app: Any, api: Any, owner: Browser, stranger: Browser) -> None:
    from app.extensions import db
    from app.models import User
    from app.services import audit
    from app.services.database import transaction

    ids = []
    for n in range(3):
        doc = api.post(f"{API}/workshops", json=small_definition(title=f"=cmd|{n}")).get_json()
        ids.append(doc["id"])
    with app.app_context(), transaction():
        user = db.session.scalar(db.select(User).where(User.email == "facilitator@example.org"))
        for n in range(audit.PAGE_SIZE + 5):
            audit.record("test_entry", None, user, n=n)
    for wid in ids:
        assert api.call("DELETE", f"{API}/workshops/{wid}").status_code == 204
    first = owner.text("/facilitator/audit")
    assert "Page 1 of 2" in first and f"({audit.PAGE_SIZE + 8} entries)" in first
    assert first.index("=cmd|2") < first.index("=cmd|1") < first.index("=cmd|0")  # newest first
    second = owner.text("/facilitator/audit?page=2")
    assert "Page 2 of 2" in second and "n: 0" in second and "workshop_deleted" not in second
    one = owner.text(f"/facilitator/audit?workshop={ids[0]}")
    assert "(1 entries)" in one
    assert "Nothing recorded yet." in stranger.text("/facilitator/audit")  # only one's own workshops
    exported = owner.get("/facilitator/audit.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert len(rows) == audit.PAGE_SIZE + 8
    assert rows[0]["workshop"] == "'=cmd|2" and rows[0]["action"] == "workshop_deleted"  # formula neutralised
    assert rows[0]["details"] == "participants: 0; responses: 0; via: api"


def test_removal_of_answers_is_in_the_audit_table(api: Any, owner: Browser, join: Any,
                                                  workshop: dict[str, Any]) -> None:
    wid = workshop["id"]
    api.post(f"{API}/workshops/{wid}/activities/constraints/open")
    token = join(workshop["join_code"], "gov")
    api.put(f"{API}/workshops/{wid}/activities/constraints/responses", token=token,
            json={"ratings": [{"item": "finance", "x": 3, "y": 4}]})
    run = f"/facilitator/workshops/{wid}/run"
    owner.submit(run, f"/facilitator/workshops/{wid}/activities/constraints/remove-responses", {"pseudonym": "P001"})
    entry = api.get(f"{API}/audit").get_json()["entries"][0]
    assert entry["action"] == "responses_removed"
    assert entry["details"] == {"activity": "constraints", "round": 1, "pseudonym": "P001", "values": 2}


# --- the phone's consent step, JavaScript off -------------------------------------------------------------------

def test_required_notice_comes_before_the_group_choice(app: Any, api: Any) -> None:
    doc = api.post(f"{API}/workshops", json=small_definition(
        consent_text="We keep answers for 30 days.\n\nOnly group figures are shown.", consent_required=True)).get_json()
    phone = Browser(app.test_client())
    page = body(phone.get(f"/j/{doc['join_code']}"))
    assert "We keep answers for 30 days." in page and "I understand" in page
    assert 'name="group"' not in page
    skipped = phone.client.post(f"/j/{doc['join_code']}", data={"csrf_token": csrf_from(page), "group": "gov"})
    assert skipped.status_code == 409 and "I understand" in body(skipped)  # posting the group form directly fails
    assert api.get(f"{API}/workshops/{doc['id']}/activities/constraints/results").get_json()["respondents"] == 0
    understood = phone.client.post(f"/j/{doc['join_code']}/consent", data={"csrf_token": csrf_from(page)})
    assert understood.status_code == 302
    groups = body(phone.get(f"/j/{doc['join_code']}"))
    assert 'name="group"' in groups and "Only group figures are shown." in groups
    joined = phone.client.post(f"/j/{doc['join_code']}", data={"csrf_token": csrf_from(groups), "group": "gov"})
    assert joined.status_code == 302 and joined.headers["Location"].endswith("/p")


def test_optional_notice_is_shown_above_the_groups(app: Any, api: Any) -> None:
    definition = small_definition(consent_text="<b>Recorded</b> for the minutes.")
    doc = api.post(f"{API}/workshops", json=definition).get_json()
    page = Browser(app.test_client()).get(f"/j/{doc['join_code']}").get_data(as_text=True)
    assert "&lt;b&gt;Recorded&lt;/b&gt; for the minutes." in page  # text, never HTML
    assert page.index("data-consent-notice") < page.index('name="group"')
    plain = api.post(f"{API}/workshops", json=small_definition()).get_json()
    assert "data-consent-notice" not in Browser(app.test_client()).get(f"/j/{plain['join_code']}").get_data(True)
