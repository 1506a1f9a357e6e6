"""The S3 store against a real S3-speaking server (moto_server in a child process): same
contract as the filesystem store - content-addressed keys, one object per content, refresh
instead of rewrite, age-guarded deletes, presigned URLs a plain HTTP client can fetch."""

from __future__ import annotations

import hashlib
import time

import pytest
import requests

from inspector.photos.s3 import S3Storage
from inspector.photos.storage import BadKey, derived_key, original_key

DATA = b"\xff\xd8 pretend photo bytes \xff\xd9"
SHA = hashlib.sha256(DATA).hexdigest()


def _store(server, bucket: str, **extra) -> S3Storage:
    cfg = server.settings(bucket)
    return S3Storage(
        bucket=bucket,
        endpoint=cfg["S3_ENDPOINT"],
        access_key=cfg["S3_ACCESS_KEY"],
        secret_key=cfg["S3_SECRET_KEY"],
        region=cfg["S3_REGION"],
        addressing_style="path",
        **extra,
    )


def test_put_read_exists_list(s3_server) -> None:
    bucket = s3_server.new_bucket()
    store = _store(s3_server, bucket)
    key = original_key(SHA)
    assert not store.exists(key)
    with pytest.raises(FileNotFoundError):
        store.read(key)
    store.put(key, DATA)
    assert store.exists(key) and store.read(key) == DATA
    assert store.local_path(key) is None
    body = store.open(key)
    assert body.read() == DATA
    listed = list(store.list("originals"))
    assert [obj.key for obj in listed] == [key]
    assert abs(listed[0].modified_at - time.time()) < 60
    assert list(store.list("derived")) == []
    assert s3_server.keys(bucket) == {key}  # seen from outside: one object, nothing else


def test_same_content_is_one_object_and_a_reput_refreshes_its_age(s3_server) -> None:
    bucket = s3_server.new_bucket()
    store = _store(s3_server, bucket)
    key = original_key(SHA)
    store.put(key, DATA)
    first = next(iter(store.list("originals"))).modified_at
    time.sleep(1.1)  # S3 keeps LastModified to the second
    store.put(key, DATA)
    (obj,) = store.list("originals")
    assert obj.modified_at >= first + 1
    assert store.read(key) == DATA
    # Written since the cutoff: kept; older than a cutoff in the future: deleted.
    assert not store.delete_if_older(key, cutoff=first + 0.5)
    assert store.exists(key)
    assert store.delete_if_older(key, cutoff=time.time() + 60)
    assert not store.exists(key)
    assert not store.delete_if_older(key, cutoff=time.time() + 60)  # already gone


def test_keys_that_did_not_come_from_a_digest_are_refused(s3_server) -> None:
    store = _store(s3_server, s3_server.new_bucket())
    for key in ("../etc/passwd", f"originals/aa/bb/{SHA}/../x", "x"):
        with pytest.raises(BadKey):
            store.put(key, DATA)
        with pytest.raises(BadKey):
            store.read(key)
        with pytest.raises(BadKey):
            store.presigned_url(key)


def test_presigned_url_is_fetchable_and_short_lived(s3_server) -> None:
    bucket = s3_server.new_bucket()
    store = _store(s3_server, bucket, url_ttl_s=2)
    key = derived_key(SHA, "thumb")
    store.put(key, DATA, durable=False)
    url = store.presigned_url(key)
    assert url.startswith(s3_server.endpoint + "/" + bucket + "/derived/")
    assert "X-Amz-Expires=2" in url
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 200 and answer.content == DATA


def test_check_names_a_missing_bucket(s3_server) -> None:
    _store(s3_server, s3_server.new_bucket()).check()
    with pytest.raises(Exception):  # noqa: B017 - botocore's ClientError (404 on the bucket)
        _store(s3_server, "no-such-bucket-here").check()


def test_public_endpoint_signs_urls_for_browsers(s3_server) -> None:
    store = _store(s3_server, s3_server.new_bucket(), public_endpoint="https://img.example.cn")
    url = store.presigned_url(derived_key(SHA, "display"))
    assert url.startswith("https://img.example.cn/")
