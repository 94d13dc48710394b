"""Build docs/example-report.pdf (and its first page as docs/screenshots/report-page1.png) reproducibly.

A scratch SQLite database is migrated, the demo workshop is created as on first start, 48 simulated participants
join over the public API (test client, no server needed) and rate both matrices with group-specific leanings
from a fixed seed; the PDF is then fetched from `GET /api/v1/workshops/{id}/export?format=pdf`, exactly as a
facilitator would download it. The PNG comes from `pdftoppm` (poppler-utils) when installed, else pypdfium2.

    .venv/bin/python bench/example_report.py
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 20261129
REPORT_DATE = datetime(2026, 11, 29, 12, 0)
GROUP_SIZES = {"gov": 12, "employers": 16, "workers": 14, "other": 6}
#: (severity / attractiveness, tractability / feasibility) leanings by group; others are drawn per item.
LEANINGS = {
    ("employers", "finance"): (4.7, 2.2), ("employers", "permits"): (4.4, 3.9), ("employers", "tax"): (4.3, 2.0),
    ("workers", "informality"): (4.8, 2.4), ("workers", "osh"): (4.6, 4.0), ("workers", "finance"): (2.4, 2.6),
    ("workers", "social-protection"): (4.5, 2.0), ("gov", "informality"): (2.4, 3.0), ("gov", "permits"): (2.0, 4.4),
    ("gov", "skills"): (4.2, 4.0), ("employers", "skills"): (4.3, 3.6), ("workers", "skills"): (4.4, 3.8),
    ("gov", "tourism"): (4.4, 3.8), ("employers", "ict-bpo"): (4.5, 2.0), ("workers", "garments"): (1.8, 4.3),
}


def _clip(value: float) -> int:
    return max(1, min(5, round(value)))


def build(out_pdf: Path, out_png: Path | None) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="prioritas-report-"))
    os.environ["PRIORITAS_INSTANCE"] = str(scratch)
    from flask_migrate import upgrade

    from app import create_app
    from app.cli import DEMO_EMAIL, DEMO_PASSWORD, ensure_demo
    from app.extensions import db
    from app.models import Workshop
    from app.reports.collect import collect
    from app.reports.pdf import report_pdf
    from config import TestingConfig

    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch / 'report.db'}"})
    rng = random.Random(SEED)
    try:
        with app.app_context():
            upgrade()
            workshop_id = ensure_demo().id
        client = app.test_client()
        token = client.post("/api/v1/auth/token", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}).get_json()
        auth = {"Authorization": f"Bearer {token['token']}"}
        doc = client.get(f"/api/v1/workshops/{workshop_id}", headers=auth).get_json()
        base = f"/api/v1/workshops/{workshop_id}/activities"
        for activity in doc["activities"]:
            client.post(f"{base}/{activity['key']}/open", headers=auth)
        room_lean = {item["key"]: (rng.uniform(2.2, 4.2), rng.uniform(2.0, 4.2)) for item in doc["items"]}
        for group, size in GROUP_SIZES.items():
            for _ in range(size):
                joined = client.post("/api/v1/join", json={"code": doc["join_code"], "group": group}).get_json()
                phone = {"Authorization": f"Bearer {joined['participant_token']}"}
                for activity in doc["activities"]:
                    ratings: list[dict[str, Any]] = []
                    for item in activity["items"]:
                        y_lean, x_lean = LEANINGS.get((group, item), room_lean[item])
                        dont_know = rng.random() < 0.06
                        ratings.append({"item": item, "x": None if dont_know else _clip(rng.gauss(x_lean, 0.8)),
                                        "y": _clip(rng.gauss(y_lean, 0.7))})
                    answer = client.put(f"{base}/{activity['key']}/responses", json={"ratings": ratings},
                                        headers=phone)
                    assert answer.status_code == 200, answer.get_data(as_text=True)
        for activity in doc["activities"]:
            client.post(f"{base}/{activity['key']}/close", headers=auth)
        response = client.get(f"/api/v1/workshops/{workshop_id}/export?format=pdf", headers=auth)
        assert response.status_code == 200 and response.get_data().startswith(b"%PDF-"), response.status
        # The same report, built by the same code as that download but dated REPORT_DATE, so that rebuilding it
        # gives the same file (the votes' own times do not appear in the report).
        with app.app_context():
            report = collect(db.session.get(Workshop, workshop_id), app.config["APP_VERSION"])
            report.generated_at = REPORT_DATE
            out_pdf.parent.mkdir(parents=True, exist_ok=True)
            out_pdf.write_bytes(report_pdf(report))
            db.engine.dispose()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if out_png is not None:
        first_page_png(out_pdf, out_png)


def first_page_png(pdf: Path, png: Path) -> None:
    png.parent.mkdir(parents=True, exist_ok=True)
    if shutil.which("pdftoppm"):
        stem = png.with_suffix("")
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
                       check=True)
        return
    import pypdfium2  # type: ignore[import-not-found]  # optional fallback

    page = pypdfium2.PdfDocument(str(pdf))[0]
    page.render(scale=80 / 72).to_pil().save(png)


if __name__ == "__main__":
    started = datetime.now()
    build(ROOT / "docs" / "example-report.pdf", ROOT / "docs" / "screenshots" / "report-page1.png")
    print(f"docs/example-report.pdf written in {(datetime.now() - started).total_seconds():.1f} s")
