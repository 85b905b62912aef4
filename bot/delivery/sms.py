"""SMS providers behind one interface; `console` prints texts for local use and keeps them."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


def mask_phone(phone: str) -> str:
    """+447700900104 -> +4477009****04: enough to tell numbers apart, not to call one."""
    return phone[:-6] + "****" + phone[-2:] if len(phone) > 8 else "****"


class SmsError(Exception):
    def __init__(self, reason: str, *, permanent: bool, opted_out: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.opted_out = opted_out


class SmsProvider(Protocol):
    name: str

    def send(self, to: str, body: str, valid_until: datetime | None) -> str:
        """Sends a text and returns the provider's id for it; raises SmsError."""
        ...


@dataclass(frozen=True)
class SentText:
    provider_id: str
    to: str
    body: str


class ConsoleSmsProvider:
    """Stands in for a phone network: keeps each text for the sandbox and tests, and prints
    that it went."""

    name = "console"

    def __init__(self, echo: bool = True) -> None:
        self.echo = echo
        self._sent: list[SentText] = []
        self._lock = threading.Lock()

    def send(self, to: str, body: str, valid_until: datetime | None) -> str:
        text = SentText(provider_id=f"console-{uuid.uuid4().hex[:12]}", to=to, body=body)
        with self._lock:
            self._sent.append(text)
        if self.echo:
            # That a text went, never its words: a coordinator's reply by text is typed free
            # text, and whatever is printed here ends up in the server's log. The sandbox shows
            # the words on its phone panel; the number is shown only in part.
            print(f"[text to {mask_phone(to)}: {len(body)} characters]", flush=True)
        return text.provider_id

    @property
    def sent(self) -> list[SentText]:
        with self._lock:
            return list(self._sent)


class NoSmsProvider:
    """What a real bot has when no SMS provider is set: every text fails, with the reason, for
    coordinators to see in /coprod deliveries - never printed and marked sent."""

    name = "none"

    def send(self, to: str, body: str, valid_until: datetime | None) -> str:
        raise SmsError("no SMS provider is set (SMS_PROVIDER=twilio and the TWILIO_ settings)",
                       permanent=True)
