"""The shapes of the requests Slack sends us. A signed request of any other shape is answered
200 and goes no further, so neither Bolt (which indexes into payloads while it routes them) nor
our listeners ever meet one: past this check, ids are strings and objects are objects.

Values inside those shapes (a button's value, a form's private_metadata) are checked where they
are read, by handlers/payloads.py."""

from __future__ import annotations

from datetime import date, time
from typing import Any

# Top-level keys that, when present, are strings in everything Slack sends.
STRINGS = ("type", "command", "user_id", "team_id", "channel_id", "enterprise_id",
           "trigger_id", "response_url", "callback_id", "api_app_id", "event_id", "text",
           "message_ts", "challenge")
# Objects Bolt reads ids from (`"id" in user`): a string or an object with a string id.
# Slack sends a null team and enterprise for org-wide installs.
OWNERS = ("user", "team", "channel", "enterprise")
NULLABLE_OWNERS = ("team", "enterprise", "channel")
OBJECTS = ("view", "container", "message", "previous_message", "item", "event", "state",
           "assistant_thread", "function_data")
# How an input's state is reported: by key, what each holds.
STATE_STRINGS = ("type", "value", "selected_date", "selected_time", "selected_user",
                 "selected_conversation", "selected_channel")
STATE_STRING_LISTS = ("selected_users", "selected_conversations", "selected_channels")
INTERACTIVE = ("block_actions", "view_submission", "view_closed", "shortcut",
               "message_action", "block_suggestion")


def odd_shape(body: object) -> str | None:
    """None for a request of a shape Slack sends; otherwise what kind of request it seemed to
    be (one of a few fixed words, never anything from the body), for a log line."""
    if not isinstance(body, dict) or not body:
        return "request"
    kind = _kind(body)
    if kind is None:
        return "request"
    if not _common_fields_ok(body) or not _KIND_CHECKS[kind](body):
        return kind
    return None


def _kind(body: dict[str, Any]) -> str | None:
    if "ssl_check" in body:
        return "ssl_check"
    if "command" in body:
        return "command"
    kind = body.get("type")
    if kind in INTERACTIVE or kind in ("event_callback", "url_verification"):
        return str(kind)
    return None


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _owner_ok(value: object, nullable: bool) -> bool:
    if value is None:
        return nullable
    if isinstance(value, str):
        return True
    return isinstance(value, dict) and _is_str(value.get("id", ""))


def _common_fields_ok(body: dict[str, Any], depth: int = 0) -> bool:
    """What Bolt's routing reads in every request (and, one level down, in its event and
    message): owners' ids, authorizations, response urls."""
    if any(key in body and not _is_str(body[key]) for key in STRINGS):
        return False
    if any(key in body and not _owner_ok(body[key], key in NULLABLE_OWNERS) for key in OWNERS):
        return False
    if any(key in body and not isinstance(body[key], dict) for key in OBJECTS):
        return False
    blocks = body.get("blocks", [])
    if not isinstance(blocks, list) or not all(isinstance(b, dict) for b in blocks):
        return False
    for key in ("authorizations", "response_urls"):
        listed = body.get(key, [])
        if not isinstance(listed, list) or not all(isinstance(i, dict) for i in listed):
            return False
    if not all(_is_str(u.get("response_url", "")) for u in body.get("response_urls", [])):
        return False
    if depth < 2:
        for key in ("event", "message", "previous_message", "item"):
            if key in body and not _common_fields_ok(body[key], depth + 1):
                return False
        if "view" in body and not _view_ok(body["view"]):
            return False
    return True


def _user_ok(body: dict[str, Any]) -> bool:
    user = body.get("user")
    return isinstance(user, dict) and _is_str(user.get("id")) and bool(user["id"])


def _command_ok(body: dict[str, Any]) -> bool:
    return all(_is_str(body.get(k)) and body[k] for k in ("command", "user_id", "trigger_id"))


def _actions_ok(body: dict[str, Any]) -> bool:
    actions = body.get("actions")
    return (_user_ok(body) and isinstance(actions, list) and bool(actions)
            and all(isinstance(a, dict) and _is_str(a.get("action_id"))
                    and _is_str(a.get("block_id", "")) for a in actions))


def _view_ok(view: object) -> bool:
    if not isinstance(view, dict):
        return False
    if not all(_is_str(view.get(k)) for k in ("type", "id")):
        return False
    if not all(_is_str(view.get(k, "")) for k in ("callback_id", "private_metadata", "hash")):
        return False
    if not _common_fields_ok(view, depth=2):
        return False
    state = view.get("state", {"values": {}})
    values = state.get("values") if isinstance(state, dict) else None
    if not isinstance(values, dict):
        return False
    return all(isinstance(block, dict) and all(_input_ok(element) for element in block.values())
               for block in values.values())


def _input_ok(element: object) -> bool:
    """One input's state as Slack reports it: strings, an option, a list of options."""
    if not isinstance(element, dict):
        return False
    if any(element.get(k) is not None and not _is_str(element[k]) for k in STATE_STRINGS):
        return False
    if any(not _string_list(element.get(k, [])) for k in STATE_STRING_LISTS):
        return False
    option = element.get("selected_option")
    if option is not None and not _option_ok(option):
        return False
    options = element.get("selected_options") or []
    if not isinstance(options, list) or not all(_option_ok(o) for o in options):
        return False
    return _parses(date.fromisoformat, element.get("selected_date")) and _parses(
        time.fromisoformat, element.get("selected_time"))


def _string_list(value: object) -> bool:
    return value is None or (isinstance(value, list) and all(_is_str(v) for v in value))


def _option_ok(option: object) -> bool:
    return isinstance(option, dict) and _is_str(option.get("value"))


def _parses(parse: Any, value: str | None) -> bool:
    if value is None:
        return True
    try:
        parse(value)
    except ValueError:
        return False
    return True


def _event_ok(body: dict[str, Any]) -> bool:
    event = body.get("event")
    return isinstance(event, dict) and _is_str(event.get("type"))


def _view_payload_ok(body: dict[str, Any]) -> bool:
    return _user_ok(body) and "view" in body  # the view itself is checked with the common fields


def _shortcut_ok(body: dict[str, Any]) -> bool:
    return _user_ok(body) and all(_is_str(body.get(k)) and body[k]
                                  for k in ("callback_id", "trigger_id"))


_KIND_CHECKS = {
    "ssl_check": lambda body: True,
    "url_verification": lambda body: _is_str(body.get("challenge")),
    "command": _command_ok,
    "event_callback": _event_ok,
    "block_actions": _actions_ok,
    "block_suggestion": _user_ok,
    "view_submission": _view_payload_ok,
    "view_closed": _view_payload_ok,
    "shortcut": _shortcut_ok,
    "message_action": _shortcut_ok,
}
