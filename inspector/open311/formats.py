"""GeoReport v2 answers as JSON or XML, with the spec's element names.

XML follows the spec's examples (and FixMyStreet's server): a list is an element holding one
child per item, named by GROUP_TAGS (`<services><service>`, `<service_requests><request>`,
`<errors><error>`...); booleans are `true`/`false`; a missing value is an empty element.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from flask import Response

GROUP_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}
XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        tag = GROUP_TAGS.get(element.tag, "item")
        for item in value:
            _fill(ET.SubElement(element, tag), item)
    else:
        element.text = _text(value)


def to_xml(root: str, value: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, value)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def answer(fmt: str, root: str, value: Any, status: int = 200) -> Response:
    """`value` as JSON, or as XML under `root` (the spec's root element for this method)."""
    if fmt == "xml":
        return Response(to_xml(root, value), status=status, content_type=XML_TYPE)
    body = json.dumps(value, ensure_ascii=False)
    return Response(body, status=status, content_type=JSON_TYPE)


def error_answer(fmt: str, status: int, description: str) -> Response:
    """The spec's error shape: [{"code", "description"}] / <errors><error>...</error></errors>."""
    return answer(fmt, "errors", [{"code": status, "description": description}], status)
