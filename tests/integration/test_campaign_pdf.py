"""The camera point's evidence sheet as a PDF: rendered by WeasyPrint with the CJK font, photos
embedded from storage; read back with pypdf."""

from __future__ import annotations

import io

from pypdf import PdfReader

from ..helpers import auth
from .flows import GRID, post_report, spot

HALF = 0.0005


def test_camera_sheet_pdf_names_the_point_and_the_case_and_embeds_the_photo(demo_client):
    c = demo_client
    lat, lon = spot(GRID)
    ring = [
        [lon - HALF, lat - HALF],
        [lon + HALF, lat - HALF],
        [lon + HALF, lat + HALF],
        [lon - HALF, lat + HALF],
        [lon - HALF, lat - HALF],
    ]
    point = {
        "code": "cam-pdf",
        "name": "鼓楼夜市监控点",
        "kind": "night_market",
        "unit_code": "zfj",
        "camera": True,
        "polygon": {"type": "Polygon", "coordinates": [ring]},
    }
    assert c.post("/api/v1/points", json=point, headers=auth(c, "admin")).status_code == 201
    report = post_report(c, "gridworker", category="0101").get_json()
    number = report["case"]["number"]

    got = c.get("/api/v1/points/cam-pdf/camera?format=pdf", headers=auth(c, "supervisor"))
    assert got.status_code == 200, got.get_data(as_text=True)[:300]
    assert got.mimetype == "application/pdf"
    assert got.headers["Content-Disposition"] == 'inline; filename="camera-cam-pdf.pdf"'
    reader = PdfReader(io.BytesIO(got.data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "鼓楼夜市监控点" in text and number in text
    # the report's photo is in the file itself, not a link to fetch
    assert sum(len(page.images) for page in reader.pages) == 1
    assert b"/photos/" not in got.data

    refused = c.get("/api/v1/points/cam-pdf/camera?format=doc", headers=auth(c, "supervisor"))
    assert refused.status_code == 422
