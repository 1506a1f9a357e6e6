"""12345 import from real files: a GBK CSV with the default headers, an XLSX with configured
headers; re-import, GCJ-02 coordinates, address-only rows (through a real HTTP geocoder) and bad
rows by line number."""

from __future__ import annotations

import io
import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from click.testing import CliRunner
from geopy.distance import geodesic
from openpyxl import Workbook

from inspector.cli import audit_cli
from inspector.grid.coords import from_wgs84

from ..helpers import auth
from .flows import GRID, OTHER_GRID, spot

HEADER = "工单编号,受理时间,诉求内容,事发地址,经度,纬度,坐标系,问题分类"
GEOCODED_ADDRESS = "明川县湖滨路88号"


class _Nominatim(BaseHTTPRequestHandler):
    """A geocoding service on a real socket: answers Nominatim's /search for one address."""

    def do_GET(self):  # noqa: N802 - http.server's name
        url = urlparse(self.path)
        query = parse_qs(url.query).get("q", [""])[0]
        found = []
        if url.path.startswith("/search") and query == GEOCODED_ADDRESS:
            lat, lon = spot(OTHER_GRID)
            found = [{"lat": str(lat), "lon": str(lon), "display_name": GEOCODED_ADDRESS}]
        body = json.dumps(found).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def geocoder():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Nominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"nominatim:http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _csv_lines() -> list[str]:
    lat, lon = spot(GRID)
    glat, glon = from_wgs84(lat, lon, "gcj02")
    return [
        HEADER,
        f"H001,2026-11-20 09:15:00,解放路有人占道卖水果,解放路12号,{glon},{glat},gcj02,占道经营",
        f"H002,2026/11/21 10:00,路边垃圾没人清,,{glon},{glat},,暴露垃圾",  # no system: gcj02
        "H003,2026-11-21 11:00,没有位置的诉求,,,,,",  # line 4: no place at all
        f"H004,昨天下午,时间写错了,,{glon},{glat},gcj02,占道经营",  # line 5: bad time
        f"H005,2026-11-22 08:00:00,湖滨路井盖坏了,{GEOCODED_ADDRESS},,,,井盖破损",
        "H006,2026-11-22 09:00:00,城外的诉求,,116.40,39.90,wgs84,占道经营",  # line 7: outside
        f"H007,2026-11-22 10:00:00,WGS坐标的工单,,{lon},{lat},WGS-84,其他说法",
    ]


def _post(client, data: bytes, name: str, user: str = "dispatcher"):
    return client.post(
        "/api/v1/hotline/import",
        data={"file": (io.BytesIO(data), name)},
        headers=auth(client, user),
        content_type="multipart/form-data",
    )


def _hotline_count(app) -> int:
    with app.app_context():
        from sqlalchemy import func, select

        from inspector.extensions import db
        from inspector.workflow.models import Case

        return db.session.scalar(select(func.count()).where(Case.source == "hotline"))


def _case_id(app, ticket_no: str) -> int:
    with app.app_context():
        from sqlalchemy import select

        from inspector.extensions import db
        from inspector.workflow.models import Case

        return db.session.scalar(select(Case.id).where(Case.ticket_no == ticket_no))


def test_gbk_csv_loads_good_rows_and_reports_bad_lines(app_factory, geocoder):
    app = app_factory(GEOCODER=geocoder)
    c = app.test_client()
    data = "\r\n".join(_csv_lines()).encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really GBK, as Excel on Chinese Windows saves it
    got = _post(c, data, "12345导出.csv")
    assert got.status_code == 200, got.get_json()
    body = got.get_json()
    # 7 rows: H003 (no place), H004 (time), H006 (outside the city) refused; 4 created
    assert (body["created"], body["updated"], body["unchanged"]) == (4, 0, 0)
    assert [e["line"] for e in body["errors"]] == [4, 5, 7]
    assert all(e["message"] for e in body["errors"])

    with app.app_context():
        from sqlalchemy import select

        from inspector.extensions import db
        from inspector.workflow.models import Case

        cases = {c.ticket_no: c for c in db.session.scalars(select(Case)).all() if c.ticket_no}
        assert set(cases) == {"H001", "H002", "H005", "H007"}
        center = spot(GRID)
        for ticket in ("H001", "H002", "H007"):
            case = cases[ticket]
            assert case.source == "hotline" and case.grid.code == GRID
            assert geodesic((case.lat, case.lon), center).meters < 5
        assert cases["H001"].category.code == "0101" and cases["H001"].status == "filed"
        assert cases["H001"].address == "解放路12号"
        # 受理时间 is China time: 09:15 +08:00 is 01:15 UTC
        assert cases["H001"].created_at.replace(tzinfo=UTC) == datetime(
            2026, 11, 20, 1, 15, tzinfo=UTC
        )
        assert cases["H002"].category.code == "0301"
        assert cases["H007"].category is None and cases["H007"].status == "new"
        geocoded = cases["H005"]
        assert geocoded.grid.code == OTHER_GRID and geocoded.address == GEOCODED_ADDRESS
        # our category is named "井盖破损 / 雨水井下沉": the bare text needs the mapping table
        assert geocoded.category is None and geocoded.status == "new"

    again = _post(c, data, "12345导出.csv").get_json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)
    assert [e["line"] for e in again["errors"]] == [4, 5, 7]
    assert _hotline_count(app) == 4


