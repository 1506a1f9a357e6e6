"""The examples of issue 9 (item 3), each a 4xx with the envelope on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json

import pytest

from ..access_matrix import plant_world
from ..helpers import auth
from ..images import jpeg


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    return error


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/reports/2147483648",
        "/api/v1/cases/9223372036854775808",
        "/api/v1/cases/-1",
        "/api/v1/photos/2147483648/thumb.jpg",
        "/api/v1/cases/" + "9" * 5000,
    ],
)
def test_ids_beyond_the_integer_columns_are_not_found(demo_client, path):
    _error(demo_client.get(path, headers=auth(demo_client, "admin")), 404, "not_found")


def test_merge_into_an_id_beyond_the_column_is_refused(demo_app):
    world = plant_world(demo_app)
    client = demo_app.test_client()
    for into in (2147483648, 9223372036854775808, -5, 0):
        response = client.post(
            f"/api/v1/cases/{world.values['case_id']}/merge",
            json={"into": into},
            headers=world.headers("dispatcher"),
        )
        assert "into" in _error(response, 422, "invalid_input")["fields"]


def test_nul_in_text_fields_query_and_path(demo_app):
    world = plant_world(demo_app)
    client = demo_app.test_client()
    dispatcher, admin = world.headers("dispatcher"), world.headers("admin")
    lat, lon = world.values["lat"], world.values["lon"]
    for field in ("description", "category_code"):
        form = {"lat": str(lat), "lon": str(lon), "category_code": "0101", field: "占道\x00经营"}
        form["photo"] = (io.BytesIO(jpeg(lat, lon)), "p.jpg")
        response = client.post("/api/v1/reports", data=form, content_type="multipart/form-data")
        assert _error(response, 422, "invalid_input")["field"] == field
    login = client.post("/api/v1/auth/token", json={"username": "ad\x00min", "password": "x"})
    assert _error(login, 422, "invalid_input")["field"] == "username"
    note = client.post(
        f"/api/v1/cases/{world.values['case_id']}/escalate",
        json={"note": "督办\x00"},
        headers=world.headers("supervisor"),
    )
    _error(note, 422, "invalid_input")
    unit = client.post(
        "/api/v1/units", json={"code": "u\x00", "name": "单位", "kind": "department"}, headers=admin
    )
    assert _error(unit, 422, "invalid_input")["field"] == "code"
    for name in ("grid_code", "unit_code", "category_code"):
        listed = client.get("/api/v1/cases", query_string={name: "\x00"}, headers=dispatcher)
        assert _error(listed, 422, "invalid_input")["field"] == name
    _error(client.post("/api/v1/accounts/%00/disable", headers=admin), 422, "invalid_input")


def test_lone_surrogates_and_deep_bodies(demo_client):
    admin = auth(demo_client, "admin")
    surrogate = json.dumps({"code": "u1", "name": "\ud800", "kind": "department"})
    response = demo_client.post(
        "/api/v1/units", data=surrogate, content_type="application/json", headers=admin
    )
    assert _error(response, 422, "invalid_input")["field"] == "name"
    deep = b"[" * 100_000 + b"]" * 100_000
    response = demo_client.post(
        "/api/v1/zones/import", data=deep, content_type="application/json", headers=admin
    )
    _error(response, 400, "bad_request")
    nested = json.dumps({"a": json.loads("[" * 40 + "]" * 40)})
    response = demo_client.post(
        "/api/v1/zones/import", data=nested, content_type="application/json", headers=admin
    )
    _error(response, 422, "invalid_input")


def test_over_long_strings_are_refused_by_their_column(demo_client):
    admin = auth(demo_client, "admin")
    body = {"code": "u2", "name": "单位", "kind": "department", "head_name": "长" * 61}
    response = demo_client.post("/api/v1/units", json=body, headers=admin)
    assert _error(response, 422, "invalid_input")["field"] == "head_name"
    body["head_name"] = "长" * 60  # the column holds 60: accepted, on both databases
    assert demo_client.post("/api/v1/units", json=body, headers=admin).status_code == 201
    huge = demo_client.get("/api/v1/cases", query_string={"grid_code": "9" * 2001}, headers=admin)
    assert _error(huge, 422, "invalid_input")["field"] == "grid_code"


def test_tabs_and_newlines_still_pass(demo_app):
    world = plant_world(demo_app)
    client = demo_app.test_client()
    response = client.post(
        f"/api/v1/cases/{world.values['case_id']}/escalate",
        json={"note": "第一行\n第二行\t附注\r\n"},
        headers=world.headers("supervisor"),
    )
    assert response.status_code == 200, response.get_json()
