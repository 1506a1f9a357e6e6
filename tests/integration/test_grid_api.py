"""Locate in any coordinate system, the convert endpoint, and the address (composed or geocoded
by a real HTTP geocoder running on this machine; never the internet)."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from inspector.grid.coords import from_wgs84
from inspector.setup.demo import grid_center

CODE = "429901001001007"


@pytest.mark.parametrize("system", ["wgs84", "gcj02", "bd09"])
def test_locate_reads_and_answers_in_the_requested_system(demo_client, system):
    lat, lon = grid_center(CODE)
    qlat, qlon = from_wgs84(lat, lon, system)
    body = demo_client.get(f"/api/v1/zones/locate?lat={qlat}&lon={qlon}&coord_sys={system}")
    body = body.get_json()
    assert body["grid"]["code"] == CODE
    assert body["position"] == {
        "lat": pytest.approx(qlat, abs=1e-7),
        "lon": pytest.approx(qlon, abs=1e-7),
        "coord_sys": system,
    }
    assert body["wgs84"] == {
        "lat": pytest.approx(lat, abs=1e-7),
        "lon": pytest.approx(lon, abs=1e-7),
    }
    assert body["address"] == "西城区解放街道鼓楼社区 07号网格"


def test_gcj02_read_as_wgs84_lands_elsewhere(demo_client):
    # the point of coord_sys: an AMap coordinate taken for GPS is ~500 m off in Hubei
    lat, lon = grid_center(CODE)
    glat, glon = from_wgs84(lat, lon, "gcj02")
    body = demo_client.get(f"/api/v1/zones/locate?lat={glat}&lon={glon}")
    assert body.status_code == 404 or body.get_json()["grid"]["code"] != CODE


def test_convert_endpoint(demo_client):
    response = demo_client.get("/api/v1/coords/convert?lat=39.915&lon=116.404&from=wgs84&to=gcj02")
    assert response.get_json() == {
        "lat": pytest.approx(39.91640428, abs=1e-8),
        "lon": pytest.approx(116.4102445, abs=1e-7),
        "coord_sys": "gcj02",
    }
    back = demo_client.get(
        "/api/v1/coords/convert?lat=39.91640428&lon=116.4102445&from=gcj02&to=wgs84"
    ).get_json()
    assert back["lat"] == pytest.approx(39.915, abs=1e-7)
    for query in (
        "lat=1&lon=2&from=wgs84&to=utm",
        "lat=1&lon=2&from=wgs84",
        "lat=x&lon=2&from=wgs84&to=bd09",
    ):
        bad = demo_client.get(f"/api/v1/coords/convert?{query}")
        assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_input"


def test_snap_distance_is_configurable(app_factory):
    # 15 m west of the county's west edge
    lat, lon = grid_center("429901001001001")
    west = 113.13 - 15 / (111_320 * 0.8605)
    strict = app_factory(SNAP_DISTANCE_M=5).test_client()
    assert strict.get(f"/api/v1/zones/locate?lat={lat}&lon={west}").status_code == 404
    loose = app_factory().test_client()  # default 30 m
    body = loose.get(f"/api/v1/zones/locate?lat={lat}&lon={west}").get_json()
    assert body["grid"]["code"] == "429901001001001" and 14 < body["snapped_m"] < 16


class _Nominatim(BaseHTTPRequestHandler):
    seen: list[dict] = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        query = parse_qs(urlparse(self.path).query)
        self.seen.append(query)
        body = json.dumps(
            {
                "display_name": "湖北省 明川县 鼓楼大街 7 号",
                "lat": query["lat"][0],
                "lon": query["lon"][0],
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture
def nominatim():
    server = HTTPServer(("127.0.0.1", 0), _Nominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_configured_geocoder_is_used(app_factory, nominatim):
    client = app_factory(GEOCODER=f"nominatim:{nominatim}").test_client()
    lat, lon = grid_center(CODE)
    body = client.get(f"/api/v1/zones/locate?lat={lat}&lon={lon}").get_json()
    assert body["address"] == "湖北省 明川县 鼓楼大街 7 号"
    assert float(_Nominatim.seen[-1]["lat"][0]) == pytest.approx(lat, abs=1e-6)


def test_unreachable_geocoder_falls_back_to_zone_names(app_factory):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = app_factory(GEOCODER=f"nominatim:http://127.0.0.1:{port}").test_client()
    lat, lon = grid_center(CODE)
    body = client.get(f"/api/v1/zones/locate?lat={lat}&lon={lon}").get_json()
    assert body["address"] == "西城区解放街道鼓楼社区 07号网格"
