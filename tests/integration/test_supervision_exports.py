"""台账 exports: every visible case, nothing else, phone numbers only for who may call back."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from inspector.extensions import db
from inspector.workflow.models import Case

from ..helpers import auth
from .supervision_cases import build_week

ALL = ("a1", "a2", "b1", "b2", "c1", "e1", "e2", "e3", "e4", "e5", "r1")


@pytest.fixture
def week(app_factory):
    app = app_factory()
    with app.app_context():
        world = build_week()
        numbers = {name: db.session.get(Case, i).number for name, i in world.cases.items()}
    return app.test_client(), numbers


def _get(client, path, user):
    response = client.get(path, headers=auth(client, user))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def test_xlsx_has_every_case_with_chinese_headers(week):
    client, numbers = week
    response = _get(client, "/api/v1/exports/cases.xlsx", "dispatcher")
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "案件编号" and "责任单位" in header and "处置期限" in header
    assert header[-1] == "联系电话"  # dispatchers call reporters back
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:T{len(rows)}"
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_number) == {numbers[n] for n in ALL}
    c1 = by_number[numbers["c1"]]
    assert c1["联系电话"] == "13800138000" and c1["责任单位"] == "环卫处" and c1["状态"] == "已办结"
    assert c1["来源"] == "市民随手拍" and c1["照片链接"].startswith(
        "http://localhost/api/v1/photos/"
    )
    e5 = by_number[numbers["e5"]]
    assert (e5["是否超期"], e5["督办级别"], e5["处置期限"]) == ("是", 1, "2026-11-18 11:00:00")
    assert by_number[numbers["e1"]]["返工次数"] == 1


def test_unit_staff_get_their_own_cases_without_phones(week):
    client, numbers = week
    sheet = load_workbook(
        io.BytesIO(_get(client, "/api/v1/exports/cases.xlsx", "unitstaff").data)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "联系电话" not in rows[0]
    assert {row[0] for row in rows[1:]} == {numbers["a1"], numbers["a2"]}  # zfj's


def test_csv_for_a_supervisor_and_a_period(week):
    client, numbers = week
    text = _get(client, "/api/v1/exports/cases.csv?from=2026-11-16&to=2026-11-22", "supervisor")
    body = text.get_data(as_text=True)
    assert body.startswith("\ufeff案件编号")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert "联系电话" not in rows[0] and "13800138000" not in body
    assert {r[0] for r in rows[1:]} == {numbers[n] for n in ALL if n != "e1"}  # e1: the week before
    zjj = [r for r in rows[1:] if r[rows[0].index("责任单位")] == "住建局"]
    assert len(zjj) == 4  # e2 e3 e4 e5 (e1 reported the week before)


def test_geojson_filters_and_grid_worker_scope(week):
    client, numbers = week
    body = json.loads(
        _get(client, "/api/v1/exports/cases.geojson?status=closed", "gridworker").data
    )
    closed = {f["properties"]["number"] for f in body["features"]}
    assert closed == {numbers[n] for n in ("a1", "a2", "b1", "b2", "c1", "e1")}
    point = body["features"][0]["geometry"]
    assert point["type"] == "Point" and 113 < point["coordinates"][0] < 114
    by_unit = json.loads(_get(client, "/api/v1/exports/cases.geojson?unit_code=jjdd", "admin").data)
    assert {f["properties"]["number"] for f in by_unit["features"]} == {
        numbers["b1"],
        numbers["b2"],
    }
    bad = client.get("/api/v1/exports/cases.csv?from=2026-11-16", headers=auth(client, "admin"))
    assert bad.status_code == 422