def test_reimport_updates_text_and_files_a_newly_mapped_category(app_factory):
    lines = _csv_lines()
    plain = app_factory()  # the first import knows no mapping: H007 stays uncategorised
    p = plain.test_client()
    first = "\n".join([lines[0], lines[1], lines[7]]).encode("utf-8")
    assert _post(p, first, "a.csv").get_json()["created"] == 2
    changed = [lines[0], lines[1].replace("卖水果", "卖水果和蔬菜"), lines[7]]
    body = _post(p, "\n".join(changed).encode("utf-8"), "a.csv").get_json()
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 1, 1)
    h001 = _case_id(plain, "H001")
    full = p.get(f"/api/v1/cases/{h001}", headers=auth(p, "dispatcher")).get_json()
    assert full["description"] == "解放路有人占道卖水果和蔬菜"
    update = full["timeline"][-1]
    assert update["action"] == "hotline-update"
    assert full["ticket_no"] == "H001" and full["source"] == "hotline"
    assert update["data"]["changes"]["text"] == [
        "解放路有人占道卖水果",
        "解放路有人占道卖水果和蔬菜",
    ]

    # the admin then maps the platform's text: the same file files H007 under 0202
    unmapped_first = app_factory()
    u = unmapped_first.test_client()
    assert _post(u, first, "a.csv").get_json()["created"] == 2
    h007 = _case_id(unmapped_first, "H007")
    assert u.get(f"/api/v1/cases/{h007}", headers=auth(u, "dispatcher")).json["status"] == "new"
    unmapped_first.config["HOTLINE_CATEGORIES"] = json.dumps({"其他说法": "0202"})
    again = _post(u, first, "a.csv").get_json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 1, 1)
    filed = u.get(f"/api/v1/cases/{h007}", headers=auth(u, "dispatcher")).get_json()
    assert filed["status"] == "filed" and filed["category_code"] == "0202"
    assert [e["action"] for e in filed["timeline"]] == ["report", "file"]
    with unmapped_first.app_context():  # re-import events chain and replay like any other
        result = CliRunner().invoke(audit_cli, ["verify"], obj=None, standalone_mode=False)
    assert result.exception is None, result.output


def test_xlsx_with_configured_headers_and_category_table(app_factory):
    columns = {"ticket_no": "工单号", "accepted_at": "来电时间", "text": "反映内容"}
    app = app_factory(
        HOTLINE_COLUMNS=json.dumps(columns), HOTLINE_CATEGORIES=json.dumps({"乱摆摊": "0101"})
    )
    c = app.test_client()
    lat, lon = spot(GRID)
    glat, glon = from_wgs84(lat, lon, "gcj02")
    book = Workbook()
    sheet = book.active
    sheet.append(["工单号", "来电时间", "反映内容", "事发地址", "经度", "纬度", "问题分类"])
    sheet.append(
        [2026112200031, datetime(2026, 11, 22, 14, 30), "门口乱摆摊", None, glon, glat, "乱摆摊"]
    )
    sheet.append(["X2", None, "没有时间", None, glon, glat, "乱摆摊"])  # row 3: no time
    buffer = io.BytesIO()
    book.save(buffer)
    got = _post(c, buffer.getvalue(), "export.xlsx", user="admin")
    assert got.status_code == 200, got.get_json()
    body = got.get_json()
    assert (body["created"], body["unchanged"]) == (1, 0)
    assert [e["line"] for e in body["errors"]] == [3]
    with app.app_context():
        from sqlalchemy import select

        from inspector.extensions import db
        from inspector.workflow.models import Case

        case = db.session.scalar(select(Case).where(Case.ticket_no == "2026112200031"))
        assert case is not None and case.category.code == "0101" and case.grid.code == GRID
        assert case.created_at.replace(tzinfo=UTC) == datetime(2026, 11, 22, 6, 30, tzinfo=UTC)


def test_unreadable_files_and_missing_columns_are_422(demo_client):
    c = demo_client
    assert _post(c, b"\x00\xff\xfe garbage \x81", "x.csv").status_code == 422
    assert _post(c, b"PK\x03\x04 not really a zip", "x.xlsx").status_code == 422
    missing = _post(c, "诉求内容,事发地址\n有问题,某路\n".encode(), "x.csv")
    assert missing.status_code == 422 and "工单编号" in missing.get_json()["error"]["message"]
    no_file = c.post("/api/v1/hotline/import", headers=auth(c, "dispatcher"))
    assert no_file.status_code == 422
    assert _post(c, b"a,b\n", "x.csv", user="supervisor").status_code == 403
