"""Every Slack id Coprod registers, in one place: the manifest test reads these."""

from __future__ import annotations

import enum


class SlashCommand(enum.StrEnum):
    COPROD = "/coprod"
    FEEDBACK = "/feedback"


class CoprodAction(enum.StrEnum):
    """The words after /coprod."""

    HELP = "help"
    WHOAMI = "whoami"
    DELIVERIES = "deliveries"


class CallbackId(enum.StrEnum):
    FEEDBACK_FORM = "feedback_form"
    FEEDBACK_REPLY = "feedback_reply"


class BlockId(enum.StrEnum):
    FB_KIND = "feedback_kind"
    FB_TOPIC = "feedback_topic"
    FB_ABOUT = "feedback_about"
    FB_TEXT = "feedback_text"
    FB_IDENTITY = "feedback_identity"
    FB_NAMED_OPTIONS = "feedback_named_options"
    FB_TESTIMONY = "feedback_testimony"
    FB_REPLY_TEXT = "feedback_reply_text"
    FB_CASE_ACTIONS = "feedback_case_actions"
    FB_MEETING_ACTIONS = "feedback_meeting_actions"


class ActionId(enum.StrEnum):
    FB_KIND_CHOSEN = "feedback_kind_chosen"
    FB_TOPIC_CHOSEN = "feedback_topic_chosen"
    FB_ABOUT_CHOSEN = "feedback_about_chosen"
    FB_TEXT_TYPED = "feedback_text_typed"
    FB_IDENTITY_CHOSEN = "feedback_identity_chosen"
    FB_NAMED_OPTIONS_CHOSEN = "feedback_named_options_chosen"
    FB_TESTIMONY_CHOSEN = "feedback_testimony_chosen"
    FB_REPLY_TYPED = "feedback_reply_typed"
    FB_ACKNOWLEDGE = "feedback_acknowledge"
    FB_RESOLVE = "feedback_resolve"
    FB_REPLY = "feedback_reply"
    FB_MEETING_ACKNOWLEDGE = "feedback_meeting_acknowledge"
    FB_MEETING_ARRANGED = "feedback_meeting_arranged"


class OptionValue(enum.StrEnum):
    ANONYMOUS = "anonymous"
    NAMED = "named"
    WANTS_MEETING = "wants_meeting"
    WANTS_ACKNOWLEDGEMENT = "wants_acknowledgement"
    TESTIMONY = "testimony"


class Event(enum.StrEnum):
    APP_HOME_OPENED = "app_home_opened"


# Bot token scopes, each with the reason it is asked for (the manifest must list exactly these).
BOT_SCOPES: dict[str, str] = {
    "commands": "slash commands",
    "chat:write": "posting cards and direct messages, and updating them",
}

# Events the app subscribes to.
BOT_EVENTS: tuple[str, ...] = (Event.APP_HOME_OPENED.value,)
