"""Is this request from Slack? Its signature and timestamp, checked on the raw bytes before
anything reads them (https://api.slack.com/authentication/verifying-requests-from-slack)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from slack_sdk.signature import SignatureVerifier

# Slack refuses to be believed about a request more than five minutes old (or ahead).
MAX_AGE_SECONDS = 5 * 60
# A Unix time in seconds, as Slack writes it: digits only (no sign, exponent or fraction).
MAX_TIMESTAMP_DIGITS = 12


def checked_signature(secret: str, raw: bytes, headers: Mapping[str, str], *,
                      now: Callable[[], float] = time.time) -> str | None:
    """None if Slack signed exactly these bytes within the last five minutes; otherwise why
    not, in a few fixed words (never anything from the request)."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not (timestamp.isascii() and timestamp.isdigit()) or \
            len(timestamp) > MAX_TIMESTAMP_DIGITS:
        return "missing or malformed timestamp"
    if abs(now() - int(timestamp)) > MAX_AGE_SECONDS:
        return "timestamp out of window"
    if not signature.isascii() or not signature.startswith("v0="):
        return "missing or malformed signature"
    try:
        body = raw.decode("utf-8")  # Slack's bodies are UTF-8; the verifier decodes them too
    except UnicodeDecodeError:
        return "body not UTF-8"
    if not SignatureVerifier(secret).is_valid(body=body, timestamp=timestamp,
                                              signature=signature):
        return "bad signature"
    return None
