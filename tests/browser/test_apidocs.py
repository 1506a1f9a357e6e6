"""The browsable API page (/api/v1/docs/): Swagger UI from our own server under the pages' strict
CSP, listing the operations of /api/v1/openapi.json, with no request to any other host."""

from __future__ import annotations

import pytest

from .conftest import DESKTOP, shoot


def test_api_docs_page_renders_the_document_from_our_own_files(backend, server, new_context):
    if backend.name != "sqlite":
        pytest.skip("the page reads no data: one database is enough")
    page = new_context(DESKTOP).new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
    page.on("requestfailed", lambda r: problems.append(f"failed {r.url}"))
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(r.url.split("/")[2]) if "://" in r.url else None)
    answer = page.goto(server + "/api/v1/docs/")
    assert answer.status == 200
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    page.wait_for_selector(".opblock-tag")
    # One section per blueprint: 认证, 案件, 上报 ... each titled by its tag.
    tags = page.locator(".opblock-tag").all_inner_texts()
    assert any("cases" in t for t in tags) and any("reports" in t for t in tags)
    page.locator(".opblock-tag", has_text="cases").first.click()
    page.locator(".opblock-summary-path", has_text="/api/v1/cases/{case_id}").first.click()
    # The 200 example is drawn from the declared schema (CaseAnswer): timeline, actions, reports.
    page.locator(".responses-wrapper .microlight", has_text="timeline").first.wait_for()
    example = page.locator(".responses-wrapper .microlight").first.inner_text()
    assert all(f'"{key}"' in example for key in ("number", "timeline", "actions", "reports"))
    shoot(page, "apidocs-desktop")
    assert hosts == {server.split("/")[2]}, hosts  # everything from us: no CDN, no badge
    assert problems == []  # a CSP violation shows as a console error
