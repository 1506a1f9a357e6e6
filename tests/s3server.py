"""A real S3-speaking HTTP server for the storage tests: moto's standalone `moto_server`, run as
a child process on a free port (boto3 talks to it over the network, nothing is patched)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ACCESS_KEY = "inspector-test"
SECRET_KEY = "inspector-test-secret"
REGION = "cn-north-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _command() -> list[str]:
    found = shutil.which("moto_server") or str(Path(sys.executable).with_name("moto_server"))
    return [found]


@dataclass
class S3Server:
    endpoint: str

    def settings(self, bucket: str) -> dict[str, str]:
        """App settings (INSPECTOR_* without the prefix) for a bucket on this server."""
        return {
            "STORAGE": "s3",
            "S3_ENDPOINT": self.endpoint,
            "S3_BUCKET": bucket,
            "S3_ACCESS_KEY": ACCESS_KEY,
            "S3_SECRET_KEY": SECRET_KEY,
            "S3_REGION": REGION,
            "S3_ADDRESSING_STYLE": "path",
        }

    def client(self):  # noqa: ANN201 - a boto3 S3 client, to look at the bucket from outside
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def new_bucket(self) -> str:
        name = f"photos-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        return name

    def keys(self, bucket: str) -> set[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return {item["Key"] for page in pages for item in page.get("Contents", [])}


@contextmanager
def running_s3_server() -> Iterator[S3Server]:
    port = _free_port()
    env = dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY)
    process = subprocess.Popen(
        [*_command(), "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)
        yield S3Server(f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
