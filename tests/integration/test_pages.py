"""The page shells and their headers, the API index, and the actions a case offers each caller."""

from __future__ import annotations

import re

import pytest

from ..helpers import auth
from .flows import act, post_report

PAGES = ["/", "/m/", "/m/mine", "/m/tasks", "/console/", "/console/cases/1", "/console/map"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_html_shells_with_a_strict_policy(demo_client, path):
    response = demo_client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Set-Cookie" not in response.headers
    html = response.get_data(as_text=True)
    assert "<script>" not in html and " on" not in html.split("<main", 1)[1].split("</main>")[0]
    assert 'type="module"' in html


def test_assets_are_served_as_modules(demo_client):
    response = demo_client.get("/assets/common.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert "export async function api" in response.get_data(as_text=True)
    assert demo_client.get("/assets/../pages.py").status_code == 404


def test_the_api_index_links_the_pages(demo_client):
    body = demo_client.get("/api/v1/").get_json()
    assert body["openapi"] == "/api/v1/openapi.json"
    assert body["pages"]["report"] == "/m/" and body["pages"]["console"] == "/console/"
    assert body["docs"] == "/api/v1/docs/"


def test_the_api_docs_page_and_its_files_come_from_us(demo_client):
    """Swagger UI's own files (from the flask-swagger-ui wheel), under the pages' CSP; nothing
    else of the package's folder is served. The page itself: tests/browser/test_apidocs.py."""
    page = demo_client.get("/api/v1/docs/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "<script>" not in html  # no inline script
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from another host
    assert 'href="/api/v1/docs/"' in demo_client.get("/").get_data(as_text=True)
    bundle = demo_client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and bundle.mimetype == "text/javascript"
    assert b"SwaggerUIBundle" in bundle.data
    css = demo_client.get("/api/v1/docs/assets/swagger-ui.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    licence = demo_client.get("/api/v1/docs/assets/LICENSE").get_data(as_text=True)
    assert "Apache License" in licence
    for other in ("index.html", "oauth2-redirect.html", "..%2F__init__.py", "swagger-ui.js"):
        assert demo_client.get(f"/api/v1/docs/assets/{other}").status_code == 404, other
    script = demo_client.get("/assets/apidocs.js").get_data(as_text=True)
    assert "validatorUrl: null" in script


def test_case_answers_list_the_callers_actions_by_their_chinese_names(demo_client):
    case_id = post_report(demo_client, "resident").get_json()["case"]["id"]
    assert act(demo_client, "dispatcher", case_id, "file").status_code == 200

    def actions(user: str) -> list[tuple[str, str]]:
        body = demo_client.get(f"/api/v1/cases/{case_id}", headers=auth(demo_client, user))
        return [(a["action"], a["name"]) for a in body.get_json()["actions"]]

    assert actions("dispatcher") == [
        ("reject", "不予立案"),
        ("dispatch", "派遣"),
        ("merge", "合并"),
        ("void", "作废"),
    ]
    assert actions("supervisor") == [("escalate", "督办")]
    assert actions("resident") == []  # the reporter, but nothing is his to do while it is filed
    assert act(demo_client, "dispatcher", case_id, "dispatch").status_code == 200
    assert actions("unitstaff") == [
        ("return", "退回"),
        ("request-extension", "申请延期"),
        ("rectify", "整改完成"),
    ]
