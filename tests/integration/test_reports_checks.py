"""Refused requests store no file; evidence failing its checks waits for the dispatcher
(issue 9, items 9 and 11)."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from inspector.extensions import db
from inspector.models import CaseEvent
from inspector.timeutil import utcnow

from ..helpers import auth
from ..images import jpeg
from .flows import OTHER_GRID, act, act_on_site, photo, post_report, spot


def _files(app) -> int:  # noqa: ANN001
    root = Path(app.config["MEDIA_DIR"])
    return sum(1 for p in root.rglob("*") if p.is_file()) if root.exists() else 0


def _refused(response, code: str) -> None:  # noqa: ANN001
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["code"] == code


def test_refused_reports_leave_no_photo_file(demo_client, demo_app):
    c = demo_client
    resident = auth(c, "resident")
    _refused(post_report(c, None, lat="39.9", lon="116.4"), "outside_city")  # Beijing
    _refused(post_report(c, None, headers=resident, category="9999"), "invalid_input")
    _refused(post_report(c, "dispatcher", source="rumour"), "invalid_input")
    # No device position and a photo without GPS: nothing to place the report with.
    no_gps = c.post(
        "/api/v1/reports",
        data={"photo": photo(None, None)},
        headers=resident,
        content_type="multipart/form-data",
    )
    _refused(no_gps, "position_required")
    # No device position, and the photo's GPS is outside the city.
    far_photo = c.post(
        "/api/v1/reports",
        data={"photo": (io.BytesIO(jpeg(39.9, 116.4, taken_at=utcnow())), "p.jpg")},
        content_type="multipart/form-data",
    )
    _refused(far_photo, "outside_city")
    assert _files(demo_app) == 0
    assert post_report(c, None).status_code == 201  # an accepted one does write its photo
    assert _files(demo_app) == 1


def test_refused_on_site_actions_leave_no_photo_file(demo_client, demo_app):
    c = demo_client
    tip = post_report(c, "resident", category="0603").get_json()["case"]["id"]
    case_id = post_report(c, "gridworker").get_json()["case"]["id"]
    act(c, "dispatcher", case_id, "dispatch")
    before = _files(demo_app)
    # A photo taken in another community, far from the case: not on site.
    _refused(act_on_site(c, "unitstaff", case_id, "rectify", grid=OTHER_GRID), "not_on_site")
    _refused(act_on_site(c, "gridworker", tip, "verify", grid=OTHER_GRID), "not_on_site")
    assert before > 0 and _files(demo_app) == before
    assert act_on_site(c, "unitstaff", case_id, "rectify").status_code == 200
    after_rectify = _files(demo_app)
    # A failed check needs a reason: refused before its photo is stored.
    lat, lon = spot()
    fresh = io.BytesIO(jpeg(lat + 0.0001, lon, taken_at=utcnow()))
    response = c.post(
        f"/api/v1/cases/{case_id}/check",
        data={"passed": "false", "lat": str(lat), "lon": str(lon), "photo": (fresh, "c.jpg")},
        headers=auth(c, "gridworker"),
        content_type="multipart/form-data",
    )
    _refused(response, "invalid_input")
    # (the accepted rectify photo may share its bytes, hence its file, with an earlier photo
    # made in the same second at the same spot: storage is content-addressed)
    assert after_rectify in (before, before + 1)
    assert _files(demo_app) == after_rectify


def test_patrol_report_with_far_old_photo_waits_for_the_dispatcher(demo_client, demo_app):
    """The probe's report: photo taken in Europe 18 years ago, filed straight away, with the
    warnings "约 8555080 米" and "约 158668.7 小时"."""
    c = demo_client
    lat, lon = spot()
    taken = utcnow() - timedelta(days=18 * 365.25)
    old_far = io.BytesIO(jpeg(48.8566, 2.3522, taken_at=taken))  # Paris
    posted = c.post(
        "/api/v1/reports",
        data={
            "lat": str(lat),
            "lon": str(lon),
            "category_code": "0101",
            "photo": (old_far, "p.jpg"),
        },
        headers=auth(c, "gridworker"),
        content_type="multipart/form-data",
    )
    assert posted.status_code == 201, posted.get_json()
    body = posted.get_json()
    assert body["status"] == "new" and body["case"]["status"] == "new"
    warnings = {w["code"]: w for w in body["warnings"]}
    place, age = warnings["gps_mismatch"], warnings["photo_too_old"]
    # Hubei to Paris is more than 8,000 km: said in 公里 with one decimal, never in 米.
    km = re.search(r"约 (\d+(?:\.\d)?) 公里 / .* about \1 km", place["message"])
    assert km and place["distance_m"] > 8_000_000, place["message"]
    assert abs(float(km.group(1)) * 1000 - place["distance_m"]) <= 50
    assert "米" not in place["message"]
    assert "约 18 年" in age["message"] and "about 18 years" in age["message"], age["message"]
    assert "小时" not in age["message"]

    case_id = body["case"]["id"]
    case = c.get(f"/api/v1/cases/{case_id}", headers=auth(c, "dispatcher")).get_json()
    assert {w["code"] for w in case["reports"][0]["warnings"]} >= {"gps_mismatch", "photo_too_old"}
    with demo_app.app_context():
        event = db.session.scalar(select(CaseEvent).where(CaseEvent.case_id == case_id))
        assert event.to_status == "new"
        assert event.data["held_for_review"] == ["gps_mismatch", "photo_too_old"]
    # The dispatcher decides: here he files it.
    assert act(c, "dispatcher", case_id, "file").get_json()["status"] == "filed"


def test_patrol_report_whose_photo_passes_is_still_filed_at_once(demo_client):
    body = post_report(demo_client, "gridworker", category="0301").get_json()
    assert body["status"] == "filed" and body["warnings"] == []
