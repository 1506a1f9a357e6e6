"""Open311 GeoReport v2 (/open311/v2/): every method in JSON and XML, POST through the intake.

Reads go through `georeport` (a maintained third-party client) against a live server; POSTs use
plain `requests` as a connected system would. JSON answers are checked against the spec's
schemas in tests/open311_schemas.py; XML is parsed with the standard library.
"""

from __future__ import annotations

import json
import math
import threading
import xml.etree.ElementTree as ET
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import jsonschema
import pytest
import requests
from georeport import GeoReport
from sqlalchemy import func, select, update

from inspector.extensions import db
from inspector.setup.demo import grid_center
from inspector.timeutil import utcnow
from inspector.workflow.models import Case

from .. import open311_schemas as S
from ..helpers import auth
from ..images import jpeg
from ..live import live_server
from .flows import act

V2 = "/open311/v2"
WEST_GRID = "429901001001007"  # 西城区解放街道鼓楼社区 07号网格
EAST_GRID = "429902001001001"
SERVICE_FIELDS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long",
    "media_url",
}  # fmt: skip
CONTACT = {
    "email": "li.si@example.cn",
    "phone": "13912345678",
    "first_name": "四",
    "last_name": "李",
}


def make_key(app, name: str) -> str:
    result = app.test_cli_runner().invoke(args=["open311", "keys", "create", "--name", name])
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    assert key.startswith("o311_") and len(key) > 40
    return key


def revoke(app, name: str) -> None:
    result = app.test_cli_runner().invoke(args=["open311", "keys", "revoke", name])
    assert result.exit_code == 0, result.output


def spot(grid: str = WEST_GRID) -> tuple[float, float]:
    return grid_center(grid)


def form(key: str, **extra) -> dict:
    lat, lon = spot()
    data = {"api_key": key, "service_code": "0301", "lat": lat, "long": lon}
    data.update(extra)
    return data


def post(client, key: str, fmt: str = "json", files=None, **extra):  # noqa: ANN001
    data = form(key, **extra)
    if files:
        data.update(files)
    return client.post(f"{V2}/requests.{fmt}", data=data, content_type="multipart/form-data")


def xml(response) -> ET.Element:  # noqa: ANN001
    assert response.content_type.startswith("text/xml"), response.content_type
    return ET.fromstring(response.data)


def json_errors(response, status: int) -> str:  # noqa: ANN001
    assert response.status_code == status, response.data
    body = response.get_json()
    jsonschema.validate(body, S.ERRORS)
    assert body[0]["code"] == status
    return body[0]["description"]


def xml_errors(response, status: int) -> str:  # noqa: ANN001
    assert response.status_code == status, response.data
    root = xml(response)
    assert root.tag == "errors"
    [error] = list(root)
    assert error.tag == "error" and [c.tag for c in error] == ["code", "description"]
    assert error.findtext("code") == str(status)
    return error.findtext("description")


def metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dy = (lat1 - lat2) * 111_320
    dx = (lon1 - lon2) * 111_320 * math.cos(math.radians(lat1))
    return math.hypot(dx, dy)


# --- discovery, services, service definitions ------------------------------------------------


def test_discovery_in_json_and_xml(demo_client):
    body = demo_client.get(f"{V2}/discovery.json").get_json()
    jsonschema.validate(body, S.DISCOVERY)
    [endpoint] = body["endpoints"]
    assert endpoint["url"] == "http://localhost/open311/v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = xml(demo_client.get(f"{V2}/discovery.xml"))
    assert root.tag == "discovery"
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]


