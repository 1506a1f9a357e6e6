"""Findings lists (问题清单): import XLSX/CSV + photos ZIP, walk items to 销号, batch report."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

from click.testing import CliRunner
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from inspector.cli import audit_cli
from inspector.extensions import db
from inspector.grid.coords import wgs84_to_gcj02
from inspector.timeutil import CHINA, utcnow
from inspector.workflow.models import Case

from ..helpers import auth
from ..images import jpeg
from .flows import GRID, act_on_site, spot

HEADER = [
    "序号",
    "问题描述",
    "经度",
    "纬度",
    "坐标系",
    "地址",
    "点位编号",
    "问题类别",
    "照片",
    "扣分",
]


def _rows(bad: bool = True, marks3: float = 2) -> list[list]:
    lat, lon = spot(GRID)
    glat, glon = wgs84_to_gcj02(lat, lon)
    rows = [
        [1, "解放路占道经营", glon, glat, "", "", "", "0101", "a.jpg;b.jpg", 1.5],
        [
            2,
            "社区网格旁暴露垃圾",
            None,
            None,
            None,
            "西城区鼓楼社区07号网格东侧",
            None,
            "暴露垃圾",
            None,
            0.5,
        ],
        [3, "农贸市场门口道路不洁", None, None, None, None, "P002", "0303", None, marks3],
    ]
    if bad:
        rows += [
            [4, "类别写错", glon, glat, "gcj02", "", "", "9999", "", ""],
            [5, "照片不在压缩包", glon, glat, "gcj02", "", "", "0101", "missing.jpg", ""],
        ]
    return rows


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _photos() -> bytes:
    lat, lon = spot(GRID)
    return _zip({"a.jpg": jpeg(lat, lon), "现场/b.jpg": jpeg(lat, lon, size=(80, 60))})


def _post(
    client, user, table: bytes, photos: bytes | None = None, name="2026年11月省级暗访", **form
):
    data = {"name": name, "source": "province_covert", "file": (io.BytesIO(table), "list.xlsx")}
    if photos is not None:
        data["photos"] = (io.BytesIO(photos), "photos.zip")
    data.update(form)
    return client.post(
        "/api/v1/findings/batches",
        data=data,
        headers=auth(client, user),
        content_type="multipart/form-data",
    )


def _case_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Case.id)))


def test_findings_list_imported_walked_to_closing_and_reported(demo_client, demo_app):
    c = demo_client
    before = _case_count(demo_app)
    today = utcnow().astimezone(CHINA).date()
    future = (today + timedelta(days=30)).isoformat()

    # Two bad rows (lines 5 and 6 of the sheet: the header is line 1): nothing is imported.
    refused = _post(c, "supervisor", _xlsx(_rows(bad=True)), _photos(), due_date=future)
    assert refused.status_code == 422, refused.get_json()
    error = refused.get_json()["error"]
    assert error["code"] == "invalid_rows"
    assert [e["line"] for e in error["errors"]] == [5, 6]
    assert "9999" in error["errors"][0]["message"]
    assert "missing.jpg" in error["errors"][1]["message"]
    assert _case_count(demo_app) == before

    done = _post(c, "supervisor", _xlsx(_rows(bad=False)), _photos(), due_date=future)
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert (body["created"], body["updated"], body["errors"]) == (3, 0, [])
    batch_id = body["batch_id"]
    assert _case_count(demo_app) == before + 3

    with demo_app.app_context():
        cases = db.session.scalars(db.select(Case).where(Case.batch_id == batch_id)).all()
        by_text = {case.description: case.id for case in cases}
    stall, litter, road = (
        by_text[t] for t in ("解放路占道经营", "社区网格旁暴露垃圾", "农贸市场门口道路不洁")
    )
    headers = auth(c, "dispatcher")
    first = c.get(f"/api/v1/cases/{stall}", headers=headers).get_json()
    # GCJ-02 in the list, stored WGS-84; category default 综合执法局; two photos from the ZIP.
    assert first["batch_id"] == batch_id and first["source"] == "inspection"
    assert first["status"] == "dispatched" and first["unit_code"] == "zfj"
    assert first["grid_code"] == GRID
    assert abs(first["lat"] - spot(GRID)[0]) < 1e-5 and abs(first["lon"] - spot(GRID)[1]) < 1e-5
    assert len(first["reports"][0]["photos"]) == 2
    assert [e["action"] for e in first["timeline"]] == ["report", "dispatch"]
    # Address only: placed in the grid the address names; 暴露垃圾 in 西城区 -> 环卫处 (hwc).
    second = c.get(f"/api/v1/cases/{litter}", headers=headers).get_json()
    assert second["grid_code"] == GRID and second["unit_code"] == "hwc"
    # Point code: inside 中心农贸市场, whose owner 市场监管局 (sjj) gets it before the category.
    third = c.get(f"/api/v1/cases/{road}", headers=headers).get_json()
    assert third["point_code"] == "P002" and third["unit_code"] == "sjj"

    # Walk the stall to 销号: rectify on site, check passed.
    assert act_on_site(c, "unitstaff", stall, "rectify", note="已清理").status_code == 200
    checked = act_on_site(c, "gridworker", stall, "check", passed=True)
    assert checked.get_json()["status"] == "closed", checked.get_json()

    report = c.get(f"/api/v1/findings/batches/{batch_id}", headers=auth(c, "supervisor")).get_json()
    assert (report["name"], report["source"], report["due_date"], report["total"]) == (
        "2026年11月省级暗访",
        "province_covert",
        future,
        3,
    )
    # Lost marks go to the owner: 1.5 + 0.5 to the grid unit of 鼓楼社区, 2 to the market's owner.
    assert _units(report) == [
        _unit("hwc", 1, 1, 0, 0, 0, 0),
        _unit("sjj", 1, 1, 0, 0, 0, 2.0),
        _unit("sq-429901001001", 0, 0, 0, 0, 0, 2.0),
        _unit("zfj", 1, 0, 0, 1, 0, 0),
    ]

    # Re-import (same source and name): 扣分 of item 3 changes, the deadline is now yesterday.
    yesterday = (today - timedelta(days=1)).isoformat()
    again = _post(c, "admin", _xlsx(_rows(bad=False, marks3=3)), _photos(), due_date=yesterday)
    assert again.status_code == 200, again.get_json()
    assert (again.get_json()["created"], again.get_json()["updated"]) == (0, 1)
    assert again.get_json()["batch_id"] == batch_id
    assert _case_count(demo_app) == before + 3
    late = c.get(f"/api/v1/findings/batches/{batch_id}", headers=auth(c, "admin")).get_json()
    # Closed today, after yesterday's deadline: overdue too; the two open ones are overdue.
    assert _units(late) == [
        _unit("hwc", 1, 1, 0, 0, 1, 0),
        _unit("sjj", 1, 1, 0, 0, 1, 3.0),
        _unit("sq-429901001001", 0, 0, 0, 0, 0, 2.0),
        _unit("zfj", 1, 0, 0, 1, 1, 0),
    ]

    html = c.get(f"/api/v1/findings/batches/{batch_id}?format=html", headers=auth(c, "admin"))
    assert html.mimetype == "text/html" and "农贸市场门口道路不洁" in html.get_data(as_text=True)
    assert html.get_data(as_text=True).count("<img ") == 3  # a.jpg, b.jpg; the 整改 photo
    xlsx = c.get(f"/api/v1/findings/batches/{batch_id}?format=xlsx", headers=auth(c, "admin"))
    sheet = load_workbook(io.BytesIO(xlsx.data)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["责任单位", "单位编码", "问题数"]
    assert [r[1] for r in rows[1:]] == ["hwc", "sjj", "sq-429901001001", "zfj"]
    assert rows[2][7] == 3

    # The same page as PDF, photos inside it: item 1 has a.jpg and b.jpg before and the one
    # 整改 photo after; items 2 and 3 have none. a.jpg and the 整改 photo are the same sample
    # scene (only their EXIF differs, which thumbnails drop), so the PDF holds 2 distinct images.
    pdf = c.get(f"/api/v1/findings/batches/{batch_id}?format=pdf", headers=auth(c, "admin"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    flat = "".join(p.extract_text() for p in reader.pages).replace(" ", "").replace("\n", "")
    assert "问题清单:2026年11月省级暗访" in flat and "共3个问题" in flat
    # 综合执法局: 1 item, 0 open, 0 awaiting check, 1 closed, 1 overdue, 0.0 marks lost.
    assert "综合执法局zfj100110.0" in flat
    assert "市监局sjj110013.0" in flat  # 1 item, 1 open, 0, 0, 1 overdue, 3.0 marks lost
    assert sum(len(page.images) for page in reader.pages) == 2
    missing = c.get("/api/v1/findings/batches/999999?format=pdf", headers=auth(c, "admin"))
    assert missing.status_code == 404

    with demo_app.app_context():
        result = CliRunner().invoke(audit_cli, ["verify"], obj=None, standalone_mode=False)
    assert result.exception is None, result.output


def _unit(code, total, open_, rectified, closed, overdue, lost) -> dict:
    return {
        "unit_code": code,
        "total": total,
        "open": open_,
        "rectified": rectified,
        "closed": closed,
        "overdue": overdue,
        "lost_marks": lost,
    }


def _units(report: dict) -> list[dict]:
    return [{k: v for k, v in u.items() if k != "unit_name"} for u in report["by_unit"]]


def _csv(rows: list[list], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode(encoding)


def test_csv_in_gbk_without_photos(demo_client, demo_app):
    rows = [r[:8] + [None] + r[9:] for r in _rows(bad=False)]  # no 照片 column values
    done = _post(demo_client, "admin", _csv(rows, "gbk"), name="专家组第3组", source="expert_group")
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["created"] == 3
    # Photos named but no ZIP sent: every such row is refused by line.
    refused = _post(demo_client, "admin", _csv(_rows(bad=False)), name="另一份")
    assert refused.status_code == 422
    assert [e["line"] for e in refused.get_json()["error"]["errors"]] == [2]


def test_zip_path_tricks_bombs_and_bad_images_are_refused(demo_client, demo_app):
    c, table = demo_client, _xlsx(_rows(bad=False))
    lat, lon = spot(GRID)
    before = _case_count(demo_app)

    climbing = _zip({"a.jpg": jpeg(lat, lon), "../b.jpg": jpeg(lat, lon)})
    answer = _post(c, "supervisor", table, climbing)
    assert answer.status_code == 422 and answer.get_json()["error"]["code"] == "invalid_archive"
    assert answer.get_json()["error"]["entry"] == "../b.jpg"

    bomb = _zip({"a.jpg": jpeg(lat, lon), "b.jpg": b"\0" * (8 * 1024 * 1024)})
    answer = _post(c, "supervisor", table, bomb)
    assert answer.status_code == 422 and answer.get_json()["error"]["code"] == "invalid_archive"

    answer = _post(c, "supervisor", table, b"not a zip at all")
    assert answer.status_code == 422 and answer.get_json()["error"]["code"] == "invalid_archive"

    # A text file named .jpg fails the same image checks as any upload, reported by its line.
    fake = _zip({"a.jpg": jpeg(lat, lon), "b.jpg": b"hello, not a jpeg" * 10})
    answer = _post(c, "supervisor", table, fake)
    assert answer.status_code == 422, answer.get_json()
    assert [e["line"] for e in answer.get_json()["error"]["errors"]] == [2]
    assert "b.jpg" in answer.get_json()["error"]["errors"][0]["message"]

    garbage = _post(c, "supervisor", b"PK\x03\x04 broken workbook", _photos())
    assert garbage.status_code == 422
    no_header = _post(c, "supervisor", "序号,问题描述\n1,x\n".encode(), None)
    assert no_header.status_code == 422 and no_header.get_json()["error"]["missing"] == ["问题类别"]
    assert _case_count(demo_app) == before


def test_batch_import_and_report_need_the_right_roles(demo_client):
    c = demo_client
    answer = _post(c, "dispatcher", _xlsx(_rows(bad=False)), _photos())
    assert answer.status_code == 403
    missing = c.get("/api/v1/findings/batches/999", headers=auth(c, "supervisor"))
    assert missing.status_code == 404
    bad_source = _post(c, "supervisor", _xlsx(_rows(bad=False)), _photos(), source="gossip")
    assert bad_source.status_code == 422
