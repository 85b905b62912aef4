"""Free text encrypted at rest (Fernet, with MultiFernet for rotation).

The key ring is set once per process from COPROD_DATA_KEY (one key, or several separated by
commas: the first encrypts, all decrypt). Columns typed EncryptedText / EncryptedJSON hold
Fernet tokens, so the database file alone gives away no one's words.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text, TypeDecorator
from sqlalchemy.engine import Dialect


class DataKeyError(RuntimeError):
    """No key, a malformed key, or a value no configured key can read."""


_ring: MultiFernet | None = None
_digests: bytes = secrets.token_bytes(32)
TOKEN_PREFIX = "gAAAAA"  # noqa: S105 - every Fernet token starts so (version and time)


def parse_keys(text: str) -> MultiFernet:
    keys = [k.strip() for k in text.split(",") if k.strip()]
    if not keys:
        raise DataKeyError("COPROD_DATA_KEY is empty")
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except (ValueError, TypeError) as error:
        raise DataKeyError("COPROD_DATA_KEY is not a Fernet key (make one with "
                           "`coprod keys new`)") from error


def configure(keys: str | None) -> None:
    global _ring, _digests
    _ring = parse_keys(keys) if keys else None
    first = (keys or "").split(",")[0].strip()
    # A key of its own for digests, derived from the first data key (every process of an
    # install shares it); a process with no data key gets one that dies with it.
    _digests = (hmac.new(first.encode(), b"coprod: keyed digests", hashlib.sha256).digest()
                if first else secrets.token_bytes(32))


def keyed_digest(purpose: str, value: str) -> str:
    """A digest nobody without the data key can work out from `value` (so a reference shown to
    the team can't be matched to a case code someone holds)."""
    return hmac.new(_digests, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def new_key() -> str:
    return Fernet.generate_key().decode()


def _require() -> MultiFernet:
    if _ring is None:
        raise DataKeyError("COPROD_DATA_KEY is not set, so free text can't be read or stored")
    return _ring


def encrypt(value: str) -> str:
    return _require().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    if not value.startswith(TOKEN_PREFIX):
        return value  # written before encryption was switched on
    try:
        return _require().decrypt(value.encode()).decode()
    except InvalidToken:
        raise DataKeyError("a stored value can't be read with the keys in "
                           "COPROD_DATA_KEY") from None


def rotate(value: str) -> str:
    """The same text under the first key (old tokens, and plain legacy text, re-encrypted)."""
    if not value.startswith(TOKEN_PREFIX):
        return encrypt(value)
    return _require().rotate(value.encode()).decode()


class EncryptedText(TypeDecorator[str]):
    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else decrypt(value)


class EncryptedJSON(TypeDecorator[Any]):
    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else encrypt(json.dumps(value))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(decrypt(value))
