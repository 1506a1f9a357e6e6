"""Argon2id password hashing (argon2-cffi): a modern memory-hard KDF."""

from __future__ import annotations

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

# RFC 9106's low-memory profile (argon2-cffi's default) in production. The test suite selects
# "cheapest" so that hundreds of logins stay fast; a stored hash carries its own parameters, so
# verification works whatever profile made it.
PROFILES = {
    "rfc9106-low-memory": profiles.RFC_9106_LOW_MEMORY,
    "rfc9106-high-memory": profiles.RFC_9106_HIGH_MEMORY,
    "cheapest": profiles.CHEAPEST,
}
_hasher = PasswordHasher.from_parameters(PROFILES["rfc9106-low-memory"])


def use_profile(name: str) -> None:
    global _hasher
    if name not in PROFILES:
        raise ValueError(f"INSPECTOR_PASSWORD_PROFILE must be one of {', '.join(PROFILES)}")
    _hasher = PasswordHasher.from_parameters(PROFILES[name])


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False
