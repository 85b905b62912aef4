"""Settings for Coprod, read from the environment and `.env` (pydantic-settings)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.rules.involvement import InductionStep

DEFAULT_DATABASE_URL = "sqlite:///coprod.db"


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one plain sentence for a person."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False,
        env_ignore_empty=True,
    )

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"

    database_url: str = DEFAULT_DATABASE_URL
    coprod_timezone: str = "Europe/London"
    coprod_org_name: str = "Coprod"
    coprod_coordinators_channel: str | None = None
    coprod_crisis_line: str = "Samaritans, free, day or night: 116 123"
    coprod_signposting_file: Path | None = None
    coprod_escalate_after_minutes: float = Field(default=10, gt=0)
    # A follow-up not marked done this many hours after its day is chased with the leads too.
    coprod_follow_up_grace_hours: float = Field(default=24, gt=0)
    # Trustees are reminded this often until a serious-incident decision is recorded.
    coprod_serious_incident_reminder_hours: float = Field(default=24, gt=0)
    # The trustee digest: every this many months, on the 1st at 9am local; 0 turns it off.
    coprod_trustee_digest_months: int = Field(default=1, ge=0, le=12)
    # What a facilitator must have done before claiming a place (comma-separated induction
    # steps: boundaries_training, safeguarding_training, shadowed_a_session; empty for none).
    # Policies marked as needed by facilitators must be agreed too.
    coprod_facilitator_induction: str = "boundaries_training"
    # The follow-up wellbeing check comes this many days after the work ends.
    coprod_wellbeing_follow_up_days: int = Field(default=3, ge=1, le=60)
    # A yearly total of payments (pounds) to warn kindly about as it nears, e.g. a benefits
    # permitted-work limit; empty for none. The year starts on 6 April, as the tax year does.
    coprod_yearly_payments_alert: float | None = Field(default=None, gt=0)
    # Where to get independent advice about payments and benefits (Coprod never gives it).
    coprod_welfare_rights_advice: str = "Citizens Advice, free: 0800 144 8848 (England)"

    sms_provider: str = "console"
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_from_number: str | None = None
    twilio_api_url: str = "https://api.twilio.com"
    coprod_public_url: str | None = None
    coprod_data_key: str | None = None

    coprod_dispatch_interval_seconds: float = Field(default=5.0, gt=0)
    coprod_dispatch_max_attempts: int = Field(default=8, ge=1)
    coprod_dispatch_lease_seconds: float = Field(default=120.0, ge=1)
    coprod_sms_daily_cap: int = Field(default=300, ge=0)
    coprod_reminder_offsets: str = "default=7d,1d,2h;session=1d,2h"
    coprod_retention: str = ""

    @field_validator("coprod_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError("is not a time zone name such as Europe/London") from error
        return value

    @field_validator("coprod_facilitator_induction")
    @classmethod
    def _known_induction(cls, value: str) -> str:
        steps = [w.strip() for w in value.split(",") if w.strip()]
        unknown = [w for w in steps if w not in set(InductionStep)]
        if unknown:
            raise ValueError(f"has {', '.join(unknown)}, which is not one of "
                             f"{', '.join(InductionStep)}")
        return ",".join(steps)

    @property
    def facilitator_induction(self) -> tuple[InductionStep, ...]:
        return tuple(InductionStep(w) for w in self.coprod_facilitator_induction.split(",") if w)

    @field_validator("sms_provider")
    @classmethod
    def _known_provider(cls, value: str) -> str:
        if value not in ("console", "twilio"):
            raise ValueError("must be 'console' or 'twilio'")
        return value

    @field_validator("slack_api_url", "twilio_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value

    @field_validator("coprod_data_key")
    @classmethod
    def _fernet_keys(cls, value: str | None) -> str | None:
        if value:
            from storage.crypto import DataKeyError, parse_keys

            try:
                parse_keys(value)
            except DataKeyError:
                raise ValueError("is not a Fernet key (make one with `coprod keys new`)") \
                    from None
        return value

    @field_validator("coprod_retention")
    @classmethod
    def _retention(cls, value: str) -> str:
        from bot.rules.retention import parse_retention

        parse_retention(value)
        return value

    @field_validator("coprod_reminder_offsets")
    @classmethod
    def _offsets(cls, value: str) -> str:
        from bot.rules.meetings import parse_offsets

        parse_offsets(value)  # raises ValueError with the reason
        return value

    @model_validator(mode="after")
    def _twilio_complete(self) -> Settings:
        if self.sms_provider == "twilio":
            for name in ("twilio_account_sid", "twilio_auth_token", "twilio_from_number"):
                if not getattr(self, name):
                    raise ValueError(f"{name.upper()} is needed when SMS_PROVIDER is twilio")
        return self

    @field_validator("coprod_signposting_file")
    @classmethod
    def _readable_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"points at {value}, which is not a file")
        return value

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.coprod_timezone)

    @property
    def api_url(self) -> str:
        # WebClient joins method names onto the base URL, so it must end with a slash.
        return self.slack_api_url if self.slack_api_url.endswith("/") else self.slack_api_url + "/"

    @property
    def has_slack_credentials(self) -> bool:
        return bool(self.slack_bot_token and self.slack_signing_secret)


def load_settings(env_file: Path | str | None = ".env", **overrides: Any) -> Settings:
    """Read the settings, turning pydantic's report into one sentence that names the setting."""
    try:
        return Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
    except ValidationError as error:
        first = error.errors()[0]
        reason = str(first["msg"]).removeprefix("Value error, ")
        if not first["loc"]:  # a rule across settings: its message names them itself
            raise SettingsError(f"The setting {reason}.") from None
        name = str(first["loc"][0]).upper()
        raise SettingsError(f"The setting {name} {_as_clause(reason)}.") from None


def _as_clause(reason: str) -> str:
    """Pydantic says 'Input should be ...'; a person reads 'should be ...' better after a name."""
    for prefix in ("Input should be", "Input "):
        if reason.startswith(prefix):
            return "should be" + reason.removeprefix(prefix).removeprefix("should be")
    return reason[:1].lower() + reason[1:] if not reason[:2].isupper() else reason
