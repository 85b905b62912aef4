"""Retry and give-up rules, table-driven."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.rules.delivery import Attempt, backoff, classify_slack_error, next_step

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("attempts", "wait"),
    [(0, 15), (1, 15), (2, 30), (3, 60), (4, 120), (8, 1920), (9, 3600), (40, 3600)],
)
def test_backoff_doubles_up_to_an_hour(attempts: int, wait: int) -> None:
    assert backoff(attempts) == timedelta(seconds=wait)


@pytest.mark.parametrize(
    ("status", "error", "retry_after", "expected"),
    [
        (429, "ratelimited", "7", Attempt(False, False, "Slack rate limit", 7.0)),
        (429, "", None, Attempt(False, False, "Slack rate limit", 30.0)),
        (200, "ratelimited", "bad", Attempt(False, False, "Slack rate limit", 30.0)),
        (500, "internal_error", None, Attempt(False, False, "Slack server error 500", None)),
        (503, "", "2", Attempt(False, False, "Slack server error 503", 2.0)),
        (200, "channel_not_found", None,
         Attempt(False, True, "Slack refused: channel_not_found")),
        (200, "invalid_auth", None, Attempt(False, True, "Slack refused: invalid_auth")),
        (200, "fatal_error", None, Attempt(False, False, "Slack error: fatal_error", None)),
    ],
)
def test_slack_errors_are_classified(status: int, error: str, retry_after: str | None,
                                     expected: Attempt) -> None:
    assert classify_slack_error(status, error, retry_after) == expected


def test_permanent_failure_gives_up_at_once() -> None:
    step = next_step(Attempt(False, True, "Slack refused: is_archived"), attempts_made=1,
                     max_attempts=8, now=NOW, not_after=None)
    assert step.give_up and step.reason == "Slack refused: is_archived"


def test_retry_after_longer_than_backoff_is_honoured() -> None:
    step = next_step(Attempt(False, False, "Slack rate limit", 120.0), attempts_made=1,
                     max_attempts=8, now=NOW, not_after=None)
    assert not step.give_up and step.retry_at == NOW + timedelta(seconds=120)


def test_backoff_longer_than_retry_after_wins() -> None:
    step = next_step(Attempt(False, False, "Slack rate limit", 1.0), attempts_made=3,
                     max_attempts=8, now=NOW, not_after=None)
    assert step.retry_at == NOW + timedelta(seconds=60)


def test_gives_up_at_the_most_attempts() -> None:
    step = next_step(Attempt(False, False, "Slack server error 500"), attempts_made=8,
                     max_attempts=8, now=NOW, not_after=None)
    assert step.give_up and step.reason == "gave up after 8 tries: Slack server error 500"


def test_gives_up_when_the_retry_would_land_too_late() -> None:
    step = next_step(Attempt(False, False, "Slack server error 500"), attempts_made=1,
                     max_attempts=8, now=NOW, not_after=NOW + timedelta(seconds=10))
    assert step.give_up and step.reason == "too late to send: Slack server error 500"
