"""Reading what Slack sends back to us, in one place: the ids our buttons and forms carry, and
who is asking, typed and checked. A value we never sent (a stale card, a tampered or odd
request) raises NotOurs, which the app's one error handler answers kindly, never with a 5xx."""

from __future__ import annotations

import json
from typing import Any

from bot.rules.forms import is_whole_number


class NotOurs(ValueError):
    """The request carries something our buttons and forms never send."""


def _id(found: object, what: str) -> str:
    """An id Slack always sends as a non-empty string."""
    if not isinstance(found, str) or not found:
        raise NotOurs(what)
    return found


def _first_action(body: dict[str, Any]) -> dict[str, Any]:
    actions = body.get("actions")
    first = actions[0] if isinstance(actions, list) and actions else None
    return first if isinstance(first, dict) else {}


def actor(body: dict[str, Any]) -> str:
    """The Slack user id of whoever clicked, typed or submitted."""
    user = body.get("user")
    return _id(user.get("id") if isinstance(user, dict) else None, "no user")


def clicked_in_dm(body: dict[str, Any]) -> bool:
    """Whether the message clicked is in someone's DM with the app (its one reader is whoever
    clicked), not in a channel, which everyone reads. App Home and modals are neither."""
    container, channel = body.get("container"), body.get("channel")
    found = container.get("channel_id") if isinstance(container, dict) else None
    if not isinstance(found, str):
        found = channel.get("id") if isinstance(channel, dict) else None
    return isinstance(found, str) and found.startswith("D")


def button_value(body: dict[str, Any]) -> str:
    value = _first_action(body).get("value")
    if not isinstance(value, str):
        raise NotOurs("no button value")
    return value


def number(value: object) -> int:
    """A record number as our buttons and forms write it: digits, above zero."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise NotOurs("not a number")
    text = str(value)
    if not is_whole_number(text) or len(text) > 12 or int(text) < 1:
        raise NotOurs("not a record number")
    return int(text)


def button_number(body: dict[str, Any]) -> int:
    """The record a button is about (a case, an incident, a session)."""
    return number(button_value(body))


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    """A form's private_metadata, as we wrote it: a JSON object (empty when there is none)."""
    raw = view.get("private_metadata") or "{}"
    try:
        found = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        found = None
    if not isinstance(found, dict):
        raise NotOurs("private_metadata")
    return found


def metadata_number(view: dict[str, Any], key: str) -> int:
    return number(metadata(view).get(key))


def chosen_option(body: dict[str, Any]) -> str:
    """The value of the option picked in an overflow or select menu."""
    option = _first_action(body).get("selected_option")
    value = option.get("value") if isinstance(option, dict) else None
    if not isinstance(value, str):
        raise NotOurs("no option")
    return value


def trigger_id(body: dict[str, Any]) -> str:
    """What opens a modal in answer to this click, command or shortcut (valid about 3 s)."""
    return _id(body.get("trigger_id"), "no trigger_id")


def form_view(body: dict[str, Any]) -> dict[str, Any]:
    """The open form a choice inside it came from (its id and hash redraw it)."""
    view = body.get("view")
    if not isinstance(view, dict) or not isinstance(view.get("id"), str):
        raise NotOurs("no view")
    return view


def event_user(event: dict[str, Any]) -> str:
    """The Slack user id an event is about (who opened the App Home)."""
    return _id(event.get("user"), "no user")
