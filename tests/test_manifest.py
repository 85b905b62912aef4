"""manifest.yml declares exactly what the code registers: no more, no less."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from slack_bolt import App

from handlers.ids import BOT_EVENTS, BOT_SCOPES, Shortcut, SlashCommand
from tests.conftest import SlackDriver


def manifest(project_root: Path) -> dict[str, Any]:
    return yaml.safe_load((project_root / "manifest.yml").read_text())


def registered_listener_kinds(app: App) -> set[str]:
    """The kinds of request the app listens for, read from Bolt's own listener matchers."""
    kinds = set()
    for listener in app._listeners:
        for matcher in listener.matchers:
            name = getattr(getattr(matcher, "func", None), "__qualname__", "")
            kinds.add(name.split(".")[0])
    return kinds


def test_slash_commands_match(project_root: Path, slack: SlackDriver) -> None:
    declared = {c["command"] for c in manifest(project_root)["features"]["slash_commands"]}
    assert declared == {c.value for c in SlashCommand}
    for command in declared:
        # Each declared command is really handled: Bolt answers 404 for one it doesn't know.
        assert slack.command(command, "help", user_id="U0NOBODY1").status == 200
    assert slack.command("/not-ours", "", user_id="U0NOBODY1").status == 404


def test_every_slash_command_has_words_for_people(project_root: Path) -> None:
    for command in manifest(project_root)["features"]["slash_commands"]:
        assert command["description"] and len(command["description"]) <= 100
        assert command["should_escape"] is False


def test_shortcuts_match(project_root: Path) -> None:
    declared = {s["callback_id"] for s in manifest(project_root)["features"]["shortcuts"]}
    assert declared == {s.value for s in Shortcut}


def test_scopes_and_events_match(project_root: Path) -> None:
    data = manifest(project_root)
    assert sorted(data["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)
    events = data["settings"].get("event_subscriptions", {}).get("bot_events", [])
    assert sorted(events) == sorted(BOT_EVENTS)


def test_interactivity_is_on_only_when_something_is_interactive(
    project_root: Path, slack: SlackDriver
) -> None:
    kinds = registered_listener_kinds(slack.app)
    assert "command" in kinds
    interactive = bool(kinds & {"block_action", "view_submission", "view_closed", "shortcut",
                                "message_shortcut", "global_shortcut", "block_suggestion"})
    assert manifest(project_root)["settings"]["interactivity"]["is_enabled"] is interactive
