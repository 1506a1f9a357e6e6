"""Public callers see rounded positions everywhere and only their own reports (issue 9, item 2).

The probe: after a merge, a resident (or an anonymous token holder) reading the case saw the
other reporters' photos[].exif_gps to 6 decimals and their descriptions, and could GET their
reports.
"""

from __future__ import annotations

import io

from ..helpers import auth
from ..images import jpeg
from .flows import act, new_client_id, spot

# Off the grid centre so that the exact values are not a rounding cell's centre by chance.
LAT, LON = spot()[0] + 0.000123, spot()[1] + 0.000171
ANON_TEXT = "门口摊位占道,我家就在旁边三单元"
ANON_PHONE = "13912345678"
RESIDENT_TEXT = "路口有流动摊贩"


def _post(client, headers: dict, description: str, **fields):  # noqa: ANN001, ANN202
    data = {
        "lat": str(LAT),
        "lon": str(LON),
        "category_code": "0101",
        "description": description,
        "photo": (io.BytesIO(jpeg(LAT, LON)), "p.jpg"),
        **fields,
    }
    response = client.post(
        "/api/v1/reports", data=data, headers=headers, content_type="multipart/form-data"
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _numbers(value) -> list[float]:  # noqa: ANN001
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [n for item in value for n in _numbers(item)]
    return []


def _exact_position_in(answer: dict) -> bool:
    """Any number within ~0.2 m of the exact latitude or longitude."""
    return any(abs(n - LAT) < 2e-6 or abs(n - LON) < 2e-6 for n in _numbers(answer))


def _merged(c):  # noqa: ANN001, ANN202
    """An anonymous tip with a phone number, then a resident's tip at the same spot, merged."""
    anon = _post(c, {}, ANON_TEXT, phone=ANON_PHONE, client_id=new_client_id())
    mine = _post(c, auth(c, "resident"), RESIDENT_TEXT)
    merged = act(c, "dispatcher", mine["case"]["id"], "merge", into=anon["case"]["id"])
    assert merged.status_code == 200, merged.get_json()
    return anon, mine, anon["case"]["id"]


def test_resident_following_a_merged_case_sees_only_his_report_rounded(demo_client):
    c = demo_client
    anon, mine, case_id = _merged(c)
    resident = auth(c, "resident")
    answer = c.get(f"/api/v1/cases/{case_id}", headers=resident)
    assert answer.status_code == 200
    case = answer.get_json()
    text = answer.get_data(as_text=True)

    assert [r["id"] for r in case["reports"]] == [mine["id"]]
    assert case["description"] == RESIDENT_TEXT
    assert ANON_TEXT not in text and ANON_PHONE not in text
    anon_photos = {p["id"] for p in anon["photos"]}
    shown = {p["id"] for e in case["timeline"] for p in e["photos"]}
    shown |= {p["id"] for r in case["reports"] for p in r["photos"]}
    assert not shown & anon_photos
    # His own photo's EXIF position is rounded like the case position (same ~50 m cell) ...
    (own_photo,) = case["reports"][0]["photos"]
    assert own_photo["exif_gps"] == {"lat": case["lat"], "lon": case["lon"]}
    # ... so no exact coordinate is anywhere in the answer.
    assert not _exact_position_in(case)

    # His case list: the same case, his description, rounded.
    listed = c.get("/api/v1/cases", headers=resident)
    rows = {row["id"]: row for row in listed.get_json()["items"]}
    assert rows[case_id]["description"] == RESIDENT_TEXT
    assert ANON_TEXT not in listed.get_data(as_text=True)
    assert not _exact_position_in(listed.get_json())

    # The other reporter's report and photos are not his to read.
    other = c.get(f"/api/v1/reports/{anon['id']}", headers=resident)
    assert other.status_code == 404
    photo_id = anon["photos"][0]["id"]
    assert c.get(f"/api/v1/photos/{photo_id}/display.jpg", headers=resident).status_code == 404
    # His own report is.
    own = c.get(f"/api/v1/reports/{mine['id']}", headers=resident)
    assert own.status_code == 200 and not _exact_position_in(own.get_json())


def test_anonymous_token_holder_of_a_merged_case_sees_only_his_report(demo_client):
    c = demo_client
    anon, mine, case_id = _merged(c)
    token = anon["tracking_token"]
    answer = c.get(f"/api/v1/cases/{case_id}?token={token}")
    assert answer.status_code == 200
    case = answer.get_json()
    assert [r["id"] for r in case["reports"]] == [anon["id"]]
    assert RESIDENT_TEXT not in answer.get_data(as_text=True)
    assert not _exact_position_in(case)
    (photo,) = case["reports"][0]["photos"]
    assert photo["exif_gps"] == {"lat": case["lat"], "lon": case["lon"]}
    assert c.get(f"/api/v1/reports/{mine['id']}?token={token}").status_code == 404
    # The answer to his own upload was already rounded.
    assert not _exact_position_in(anon)
    assert anon["photos"][0]["exif_gps"] == {"lat": anon["lat"], "lon": anon["lon"]}
    tracked = c.get(f"/api/v1/reports/track?token={token}").get_json()
    assert not _exact_position_in(tracked)


def test_staff_still_see_every_report_exactly(demo_client):
    c = demo_client
    anon, mine, case_id = _merged(c)
    case = c.get(f"/api/v1/cases/{case_id}", headers=auth(c, "dispatcher")).get_json()
    assert {r["id"] for r in case["reports"]} == {anon["id"], mine["id"]}
    assert case["description"] == ANON_TEXT
    for report in case["reports"]:
        gps = report["photos"][0]["exif_gps"]
        # EXIF keeps degrees/minutes/seconds rationals: equal to about a centimetre.
        assert abs(gps["lat"] - LAT) < 1e-6 and abs(gps["lon"] - LON) < 1e-6
    assert next(r for r in case["reports"] if r["id"] == anon["id"])["phone"] == ANON_PHONE


# What a resident gets of a case, written out from the rule (workflow/present.py's field views):
# every case field but the unit's pending extension request, plus his reports, timeline, actions.
RESIDENT_CASE_KEYS = {
    "id", "number", "status", "status_name", "source", "source_name",
    "category_code", "category_name", "unit_code", "unit_name", "grid_code", "grid_name",
    "point_code", "address", "lat", "lon", "description",
    "created_at", "filed_at", "dispatched_at", "due_at", "due_provisional", "rectified_at",
    "closed_at", "overdue", "rework_count", "return_count", "escalation_level",
    "duplicate_of", "recurrence_of", "merged_into", "version",
    "reports", "timeline", "actions",
}  # fmt: skip


def test_a_resident_sees_the_public_view_of_a_case_staff_the_whole(demo_client):
    c = demo_client
    mine = _post(c, auth(c, "resident"), RESIDENT_TEXT)
    case_id = mine["case"]["id"]
    own = c.get(f"/api/v1/cases/{case_id}", headers=auth(c, "resident")).get_json()
    assert set(own) == RESIDENT_CASE_KEYS
    staff = c.get(f"/api/v1/cases/{case_id}", headers=auth(c, "dispatcher")).get_json()
    assert set(staff) == RESIDENT_CASE_KEYS | {
        "extension_request",
        "warnings",
        "ticket_no",
        "batch_id",
    }
    listed = c.get("/api/v1/cases", headers=auth(c, "resident")).get_json()["items"]
    row = next(item for item in listed if item["id"] == case_id)
    assert set(row) == RESIDENT_CASE_KEYS - {"reports", "timeline", "actions"}
