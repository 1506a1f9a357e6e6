"""The camera point's evidence sheet as a self-contained HTML page (printable; the browser's
"print to PDF" makes the PDF until a PDF renderer is on main)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

_env = Environment(
    loader=PackageLoader("inspector.campaign", "templates"),
    autoescape=select_autoescape(("html",)),
)


def evidence_html(view: dict[str, Any]) -> str:
    return _env.get_template("evidence.html").render(view=view)
