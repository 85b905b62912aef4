"""Settings: defaults, and one plain sentence naming the setting when one is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings, SettingsError, load_settings


@pytest.fixture(autouse=True)
def _no_coprod_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)


def test_defaults_are_the_embedded_ones() -> None:
    settings = load_settings(env_file=None)
    assert settings.database_url == "sqlite:///coprod.db"
    assert settings.coprod_timezone == "Europe/London"
    assert settings.sms_provider == "console"
    assert settings.api_url == "https://slack.com/api/"


def test_env_file_and_environment_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = tmp_path / ".env"
    env.write_text("SLACK_BOT_TOKEN=xoxb-from-file\nCOPROD_TIMEZONE=Europe/Dublin\n")
    monkeypatch.setenv("COPROD_TIMEZONE", "Europe/Belfast")
    settings = load_settings(env_file=env)
    assert settings.slack_bot_token == "xoxb-from-file"
    assert settings.coprod_timezone == "Europe/Belfast"  # the environment wins over .env


def test_api_url_always_ends_with_a_slash() -> None:
    assert load_settings(env_file=None, slack_api_url="http://127.0.0.1:9/api").api_url == (
        "http://127.0.0.1:9/api/")


@pytest.mark.parametrize(
    ("overrides", "sentence"),
    [
        ({"coprod_timezone": "Mars/Olympus"},
         "The setting COPROD_TIMEZONE is not a time zone name such as Europe/London."),
        ({"sms_provider": "pigeon"}, "The setting SMS_PROVIDER must be 'console' or 'twilio'."),
        ({"database_url": "mysql://x"},
         "The setting DATABASE_URL must be a sqlite:/// or postgresql:// URL."),
        ({"slack_api_url": "slack.com/api"},
         "The setting SLACK_API_URL must start with http:// or https://."),
        ({"coprod_dispatch_interval_seconds": "soon"},
         "The setting COPROD_DISPATCH_INTERVAL_SECONDS should be a valid number, "
         "unable to parse string as a number."),
        ({"sms_provider": "twilio"},
         "The setting TWILIO_ACCOUNT_SID is needed when SMS_PROVIDER is twilio."),
    ],
)
def test_a_bad_setting_is_one_plain_sentence(overrides: dict[str, str], sentence: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(env_file=None, **overrides)
    assert str(raised.value) == sentence
    assert "\n" not in str(raised.value)
