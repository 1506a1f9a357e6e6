"""Photo bytes on an S3-compatible object store (Aliyun OSS, Tencent COS, Huawei OBS, MinIO...).

Same keys and contract as `FileSystemStorage` (storage.py): keys come only from SHA-256
digests, a `put` is atomic (S3 never shows half an object) and acknowledged only once the
store holds it, so the "object before row" order of photos/service.py holds unchanged.

Content addressing makes a re-upload of the same bytes a no-op, but the sweep (photos/cli.py)
decides by age, so an existing object is *refreshed* (copied onto itself, server side, no
bytes sent) like `os.utime` on a file: a sweep running now sees it as young and keeps it.

Browsers fetch derivatives straight from the store through short-lived presigned URLs
(`presigned_url`); originals are streamed through the app (staff only, EXIF included).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from .storage import TMP_KEY, StoredObject, check_key

_MISSING = {"404", "NoSuchKey", "NotFound"}


def _missing(exc: Exception) -> bool:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code")) in _MISSING


class S3Storage:
    """Content-addressed objects in one bucket (INSPECTOR_S3_BUCKET)."""

    def __init__(
        self,
        *,
        bucket: str,
        endpoint: str | None,
        access_key: str | None,
        secret_key: str | None,
        region: str | None,
        public_endpoint: str | None = None,
        addressing_style: str = "auto",
        url_ttl_s: int = 300,
    ) -> None:
        import boto3
        from botocore.config import Config

        config = Config(
            s3={"addressing_style": addressing_style},
            signature_version="s3v4",
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=3,
            read_timeout=30,
        )
        session = boto3.session.Session(
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            region_name=region or "us-east-1",
        )
        self.bucket = bucket
        self.url_ttl_s = url_ttl_s
        self.client = session.client("s3", endpoint_url=endpoint or None, config=config)
        # Browsers may reach the store under another name than the app hosts do (internal
        # network vs. public CDN domain): presigned URLs are signed for the public one.
        self.signer = (
            session.client("s3", endpoint_url=public_endpoint, config=config)
            if public_endpoint
            else self.client
        )

    def put(self, key: str, data: bytes, *, durable: bool = True) -> None:
        check_key(key)
        if self.exists(key):
            self._refresh(key)
            return
        # S3 answers only once the object is stored (durable); `durable` has nothing to add.
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data)

    def _refresh(self, key: str) -> None:
        """Renew LastModified without sending the bytes again (see module doc)."""
        self.client.copy_object(
            Bucket=self.bucket,
            Key=key,
            CopySource={"Bucket": self.bucket, "Key": key},
            MetadataDirective="REPLACE",
        )

    def open(self, key: str) -> BinaryIO:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=check_key(key))
        except self.client.exceptions.ClientError as exc:
            if _missing(exc):
                raise FileNotFoundError(key) from exc
            raise
        return answer["Body"]

    def read(self, key: str) -> bytes:
        body = self.open(key)
        try:
            return body.read()
        finally:
            body.close()

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=check_key(key))
        except self.client.exceptions.ClientError as exc:
            if _missing(exc):
                return False
            raise
        return True

    def local_path(self, key: str) -> str | None:
        return None

    def presigned_url(self, key: str) -> str:
        """A GET URL for `key` valid for `url_ttl_s` seconds (INSPECTOR_S3_URL_TTL_S)."""
        return self.signer.generate_presigned_url(
            "get_object",
            Params={"Bucket": self.bucket, "Key": check_key(key)},
            ExpiresIn=self.url_ttl_s,
        )

    def list(self, prefix: str) -> Iterator[StoredObject]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix.rstrip("/") + "/"):
            for item in page.get("Contents", []):
                yield StoredObject(item["Key"], item["LastModified"].timestamp())

    def delete_if_older(self, key: str, cutoff: float) -> bool:
        """Delete unless (re)written since `cutoff`. S3 has no conditional delete on age, so a
        refresh landing between the HEAD and the DELETE (milliseconds, against a grace period
        of an hour) could still lose: the photo would then answer 404 `photo_file_missing`."""
        if not TMP_KEY.match(key):
            check_key(key)
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except self.client.exceptions.ClientError as exc:
            if _missing(exc):
                return False
            raise
        if head["LastModified"].timestamp() >= cutoff:
            return False
        self.client.delete_object(Bucket=self.bucket, Key=key)
        return True

    def check(self) -> None:
        """Raise when the bucket cannot be reached (readyz)."""
        self.client.head_bucket(Bucket=self.bucket)


def from_config(cfg: Any) -> S3Storage:  # noqa: ANN401 - a Flask config mapping
    return S3Storage(
        bucket=cfg["S3_BUCKET"],
        endpoint=cfg.get("S3_ENDPOINT"),
        access_key=cfg.get("S3_ACCESS_KEY"),
        secret_key=cfg.get("S3_SECRET_KEY"),
        region=cfg.get("S3_REGION"),
        public_endpoint=cfg.get("S3_PUBLIC_ENDPOINT"),
        addressing_style=cfg.get("S3_ADDRESSING_STYLE") or "auto",
        url_ttl_s=int(cfg.get("S3_URL_TTL_S") or 300),
    )
