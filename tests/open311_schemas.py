"""JSON Schemas of GeoReport v2 answers, written from the spec (wiki.open311.org/GeoReport_v2),
independently of the server code: the tests check the server's JSON against these."""

from __future__ import annotations

_TEXT = {"type": ["string", "null"]}
_W3C = {
    "type": ["string", "null"],
    # W3C date-time with seconds and an explicit offset (Z or +hh:mm).
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
}

DISCOVERY = {
    "type": "object",
    "required": ["changeset", "endpoints"],
    "properties": {
        "changeset": {"type": "string"},
        "contact": _TEXT,
        "key_service": _TEXT,
        "endpoints": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["specification", "url", "changeset", "type", "formats"],
                "properties": {
                    "specification": {"type": "string"},
                    "url": {"type": "string"},
                    "changeset": {"type": "string"},
                    "type": {"enum": ["production", "test"]},
                    "formats": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}

SERVICES = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["service_code", "service_name", "metadata", "type"],
        "properties": {
            "service_code": {"type": "string"},
            "service_name": {"type": "string"},
            "description": _TEXT,
            "metadata": {"type": "boolean"},
            "type": {"enum": ["realtime", "batch", "blackbox"]},
            "keywords": _TEXT,
            "group": _TEXT,
        },
    },
}

SERVICE_DEFINITION = {
    "type": "object",
    "required": ["service_code", "attributes"],
    "properties": {
        "service_code": {"type": "string"},
        "attributes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["variable", "code", "datatype", "required", "order", "description"],
            },
        },
    },
}

SERVICE_REQUESTS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["service_request_id", "status", "requested_datetime", "lat", "long"],
        "properties": {
            "service_request_id": {"type": "string"},
            "status": {"enum": ["open", "closed"]},
            "status_notes": _TEXT,
            "service_name": _TEXT,
            "service_code": _TEXT,
            "description": _TEXT,
            "agency_responsible": _TEXT,
            "service_notice": _TEXT,
            "requested_datetime": _W3C,
            "updated_datetime": _W3C,
            "expected_datetime": _W3C,
            "address": _TEXT,
            "address_id": _TEXT,
            "zipcode": _TEXT,
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "long": {"type": "number", "minimum": -180, "maximum": 180},
            "media_url": _TEXT,
        },
    },
}

POST_ANSWER = {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": {
        "type": "object",
        "required": ["service_request_id"],
        "properties": {
            "service_request_id": {"type": "string"},
            "service_notice": _TEXT,
            "account_id": _TEXT,
            "token": _TEXT,
        },
    },
}

TOKEN_ANSWER = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["service_request_id", "token"],
        "properties": {"service_request_id": _TEXT, "token": {"type": "string"}},
    },
}

ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    },
}
