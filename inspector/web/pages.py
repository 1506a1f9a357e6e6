"""HTML shells and their static files. Views only render templates: data comes from /api/v1."""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    send_from_directory,
    url_for,
)

from ..access.auth import public
from . import tiles

STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSET_MAX_AGE_S = 3600  # no fingerprinted names (no build step): an hour, then revalidate


# Pages run only our own scripts and styles, talk only to our own API and show only our own
# photos (plus blob: previews of the photos being taken). No inline script, no eval. Leaflet
# positions its panes through element.style (the CSSOM), which `style-src 'self'` allows; only
# style attributes written in markup would need 'unsafe-inline', and nothing writes them. The one
# widening: the configured map tiles' host joins img-src (none by default).
def page_csp(tile_source: str) -> str:
    images = " ".join(("'self' blob: data:", *tiles.image_hosts(tile_source)))
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {images}",
            "connect-src 'self'",
            "manifest-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


PERMISSIONS = "geolocation=(self), camera=(self), microphone=(), payment=()"
SHELL = "页面外壳,不含数据;数据经 /api/v1 按令牌读取 / an HTML shell without data; the API decides"

blp = Blueprint("web", __name__, template_folder="templates")


# The browsable API page runs Swagger UI (from the flask-swagger-ui wheel, served by us from
# /api/v1/docs/assets/): the same policy, plus `connect-src 'self'` is all it needs to read the
# document; it loads nothing from elsewhere (its validator badge is switched off in apidocs.js).
SWAGGER_DIST = Path(flask_swagger_ui.__file__).resolve().parent / "dist"
SWAGGER_FILES = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "LICENSE", "VERSION"})


@blp.after_request
def _page_headers(response: Response) -> Response:
    """Runs before the app-wide headers, which only fill what is still unset."""
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = page_csp(current_app.config["MAP_TILES"])
        response.headers["Permissions-Policy"] = PERMISSIONS
    return response


def _page(template: str, script: str, **context) -> str:
    """A shell and its one module script (which imports what it needs), and the map settings
    (tile source, its coordinate system) for the map module to read from a <meta> tag."""
    cfg = current_app.config
    map_settings = tiles.page_settings(cfg["MAP_TILES"], cfg["TIANDITU_KEY"])
    return render_template(template, script=script, map_settings=map_settings, **context)


@blp.route("/")
@public(SHELL)
def home() -> str:
    return _page("home.html", "home.js")


@blp.route("/api/v1/")
@public("接口目录,不含数据 / a directory of links, no data")
def api_index() -> dict:
    routes = {rule.rule for rule in current_app.url_map.iter_rules()}
    return {
        "name": "Inspector 随手拍城市巡查 API",
        "openapi": "/api/v1/openapi.json",
        "docs": url_for("web.api_docs"),
        "operations": sorted(p for p in ("/healthz", "/readyz") if p in routes),
        "pages": {
            "report": url_for("web.report"),
            "mine": url_for("web.mine"),
            "tasks": url_for("web.tasks"),
            "console": url_for("web.console"),
            "map": url_for("web.console_map"),
            "stats": url_for("web.console_stats"),
            "bulletins": url_for("web.console_bulletins"),
        },
    }


@blp.route("/api/v1/docs/")
@public("接口文档页面,不含数据 / the browsable API description, no data")
def api_docs() -> str:
    """Swagger UI over /api/v1/openapi.json, every file served by us (no CDN)."""
    return render_template("apidocs.html", version=(SWAGGER_DIST / "VERSION").read_text().strip())


@blp.route("/api/v1/docs/assets/<string:filename>")
@public("Swagger UI 的脚本与样式 / Swagger UI's script and style (Apache-2.0)")
def api_docs_asset(filename: str) -> Response:
    if filename not in SWAGGER_FILES:
        abort(404)
    response = send_from_directory(SWAGGER_DIST, filename, max_age=ASSET_MAX_AGE_S)
    if filename.endswith(".js"):
        response.mimetype = "text/javascript"
    elif filename in ("LICENSE", "VERSION"):
        response.mimetype = "text/plain"
    return response


@blp.route("/m/")
@public(SHELL)
def report() -> str:
    return _page("m/report.html", "report.js")


@blp.route("/m/mine")
@public(SHELL)
def mine() -> str:
    return _page("m/mine.html", "mine.js")


@blp.route("/m/tasks")
@public(SHELL)
def tasks() -> str:
    return _page("m/tasks.html", "tasks.js")


@blp.route("/console/")
@public(SHELL)
def console() -> str:
    return _page("console/queue.html", "queue.js")


@blp.route("/console/cases/<int:case_id>")
@public(SHELL)
def console_case(case_id: int) -> str:
    return _page("console/case.html", "case.js", case_id=case_id)


@blp.route("/console/map")
@public(SHELL)
def console_map() -> str:
    return _page("console/map.html", "cmap.js")


@blp.route("/console/stats")
@public(SHELL)
def console_stats() -> str:
    return _page("console/stats.html", "stats.js")


@blp.route("/console/bulletins")
@public(SHELL)
def console_bulletins() -> str:
    return _page("console/bulletins.html", "bulletins.js")


@blp.route("/assets/<path:filename>")
@public("页面的脚本、样式和图标 / the pages' scripts, styles and icons")
def asset(filename: str) -> Response:
    response = send_from_directory(STATIC_DIR, filename, max_age=ASSET_MAX_AGE_S)
    if filename.endswith(".js"):
        response.mimetype = "text/javascript"  # ES modules need a JavaScript type
    return response
