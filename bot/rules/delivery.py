"""When to try a notification again, and when to give up: pure, so it is table-tested."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# Slack error codes that will not change by trying again.
PERMANENT_SLACK_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "invalid_auth",
        "account_inactive",
        "token_revoked",
        "missing_scope",
        "msg_too_long",
        "invalid_blocks",
        "invalid_blocks_format",
        "no_text",
        "message_not_found",
        "cant_update_message",
        "edit_window_closed",
        "restricted_action",
    }
)

FIRST_RETRY = timedelta(seconds=15)
LONGEST_WAIT = timedelta(hours=1)


@dataclass(frozen=True)
class Attempt:
    """What happened on one try, in plain values."""

    ok: bool
    permanent: bool = False
    reason: str = ""
    retry_after_seconds: float | None = None


@dataclass(frozen=True)
class NextStep:
    give_up: bool
    retry_at: datetime | None
    reason: str


def backoff(attempts_made: int) -> timedelta:
    """15 s, 30 s, 1 min, 2 min ... capped at an hour."""
    exponent = max(attempts_made - 1, 0)
    return min(FIRST_RETRY * (2**exponent), LONGEST_WAIT)


def next_step(
    attempt: Attempt,
    *,
    attempts_made: int,
    max_attempts: int,
    now: datetime,
    not_after: datetime | None,
) -> NextStep:
    """After a failed try: wait (honouring Retry-After) or give up with a reason."""
    if attempt.permanent:
        return NextStep(True, None, attempt.reason)
    if attempts_made >= max_attempts:
        return NextStep(True, None, f"gave up after {attempts_made} tries: {attempt.reason}")
    wait = backoff(attempts_made)
    if attempt.retry_after_seconds is not None:
        wait = max(wait, timedelta(seconds=attempt.retry_after_seconds))
    retry_at = now + wait
    if not_after is not None and retry_at > not_after:
        return NextStep(True, None, f"too late to send: {attempt.reason}")
    return NextStep(False, retry_at, attempt.reason)


def classify_slack_error(status_code: int, error: str, retry_after: str | None) -> Attempt:
    """A Slack Web API failure, as something to retry or not."""
    seconds: float | None = None
    if retry_after:
        try:
            seconds = max(float(retry_after), 0.0)
        except ValueError:
            seconds = None
    if status_code == 429 or error == "ratelimited":
        return Attempt(False, False, "Slack rate limit", seconds if seconds is not None else 30.0)
    if status_code >= 500:
        return Attempt(False, False, f"Slack server error {status_code}", seconds)
    if error in PERMANENT_SLACK_ERRORS:
        return Attempt(False, True, f"Slack refused: {error}")
    return Attempt(False, False, f"Slack error: {error or status_code}", seconds)
