"""The texting provider's webhooks: inbound texts (answered straight back, worded in the
sender's style) and delivery statuses, signature checked.

Twilio signs each request over the exact URL it called, so the URL is rebuilt from
COPROD_PUBLIC_URL (behind a proxy the Host header is not what Twilio used)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from bot.services import Services
from bot.web import BodyTooLarge, read_capped
from handlers.blocks.texting import text_back

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)

INBOUND_PATH = "/sms/inbound"
STATUS_PATH = "/sms/status"
MAX_BODY = 64 * 1024


def _respond(start_response: StartResponse, status: str, body: bytes,
             content_type: str = "text/plain; charset=utf-8") -> list[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


def _signed_params(environ: WSGIEnvironment, services: Services,
                   path: str) -> dict[str, str] | None:
    """The form fields, if the request really comes from the provider; None otherwise
    (BodyTooLarge, before it is read whole, if it is larger than the provider ever sends)."""
    settings = services.settings
    if not settings.twilio_auth_token or not settings.coprod_public_url:
        return None
    body = read_capped(environ, MAX_BODY)
    if body is None:
        return None
    raw = body.decode("utf-8", "replace")
    params = dict(parse_qsl(raw, keep_blank_values=True))
    url = settings.coprod_public_url.rstrip("/") + path
    query = environ.get("QUERY_STRING")
    if query:
        url += "?" + query
    signature = environ.get("HTTP_X_TWILIO_SIGNATURE", "")
    from twilio.request_validator import RequestValidator  # loaded with the first text

    if not RequestValidator(settings.twilio_auth_token).validate(url, params, signature):
        return None
    return params


def make_sms_routes(services: Services) -> dict[str, WSGIApplication]:
    def inbound(params: dict[str, str], start_response: StartResponse) -> list[bytes]:
        back = services.texting.receive(params.get("From", ""), params.get("Body", ""))
        from twilio.twiml.messaging_response import MessagingResponse

        twiml = MessagingResponse()
        if back is not None:
            settings = services.settings
            twiml.message(text_back(back, org_name=settings.coprod_org_name,
                                    crisis_line=settings.coprod_crisis_line,
                                    tz=settings.timezone))
        return _respond(start_response, "200 OK", str(twiml).encode(),
                        "application/xml; charset=utf-8")

    def status(params: dict[str, str], start_response: StartResponse) -> list[bytes]:
        services.texting.status_update(params.get("MessageSid", ""),
                                       params.get("MessageStatus", ""),
                                       params.get("ErrorCode") or None)
        return _respond(start_response, "204 No Content", b"")

    return {INBOUND_PATH: _signed_post(services, INBOUND_PATH, "inbound text", inbound),
            STATUS_PATH: _signed_post(services, STATUS_PATH, "text status", status)}


def _signed_post(services: Services, path: str, what: str,
                 handle: Callable[[dict[str, str], StartResponse], list[bytes]]
                 ) -> WSGIApplication:
    """A webhook that takes only POSTs signed by the provider; anything else changes nothing."""

    def route(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return _respond(start_response, "405 Method Not Allowed", b"")
        try:
            params = _signed_params(environ, services, path)
        except BodyTooLarge:
            log.warning("%s refused: body too large", what)
            return _respond(start_response, "413 Content Too Large", b"too large")
        if params is None:
            log.warning("%s refused: bad or missing signature", what)
            return _respond(start_response, "403 Forbidden", b"forbidden")
        return handle(params, start_response)

    return route
