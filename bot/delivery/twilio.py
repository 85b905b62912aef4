"""The Twilio SMS provider (official `twilio` package), pointed anywhere by TWILIO_API_URL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.delivery.sms import SmsError

if TYPE_CHECKING:
    from twilio.rest import Client

# Twilio's error codes that trying again cannot fix.
OPTED_OUT = 21610
PERMANENT_CODES = frozenset({OPTED_OUT, 21211, 21612, 21614, 21408, 21606})
LONGEST_VALIDITY_SECONDS = 36_000


def validity_seconds(valid_until: datetime | None, now: datetime) -> int | None:
    """Seconds Twilio may keep the text queued, so a reminder never lands after the event."""
    if valid_until is None:
        return None
    seconds = int((valid_until - now).total_seconds())
    return max(1, min(seconds, LONGEST_VALIDITY_SECONDS))


class TwilioSmsProvider:
    name = "twilio"

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        *,
        api_url: str = "https://api.twilio.com",
        status_callback: str | None = None,
    ) -> None:
        self._credentials = (account_sid, auth_token)
        self.api_url = api_url.rstrip("/")
        self.from_number = from_number
        self.status_callback = status_callback
        self._client: Client | None = None
        self._making = threading.Lock()

    @property
    def client(self) -> Client:
        """Twilio's client, made with the first text: the `twilio` package (with `requests`,
        about 16 MB) is not loaded by a process that sends none, nor before it needs to."""
        with self._making:
            if self._client is None:
                from twilio.rest import Client

                client = Client(*self._credentials)
                # Works because no edge or region is set: the tests point this at a fake.
                client.api.base_url = self.api_url
                self._client = client
            return self._client

    def send(self, to: str, body: str, valid_until: datetime | None) -> str:
        from twilio.base.exceptions import TwilioRestException

        options: dict[str, object] = {"to": to, "body": body}
        if self.from_number.startswith("MG"):
            options["messaging_service_sid"] = self.from_number
        else:
            options["from_"] = self.from_number
        if self.status_callback:
            options["status_callback"] = self.status_callback
        validity = validity_seconds(valid_until, datetime.now(UTC))
        if validity is not None:
            options["validity_period"] = validity
        try:
            message = self.client.messages.create(**options)  # type: ignore[arg-type]
        except TwilioRestException as error:
            permanent = error.code in PERMANENT_CODES or (
                400 <= error.status < 500 and error.status != 429
            )
            raise SmsError(f"Twilio refused: error {error.code or error.status}",
                           permanent=permanent, opted_out=error.code == OPTED_OUT) from None
        except OSError as error:
            raise SmsError(f"could not reach Twilio ({type(error).__name__})",
                           permanent=False) from None
        return str(message.sid)
