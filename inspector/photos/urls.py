"""Signed, expiring photo URLs. Browsers' <img> cannot send a bearer token, so the signature
is the access check: whoever was allowed to see the case got the URL in a JSON answer.

Expiry is rounded up to the next whole hour so that the same photo gets the same URL for an
hour: browsers and proxies can then cache the image instead of refetching it on every list.
"""

from __future__ import annotations

import math
import time

from itsdangerous import BadSignature, URLSafeSerializer

VARIANT_FILES = {"display": "display.jpg", "thumb": "thumb.jpg", "original": "original"}
_SALT = "inspector.photo-url"
_BUCKET_S = 3600


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_SALT)


def sign(
    secret_key: str, photo_id: int, variant: str, ttl_s: float, now: float | None = None
) -> str:
    now = time.time() if now is None else now
    expires = int(math.ceil((now + ttl_s) / _BUCKET_S) * _BUCKET_S)
    return _serializer(secret_key).dumps([photo_id, variant, expires])


def verify(
    secret_key: str, token: str, photo_id: int, variant: str, now: float | None = None
) -> str | None:
    """None when valid, otherwise why not: 'invalid' or 'expired'."""
    try:
        payload = _serializer(secret_key).loads(token)
    except BadSignature:
        return "invalid"
    if not (isinstance(payload, list) and len(payload) == 3):
        return "invalid"
    signed_id, signed_variant, expires = payload
    if signed_id != photo_id or signed_variant != variant:
        return "invalid"
    now = time.time() if now is None else now
    if not isinstance(expires, int) or expires <= now:
        return "expired"
    return None
