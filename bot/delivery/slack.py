"""Slack sender: posts and updates messages for the dispatcher, turning errors into Attempts."""

from __future__ import annotations

import hashlib
import random
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.jitter import Jitter

from bot.rules.delivery import Attempt, classify_slack_error


class DeliveryFailed(Exception):
    def __init__(self, attempt: Attempt) -> None:
        super().__init__(attempt.reason)
        self.attempt = attempt


class ProportionalJitter(Jitter):
    """Jitter in proportion to the wait (slack_sdk's default adds up to a whole second)."""

    def recalculate(self, duration: float) -> float:
        return duration * (1 + random.random())


def make_web_client(token: str | None, base_url: str, *, backoff_factor: float = 0.25,
                    retry_rate_limits: bool = True) -> WebClient:
    """A WebClient that retries transient 5xx and connection errors once or twice, and (for
    the app's own calls, such as opening a modal) waits out a 429 for its Retry-After.

    The outbox dispatcher's client does not wait out a 429: it reschedules just that message
    for after Retry-After, so one rate-limited channel never holds up an urgent alert."""
    handlers: list[RetryHandler] = [
        ConnectionErrorRetryHandler(max_retry_count=1),
        ServerErrorRetryHandler(
            max_retry_count=2,
            interval_calculator=BackoffRetryIntervalCalculator(
                backoff_factor=backoff_factor, jitter=ProportionalJitter()),
        ),
    ]
    if retry_rate_limits:
        handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    return WebClient(token=token, base_url=base_url, timeout=10, retry_handlers=handlers)


def message_ref(channel: str, ts: str) -> str:
    return f"{channel}:{ts}"


def split_ref(ref: str) -> tuple[str, str]:
    channel, _, ts = ref.partition(":")
    return channel, ts


NOTICE_EVENT = "coprod_notice"


def notice_mark(key: str) -> str:
    """What a message carries in its metadata to say which notification it is: a digest of
    the outbox key, so the key's own words (case and incident numbers) are not on the message."""
    return hashlib.sha256(f"coprod-outbox:{key}".encode()).hexdigest()[:24]


class SlackSender:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def post(self, channel: str, payload: dict[str, Any], key: str | None = None) -> str:
        """Posts to a channel, or to the app's DM with a person when given their user id."""
        extra = ({"metadata": {"event_type": NOTICE_EVENT,
                               "event_payload": {"mark": notice_mark(key)}}} if key else {})
        response = self._call(
            self.client.chat_postMessage,
            channel=channel,
            text=payload.get("text", ""),
            blocks=payload.get("blocks"),
            unfurl_links=False,
            unfurl_media=False,
            **extra,
        )
        return message_ref(str(response["channel"]), str(response["ts"]))

    def already_posted(self, channel: str, key: str, since: datetime) -> str | None:
        """Where the notification with this key was posted since `since`, if it was: asked
        when an attempt never came back (the process died mid-send), so that it isn't posted
        twice. Reads only the app's own recent messages in that one conversation."""
        if channel.startswith(("U", "W")):  # a person: their DM with the app
            opened = self._call(self.client.conversations_open, users=channel)
            channel = str(opened["channel"]["id"])
        history = self._call(self.client.conversations_history, channel=channel,
                             oldest=f"{since.timestamp() - 60:.6f}", limit=200,
                             include_all_metadata=True)
        mark = notice_mark(key)
        for message in history.get("messages", []):
            metadata = message.get("metadata") or {}
            if (metadata.get("event_type") == NOTICE_EVENT
                    and (metadata.get("event_payload") or {}).get("mark") == mark):
                return message_ref(channel, str(message["ts"]))
        return None

    def update(self, ref: str, payload: dict[str, Any]) -> str:
        channel, ts = split_ref(ref)
        self._call(
            self.client.chat_update,
            channel=channel,
            ts=ts,
            text=payload.get("text", ""),
            blocks=payload.get("blocks"),
        )
        return ref

    @staticmethod
    def _call(method: Any, **kwargs: Any) -> Any:
        try:
            return method(**kwargs)
        except SlackApiError as error:
            response = error.response
            retry_after = response.headers.get("Retry-After") or response.headers.get(
                "retry-after"
            )
            if isinstance(retry_after, list):
                retry_after = retry_after[0] if retry_after else None
            code = str(response.get("error", "")) if isinstance(response.data, dict) else ""
            raise DeliveryFailed(
                classify_slack_error(response.status_code, code, retry_after)
            ) from None
        except (OSError, TimeoutError) as error:
            raise DeliveryFailed(
                Attempt(False, False, f"could not reach Slack ({type(error).__name__})")
            ) from None
