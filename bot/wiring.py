"""Puts the pieces together for a process: database, services, senders and dispatcher."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.delivery.connections import keep_connections_alive
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.slack import SlackSender, make_web_client
from bot.delivery.sms import ConsoleSmsProvider, SmsProvider
from bot.delivery.twilio import TwilioSmsProvider
from bot.delivery.wakeup import notifier
from bot.services import Clock, Services, build_services, system_clock
from handlers.notices import NoticeRenderer
from storage import crypto
from storage.db import make_engine, make_sessionmaker


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    services: Services
    client: WebClient
    sms: SmsProvider

    def dispatcher(self, backoff_factor: float = 0.25) -> Dispatcher:
        # Its own client: a 429 reschedules that one message instead of sleeping.
        client = make_web_client(self.client.token, self.client.base_url,
                                 backoff_factor=backoff_factor, retry_rate_limits=False)
        return Dispatcher(
            self.sessions,
            SlackSender(client),
            self.sms,
            self.services.clock,
            max_attempts=self.settings.coprod_dispatch_max_attempts,
            nudge=self.services.nudge,
            tz=self.settings.timezone,
            sms_daily_cap=self.settings.coprod_sms_daily_cap,
            lease=timedelta(seconds=self.settings.coprod_dispatch_lease_seconds),
            render=NoticeRenderer(self.services),
        )


def make_sms_provider(settings: Settings) -> SmsProvider:
    if settings.sms_provider == "twilio":
        assert settings.twilio_account_sid and settings.twilio_auth_token  # checked by Settings
        assert settings.twilio_from_number
        callback = (
            settings.coprod_public_url.rstrip("/") + "/sms/status"
            if settings.coprod_public_url
            else None
        )
        return TwilioSmsProvider(
            settings.twilio_account_sid,
            settings.twilio_auth_token,
            settings.twilio_from_number,
            api_url=settings.twilio_api_url,
            status_callback=callback,
        )
    return ConsoleSmsProvider()


def build_runtime(
    settings: Settings,
    *,
    engine: Engine | None = None,
    clock: Clock = system_clock,
    client: WebClient | None = None,
    sms: SmsProvider | None = None,
) -> Runtime:
    # The key ring is per process: every encrypted column reads and writes through it.
    crypto.configure(settings.coprod_data_key)
    # So are connections to Slack: Bolt makes a WebClient of its own for every request (and
    # respond() a WebhookClient), all through urllib's default opener, which keeps them.
    keep_connections_alive()
    engine = engine or make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    services = build_services(settings, sessions, clock)
    if engine.dialect.name == "postgresql":
        # Until this process becomes the scheduler (if it ever does), urgent work wakes the
        # one that is, wherever it runs.
        services.nudge.reach_elsewhere(notifier(engine))
    return Runtime(
        settings=settings,
        engine=engine,
        sessions=sessions,
        services=services,
        client=client or make_web_client(settings.slack_bot_token, settings.api_url),
        sms=sms or make_sms_provider(settings),
    )
