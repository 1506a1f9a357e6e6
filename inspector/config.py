"""Settings come from INSPECTOR_* environment variables (see README); defaults run the embedded city."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

ENV_PREFIX = "INSPECTOR_"

# name -> (default, parser). Every one of these is documented in the README.
_SETTINGS: dict[str, tuple[Any, Any]] = {
    "DATABASE_URL": (None, str),
    "MEDIA_DIR": (None, str),
    # Photo store: "local" (files under MEDIA_DIR) or "s3" (an S3-compatible bucket).
    "STORAGE": ("local", str),
    "S3_ENDPOINT": (None, str),
    "S3_PUBLIC_ENDPOINT": (None, str),
    "S3_BUCKET": (None, str),
    "S3_ACCESS_KEY": (None, str),
    "S3_SECRET_KEY": (None, str),
    "S3_REGION": (None, str),
    "S3_ADDRESSING_STYLE": ("auto", str),
    "S3_URL_TTL_S": (300, int),
    "SECRET_KEY": (None, str),
    # Keys the case timeline's hash chain (HMAC); kept outside the database on purpose.
    "AUDIT_KEY": (None, str),
    "RATE_LIMITS": ("on", str),
    "LOG_FORMAT": ("json", str),
    "REDIS_URL": (None, str),
    # RQ queue the background jobs go to when REDIS_URL is set (inspector/jobs.py).
    "JOBS_QUEUE": ("inspector", str),
    # The job worker waits before each job while tasks waited for a core more than this share
    # of the time (percent; 0: never waits), at most JOBS_YIELD_MAX_S (inspector/calm.py).
    "JOBS_YIELD_PRESSURE": (50.0, float),
    "JOBS_YIELD_MAX_S": (300.0, float),
    "TOKEN_TTL_HOURS": (24 * 7, int),
    "TIMEZONE": ("Asia/Shanghai", str),
    "MAX_UPLOAD_MB": (20, int),
    "MAX_IMAGE_PIXELS": (80_000_000, int),
    "GPS_MISMATCH_M": (200, float),
    "PHOTO_MAX_AGE_H": (24, float),
    "PHOTO_URL_TTL_H": (12, float),
    "ONSITE_DISTANCE_M": (200, float),
    "DUPLICATE_RADIUS_M": (30, float),
    "RECURRENCE_DAYS": (30, int),
    "SNAP_DISTANCE_M": (30, float),
    "ZONES_CHECK_SECONDS": (1.0, float),
    "CALENDAR_CHECK_SECONDS": (1.0, float),
    "OFFICE_HOURS": ("08:30-12:00,13:30-17:30", str),
    "SLA_WARN_FRACTION": (0.25, float),
    "SLA_WARN_WORK_HOURS": (1.0, float),
    "CORS_ORIGINS": ("", str),
    # 督查考核: score weights (see README "督查考核指标"), the minimum due cases to be ranked,
    # and how many units the red and black lists show.
    "SUPERVISION_WEIGHTS": ("on_time_rate=50,closing_rate=30,rework_rate=20,escalated=1", str),
    "SUPERVISION_MIN_DUE": (5, int),
    "SUPERVISION_LIST_SIZE": (3, int),
    # On-time 核实 (from the report) and 核查 (from the rectification), in clock hours.
    "SUPERVISION_VERIFY_HOURS": (24.0, float),
    "SUPERVISION_CHECK_HOURS": (24.0, float),
    "GEOCODER": ("", str),
    # Pages' map tiles: none | tianditu | amap | osm (inspector/web/tiles.py); Tianditu's key.
    "MAP_TILES": ("none", str.lower),
    "TIANDITU_KEY": (None, str),
    # 12345 import: JSON objects overriding the default column headers and mapping category texts.
    "HOTLINE_COLUMNS": ("", str),
    "HOTLINE_CATEGORIES": ("", str),
    # 有奖举报 (inspector/rewards/rules.py): points per filed tip ("10", or per family/category
    # "default=10,component=15,0601=20"), first-reporter bonus, monthly cap per person, and the
    # radius of "the same place" for one reward per place x category x day.
    "REWARD_POINTS": ("10", str),
    "REWARD_FIRST_BONUS": (5, int),
    "REWARD_MONTHLY_CAP": (200, int),
    "REWARD_RADIUS_M": (50.0, float),
    "PASSWORD_PROFILE": ("rfc9106-low-memory", str),
    "PROXY_COUNT": (0, int),
    "LIMIT_LOGIN_IP": ("30/minute;300/hour", str),
    "LIMIT_LOGIN_USER": ("10/minute;60/hour", str),
    "LIMIT_SUBMIT_IP": ("60/minute;600/hour", str),
    "LIMIT_PUBLIC_IP": ("120/minute;2000/hour", str),
    "LIMIT_SUBMIT_ACCOUNT": ("10/minute;120/hour", str),
    "LIMIT_OPEN311_KEY": ("60/minute;2000/hour", str),
    "OPEN311_RETRY_MINUTES": (10.0, float),
    "OPEN311_JURISDICTION": ("", str),
    "OPEN311_CONTACT": ("", str),
    "OPEN311_KEY_SERVICE": ("", str),
}


def _instance_secret(instance_path: Path, name: str = "secret_key") -> str:
    """Keep one generated key per instance so tokens survive restarts without configuration."""
    path = instance_path / name
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the app config: defaults, then environment, then explicit overrides (tests)."""
    inst = Path(instance_path)
    inst.mkdir(parents=True, exist_ok=True)
    cfg: dict[str, Any] = {}
    for name, (default, parse) in _SETTINGS.items():
        raw = os.environ.get(ENV_PREFIX + name)
        cfg[name] = parse(raw) if raw not in (None, "") else default
    cfg.update(overrides or {})
    cfg["DATABASE_URL"] = cfg["DATABASE_URL"] or f"sqlite:///{inst / 'inspector.sqlite3'}"
    cfg["MEDIA_DIR"] = cfg["MEDIA_DIR"] or str(inst / "media")
    cfg["SECRET_KEY"] = cfg["SECRET_KEY"] or _instance_secret(inst)
    cfg["AUDIT_KEY"] = cfg["AUDIT_KEY"] or _instance_secret(inst, "audit_key")
    cfg["RATE_LIMITS_ENABLED"] = str(cfg["RATE_LIMITS"]).lower() not in ("off", "0", "false", "no")
    cfg["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(cfg["DATABASE_URL"])
    cfg["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    cfg["MAX_CONTENT_LENGTH"] = (cfg["MAX_UPLOAD_MB"] * 9 + 1) * 1024 * 1024
    cfg["JSON_AS_ASCII"] = False
    cfg.update(
        API_TITLE="Inspector",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
    )
    return cfg


def _normalise_db_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use the psycopg 3 driver we ship."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url