def test_services_and_definitions_in_json_and_xml(demo_client):
    services = demo_client.get(f"{V2}/services.json").get_json()
    jsonschema.validate(services, S.SERVICES)
    by_code = {s["service_code"]: s for s in services}
    # demo_data: 0301 暴露垃圾 is an 事件 (event), 0601 井盖破损 a 部件 (component).
    assert by_code["0301"]["service_name"] == "暴露垃圾" and by_code["0301"]["group"] == "事件"
    assert by_code["0601"]["group"] == "部件"
    assert all(s["metadata"] is False and s["type"] == "realtime" for s in services)

    root = xml(demo_client.get(f"{V2}/services.xml"))
    assert root.tag == "services" and {c.tag for c in root} == {"service"}
    assert len(root) == len(services)
    for service in root:
        assert {c.tag for c in service} == SERVICE_FIELDS
    first = root.find("service")
    assert first.findtext("metadata") == "false"

    definition = demo_client.get(f"{V2}/services/0301.json").get_json()
    jsonschema.validate(definition, S.SERVICE_DEFINITION)
    assert definition == {"service_code": "0301", "attributes": []}
    root = xml(demo_client.get(f"{V2}/services/0301.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "0301" and len(root.find("attributes")) == 0

    assert "9999" in json_errors(demo_client.get(f"{V2}/services/9999.json"), 404)
    assert "9999" in xml_errors(demo_client.get(f"{V2}/services/9999.xml"), 404)


# --- POST and every read, through a live server ----------------------------------------------


def test_post_with_media_then_read_it_through_georeport(demo_app):
    key = make_key(demo_app, "12345平台")
    lat, lon = spot()
    photo = jpeg(lat=lat, lon=lon, taken_at=utcnow() - timedelta(minutes=5))
    with live_server(demo_app) as base:
        answer = requests.post(
            f"{base}{V2}/requests.json",
            data=form(key, description="路边垃圾堆积", device_id="phone-1", **CONTACT),
            files={"media": ("scene.jpg", photo, "image/jpeg")},
            timeout=30,
        )
        assert answer.status_code == 201, answer.text
        jsonschema.validate(answer.json(), S.POST_ANSWER)
        number = answer.json()[0]["service_request_id"]
        token = answer.json()[0]["token"]

        reader = GeoReport(f"{base}{V2}")
        one = reader.get_service_request(number)
        jsonschema.validate([one], S.SERVICE_REQUESTS)
        assert set(one) == REQUEST_FIELDS
        assert (one["status"], one["service_code"], one["service_name"]) == (
            "open",
            "0301",
            "暴露垃圾",
        )
        assert one["description"] == "路边垃圾堆积"
        assert one["address"] == "西城区解放街道鼓楼社区 07号网格"
        assert one["requested_datetime"].endswith("+08:00")
        # The public position is the ~50 m cell centre: moved, and by at most 0.71 x 50 m.
        assert (one["lat"], one["long"]) != (lat, lon)
        assert metres(one["lat"], one["long"], lat, lon) <= 36
        # media_url: the public derivative, served by us (EXIF-free JPEG).
        assert one["media_url"].startswith(f"{base}/api/v1/photos/")
        image = requests.get(one["media_url"], timeout=30)
        assert image.status_code == 200 and image.headers["Content-Type"] == "image/jpeg"

        listed = reader.get_service_requests(service_request_id=number)
        assert [r["service_request_id"] for r in listed] == [number]
        assert reader.get_service_list()[0]["service_code"]
        assert reader.get_service_definition("0301")["attributes"] == []

        as_xml = GeoReport(f"{base}{V2}", output_format="xml")
        one_xml = as_xml.get_service_request(number)
        assert one_xml["service_request_id"] == number and one_xml["status"] == "open"
        assert set(one_xml) == REQUEST_FIELDS
        assert as_xml.get_service_list()[0]["service_code"]
        assert as_xml.get_service_definition("0301")["service_code"] == "0301"

        tokens = requests.get(f"{base}{V2}/tokens/{token}.json", timeout=30)
        jsonschema.validate(tokens.json(), S.TOKEN_ANSWER)
        assert tokens.json() == [{"service_request_id": number, "token": token}]
        root = ET.fromstring(requests.get(f"{base}{V2}/tokens/{token}.xml", timeout=30).content)
        assert root.tag == "service_requests"
        assert root.findtext("request/service_request_id") == number
        missing = requests.get(f"{base}{V2}/tokens/nope.json", timeout=30)
        assert missing.status_code == 404 and missing.json()[0]["code"] == 404

        # Contact details never appear in a public answer, in either format.
        for path in (
            f"requests/{number}.json?extensions=true",
            f"requests/{number}.xml?extensions=true",
            "requests.json",
            "requests.xml?extensions=true",
            f"tokens/{token}.xml",
        ):
            text = requests.get(f"{base}{V2}/{path}", timeout=30).text
            for secret in CONTACT.values():
                assert secret not in text, (path, secret)
            assert str(lat) not in text and str(lon) not in text

    # The same loop as any report: a case with source open311, waiting for on-site verification;
    # staff who may call the reporter see the phone, like a resident's.
    client = demo_app.test_client()
    headers = auth(client, "dispatcher")
    cases = client.get("/api/v1/cases?limit=200", headers=headers).get_json()["items"]
    [case] = [c for c in cases if c["number"] == number]
    assert (case["source"], case["status"], case["category_code"]) == (
        "open311",
        "verifying",
        "0301",
    )
    detail = client.get(f"/api/v1/cases/{case['id']}", headers=headers).get_json()
    assert detail["reports"][0]["phone"] == CONTACT["phone"]
    assert detail["reports"][0]["source"] == "open311"
    assert len(detail["reports"][0]["photos"]) == 1
    anonymous = client.get(f"/api/v1/cases/{case['id']}")
    assert anonymous.status_code in (401, 404)


def test_post_answers_in_xml_and_media_url_is_kept_not_fetched(demo_app):
    key = make_key(demo_app, "fixmystreet")
    client = demo_app.test_client()
    # Nothing listens on port 9: fetching this link would fail, so a 201 proves it was not fetched.
    link = "http://127.0.0.1:9/photo.jpg"
    response = post(client, key, "xml", media_url=link, description="井边垃圾")
    assert response.status_code == 201, response.data
    root = xml(response)
    assert root.tag == "service_requests"
    [request_] = list(root)
    assert request_.tag == "request"
    assert [c.tag for c in request_] == [
        "service_request_id",
        "service_notice",
        "account_id",
        "token",
    ]
    number = request_.findtext("service_request_id")
    one = client.get(f"{V2}/requests/{number}.json").get_json()[0]
    assert one["media_url"] == link


def test_revoked_key_is_refused_with_403(demo_app):
    key = make_key(demo_app, "old-app")
    client = demo_app.test_client()
    assert post(client, key, description="first").status_code == 201
    revoke(demo_app, "old-app")
    assert "api_key" in json_errors(post(client, key, description="second"), 403)
    assert "api_key" in xml_errors(post(client, key, "xml", description="second"), 403)
    assert "api_key" in json_errors(post(client, "o311_made-up", description="x"), 403)
    no_key = {k: v for k, v in form("").items() if k != "api_key"}
    json_errors(client.post(f"{V2}/requests.json", data=no_key), 403)
    with demo_app.app_context():
        count = db.session.scalar(select(func.count()).where(Case.source == "open311"))
    assert count == 1


def test_rate_limit_counts_per_key(app_factory):
    app = app_factory(RATE_LIMITS="on", LIMIT_OPEN311_KEY="2/minute")
    first, second = make_key(app, "a"), make_key(app, "b")
    client = app.test_client()
    assert post(client, first, description="1").status_code == 201
    assert post(client, first, description="2").status_code == 201
    limited = post(client, first, description="3")
    json_errors(limited, 429)
    assert int(limited.headers["Retry-After"]) > 0
    xml_errors(post(client, first, "xml", description="4"), 429)
    assert post(client, second, description="1").status_code == 201  # another key, own budget


def test_retry_within_the_window_is_the_same_case(demo_app):
    key = make_key(demo_app, "retrying-app")
    client = demo_app.test_client()
    one = post(client, key, description="垃圾未清运", device_id="dev-9")
    again = post(client, key, description="垃圾未清运", device_id="dev-9")
    assert one.status_code == 201 and again.status_code == 200
    number = one.get_json()[0]["service_request_id"]
    assert again.get_json()[0]["service_request_id"] == number
    other_text = post(client, key, description="另一堆垃圾", device_id="dev-9")
    other_device = post(client, key, description="垃圾未清运", device_id="dev-10")
    no_device = [post(client, key, description="垃圾未清运") for _ in range(2)]
    numbers = {
        r.get_json()[0]["service_request_id"] for r in [other_text, other_device, *no_device]
    }
    assert len(numbers) == 4 and number not in numbers
    with demo_app.app_context():
        count = db.session.scalar(select(func.count()).where(Case.source == "open311"))
    assert count == 5


def test_retry_after_the_window_is_a_new_case(app_factory):
    app = app_factory(OPEN311_RETRY_MINUTES=0)
    key = make_key(app, "k")
    client = app.test_client()
    numbers = {
        post(client, key, description="同一描述", device_id="d").get_json()[0]["service_request_id"]
        for _ in range(2)
    }
    assert len(numbers) == 2


def test_nearby_post_goes_through_the_duplicate_check(demo_app):
    key = make_key(demo_app, "dup")
    client = demo_app.test_client()
    first = post(client, key, description="a").get_json()[0]["service_request_id"]
    second = post(client, key, description="b").get_json()[0]["service_request_id"]
    headers = auth(client, "dispatcher")
    items = client.get("/api/v1/cases?limit=200", headers=headers).get_json()["items"]
    ids = {c["number"]: c["id"] for c in items}
    detail = client.get(f"/api/v1/cases/{ids[second]}", headers=headers).get_json()
    assert detail["duplicate_of"] == ids[first]
    codes = [w["code"] for w in detail["reports"][0]["warnings"]]
    assert "possible_duplicate" in codes


# --- GET requests: filters and the spec's defaults ----------------------------------------------


def _numbers(response) -> list[str]:  # noqa: ANN001
    assert response.status_code == 200, response.data
    body = response.get_json()
    jsonschema.validate(body, S.SERVICE_REQUESTS)
    return [r["service_request_id"] for r in body]


def test_request_filters_defaults_and_extensions(demo_app):
    key = make_key(demo_app, "reader")
    client = demo_app.test_client()
    a = post(client, key, description="A").get_json()[0]["service_request_id"]
    lat, lon = spot(EAST_GRID)
    b = post(client, key, service_code="0401", lat=lat, long=lon, description="B")
    b = b.get_json()[0]["service_request_id"]
    c = post(client, key, description="C", service_code="0601").get_json()[0]["service_request_id"]
    hundred_days_ago = utcnow() - timedelta(days=100)
    with demo_app.app_context():
        db.session.execute(update(Case).where(Case.number == c).values(created_at=hundred_days_ago))
        db.session.commit()
        b_id = db.session.scalar(select(Case.id).where(Case.number == b))
    headers = auth(client, "dispatcher")
    rejected = client.post(
        f"/api/v1/cases/{b_id}/reject", json={"note": "经核实不属实"}, headers=headers
    )
    assert rejected.status_code == 200, rejected.get_json()

    get = client.get
    assert _numbers(get(f"{V2}/requests.json")) == [b, a]  # last 90 days, newest first
    assert _numbers(get(f"{V2}/requests.json?status=open")) == [a]
    assert _numbers(get(f"{V2}/requests.json?status=closed")) == [b]
    assert _numbers(get(f"{V2}/requests.json?status=open,closed")) == [b, a]
    assert _numbers(get(f"{V2}/requests.json?service_code=0401")) == [b]
    assert _numbers(get(f"{V2}/requests.json?service_code=0301,0401")) == [b, a]
    start = (hundred_days_ago - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (hundred_days_ago + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert _numbers(get(f"{V2}/requests.json?start_date={start}&end_date={end}")) == [c]
    assert _numbers(get(f"{V2}/requests.json?start_date={start}")) == [c]  # 90 days from start
    # A list of ids overrides every other filter, the date window too.
    assert sorted(
        _numbers(get(f"{V2}/requests.json?service_request_id={a},{c}&status=closed"))
    ) == sorted([a, c])

    closed = get(f"{V2}/requests.json?status=closed").get_json()[0]
    assert closed["status_notes"] == "经核实不属实"
    assert "extended_attributes" not in closed
    extended = get(f"{V2}/requests/{b}.json?extensions=true").get_json()[0]
    assert extended["extended_attributes"]["detailed_status"] == "rejected"
    assert extended["extended_attributes"]["grid_code"] == EAST_GRID
    assert extended["extended_attributes"]["source"] == "open311"

    root = xml(get(f"{V2}/requests.xml?status=closed&extensions=true"))
    assert root.tag == "service_requests" and [r.tag for r in root] == ["request"]
    request_ = root.find("request")
    assert {c.tag for c in request_} == REQUEST_FIELDS | {"extended_attributes"}
    assert request_.findtext("status") == "closed"
    assert request_.findtext("status_notes") == "经核实不属实"
    assert request_.findtext("extended_attributes/detailed_status") == "rejected"
    assert request_.findtext("extended_attributes/overdue") == "false"
    root = xml(get(f"{V2}/requests/{a}.xml"))
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [a]

    far = (hundred_days_ago + timedelta(days=95)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "90" in json_errors(get(f"{V2}/requests.json?start_date={start}&end_date={far}"), 400)
    json_errors(get(f"{V2}/requests.json?status=pending"), 400)
    json_errors(get(f"{V2}/requests.json?start_date=yesterday"), 400)
    xml_errors(get(f"{V2}/requests.xml?end_date=2026-13-01"), 400)
    json_errors(get(f"{V2}/requests/1999010100001.json"), 404)
    xml_errors(get(f"{V2}/requests/1999010100001.xml"), 404)


# --- bad input, places, jurisdiction ------------------------------------------------------------


def test_bad_posts_answer_spec_errors_never_500(demo_app):
    key = make_key(demo_app, "careless")
    client = demo_app.test_client()
    assert "service_code" in json_errors(post(client, key, service_code="9999"), 404)
    json_errors(post(client, key, lat="abc"), 400)
    json_errors(post(client, key, long="999"), 400)
    json_errors(post(client, key, description="长" * 4001), 400)
    json_errors(post(client, key, email="not-an-email"), 400)
    json_errors(post(client, key, media_url="ftp://x/y.jpg"), 400)
    xml_errors(post(client, key, "xml", lat="", long=""), 400)  # no place at all
    outside = post(client, key, lat="39.9", long="116.4")  # Beijing: outside the demo city
    json_errors(outside, 400)
    not_image = {"media": (__import__("io").BytesIO(b"plain text"), "x.jpg")}
    json_errors(post(client, key, files=not_image), 400)
    json_errors(client.get(f"{V2}/nothing.json"), 404)
    xml_errors(client.get(f"{V2}/nothing.xml"), 404)
    with demo_app.app_context():
        count = db.session.scalar(select(func.count()).where(Case.source == "open311"))
    assert count == 0


def test_address_string_without_geocoder_is_refused_clearly(demo_app):
    key = make_key(demo_app, "addr")
    response = post(demo_app.test_client(), key, lat="", long="", address_string="鼓楼社区")
    assert "INSPECTOR_GEOCODER" in json_errors(response, 400)


class _Nominatim(BaseHTTPRequestHandler):
    """A stand-in for a self-hosted Nominatim: one known address, nothing else."""

    places: dict[str, tuple[float, float]] = {}

    def do_GET(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        query = parse_qs(url.query).get("q", [""])[0]
        found = self.places.get(query) if url.path == "/search" else None
        body = (
            [{"lat": str(found[0]), "lon": str(found[1]), "display_name": query}] if found else []
        )
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


@pytest.fixture
def nominatim():
    server = HTTPServer(("127.0.0.1", 0), _Nominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    thread.join(timeout=10)


def test_address_string_is_geocoded_by_the_configured_geocoder(app_factory, nominatim):
    lat, lon = spot(EAST_GRID)
    _Nominatim.places = {"东城区新华社区1号": (lat, lon)}
    app = app_factory(GEOCODER=f"nominatim:http://127.0.0.1:{nominatim.server_port}")
    key = make_key(app, "addr")
    client = app.test_client()
    response = post(client, key, lat="", long="", address_string="东城区新华社区1号")
    assert response.status_code == 201, response.data
    number = response.get_json()[0]["service_request_id"]
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.number == number))
        assert (case.lat, case.lon) == (lat, lon)
        assert case.grid.code == EAST_GRID
    unknown = post(client, key, lat="", long="", address_string="不存在的地方")
    assert "不存在的地方" in json_errors(unknown, 400)


def test_jurisdiction_is_checked_only_when_configured(app_factory, demo_client):
    assert demo_client.get(f"{V2}/services.json?jurisdiction_id=anything").status_code == 200
    app = app_factory(OPEN311_JURISDICTION="429900")
    client = app.test_client()
    assert client.get(f"{V2}/services.json?jurisdiction_id=429900").status_code == 200
    assert client.get(f"{V2}/services.json").status_code == 200
    xml_errors(client.get(f"{V2}/services.xml?jurisdiction_id=110000"), 404)


def test_keys_on_the_command_line(demo_app):
    runner = demo_app.test_cli_runner()
    key = make_key(demo_app, "once")
    with demo_app.app_context():
        from inspector.open311.models import Open311Key

        row = db.session.scalar(select(Open311Key).where(Open311Key.name == "once"))
        assert key not in row.key_hash and len(row.key_hash) == 64  # stored hashed
    again = runner.invoke(args=["open311", "keys", "create", "--name", "once"])
    assert again.exit_code != 0
    missing = runner.invoke(args=["open311", "keys", "revoke", "nobody"])
    assert missing.exit_code != 0


def test_contact_data_reaches_only_the_staff_who_see_a_residents_phone(demo_app):
    """Decision (README, Open311): an Open311 sender's phone, email and names are private like a
    resident's phone: the staff who may call a reporter back (policy.PHONE_ROLES: admins,
    dispatchers, the grid's workers) see them on the report, whole, as they see a resident's
    phone; the unit handling the case, supervisors, residents and every Open311 reader do not."""
    client = demo_app.test_client()
    key = make_key(demo_app, "联系方式")
    answer = post(client, key, description="井盖缺失", device_id="contact-1", **CONTACT)
    assert answer.status_code == 201, answer.get_json()
    number = answer.get_json()[0]["service_request_id"]
    with demo_app.app_context():
        case_id = db.session.scalar(select(Case.id).where(Case.number == number))
    # filed and dispatched to 综合执法局, whose staff now handle it
    assert act(client, "dispatcher", case_id, "file").status_code == 200
    assert act(client, "dispatcher", case_id, "dispatch", unit_code="zfj").status_code == 200

    def report_seen_by(user: str) -> dict | None:
        response = client.get(f"/api/v1/cases/{case_id}", headers=auth(client, user))
        if response.status_code != 200:
            return None
        [report] = response.get_json()["reports"]
        return report

    whole = {"email": "li.si@example.cn", "first_name": "四", "last_name": "李"}
    for user in ("dispatcher", "admin", "gridworker"):  # gridworker: 鼓楼社区, the case's grid
        report = report_seen_by(user)
        assert report["phone"] == "13912345678", user
        assert report["contact"] == whole, user
    for user in ("unitstaff", "supervisor"):  # they see the case, not who sent it
        report = report_seen_by(user)
        assert report is not None and report["source"] == "open311", user
        assert "phone" not in report and "contact" not in report, user
    assert report_seen_by("resident") is None  # not his report: the case is hidden (404)
    # The Open311 reads never carry them (public, with or without extensions).
    for path in (f"requests/{number}.json?extensions=true", f"requests/{number}.xml"):
        text = client.get(f"{V2}/{path}").get_data(as_text=True)
        for secret in (*whole.values(), "13912345678"):
            assert secret not in text, (path, secret)
