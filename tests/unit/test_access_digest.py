"""What makes two requests "the same" for Idempotency-Key: content, not encoding accidents."""

from __future__ import annotations

from io import BytesIO

from flask import Flask

from inspector.access.idempotency import request_digest

app = Flask(__name__)


def _digest(path: str = "/r", **kwargs) -> str:
    with app.test_request_context(path, method="POST", **kwargs):
        return request_digest()


def _upload(photo: bytes, note: str = "井盖破损") -> dict:
    return {"description": note, "photo": (BytesIO(photo), "a.jpg")}


def test_json_key_order_does_not_matter():
    a = _digest(data='{"a": 1, "b": [1, 2]}', content_type="application/json")
    b = _digest(data='{"b": [1, 2],  "a": 1}', content_type="application/json")
    assert a == b
    assert a != _digest(data='{"a": 2, "b": [1, 2]}', content_type="application/json")


def test_multipart_resent_with_new_boundary_is_the_same():
    a = _digest(data=_upload(b"\xff\xd8photo-bytes"), content_type="multipart/form-data")
    b = _digest(data=_upload(b"\xff\xd8photo-bytes"), content_type="multipart/form-data")
    assert a == b
    assert a != _digest(data=_upload(b"\xff\xd8other-bytes"), content_type="multipart/form-data")
    assert a != _digest(
        data=_upload(b"\xff\xd8photo-bytes", "x"), content_type="multipart/form-data"
    )


def test_path_and_query_are_part_of_it():
    body = {"data": "{}", "content_type": "application/json"}
    assert _digest("/cases/1/close", **body) != _digest("/cases/2/close", **body)
    assert _digest("/r?x=1", **body) != _digest("/r?x=2", **body)


def test_uploads_are_rewound_for_the_view():
    data = _upload(b"\xff\xd8" + b"p" * (3 << 20))
    with app.test_request_context(
        "/r", method="POST", data=data, content_type="multipart/form-data"
    ):
        from flask import request

        request_digest()
        assert request.files["photo"].read() == b"\xff\xd8" + b"p" * (3 << 20)
