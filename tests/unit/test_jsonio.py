"""The orjson provider writes the document Flask's own provider writes (jsonio.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from flask import Flask

from inspector.jsonio import OrjsonProvider


@dataclass
class Point:
    lat: float
    lon: float


def _app() -> Flask:
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    app.json.ensure_ascii = False  # as create_app sets it
    return app


def test_the_answer_is_compact_sorted_utf8():
    app = _app()
    with app.app_context():
        body = app.json.response({"b": 1, "a": "占道经营", "c": [None, True, 2.5]}).get_data()
    assert body == '{"a":"占道经营","b":1,"c":[null,true,2.5]}\n'.encode()


def test_same_document_as_flasks_encoder():
    app = _app()
    value = {
        "when": datetime(2026, 11, 29, 8, 30, tzinfo=UTC),  # Flask: an HTTP date
        "where": Point(30.64, 113.13),  # Flask: the dataclass as a dict
        "money": Decimal("12.50"),  # Flask: its string
        "nested": {"z": [1, {"y": "网格"}], "a": None},
    }
    with app.app_context():
        ours = app.json.dumps(value, separators=(",", ":"))
    flask_default = json.dumps(
        value,
        default=app.json.default,
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    assert json.loads(ours) == json.loads(flask_default)
    assert json.loads(ours)["when"] == "Sun, 29 Nov 2026 08:30:00 GMT"
    assert json.loads(ours)["where"] == {"lat": 30.64, "lon": 113.13}


def test_what_orjson_refuses_goes_to_flasks_encoder():
    app = _app()
    with app.app_context():
        compact = {"separators": (",", ":")}
        assert app.json.dumps({"id": 2**70}, **compact) == '{"id":1180591620717411303424}'
        assert app.json.dumps({3: "c", 1: "a"}, **compact) == '{"1":"a","3":"c"}'  # int keys
        assert app.json.dumps({"a": 1}, indent=2) == '{\n  "a": 1\n}'  # other options
        try:
            app.json.dumps({"s": {1, 2}}, **compact)
        except TypeError:
            pass
        else:
            raise AssertionError("a set is not JSON, with either encoder")
