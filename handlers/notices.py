"""Draws stored notices for delivery: every area's renderers in one table, and the one place a
notice becomes Slack blocks or the words of a text."""

from __future__ import annotations

from typing import Any, cast

from bot.notices import Notice, NoticeGone, read_notice
from bot.rules.communication import STANDARD, Style, without_cues
from bot.rules.sms_text import compose_text
from bot.services import Services
from handlers.blocks import (
    breaches,
    coprod,
    declarations,
    expenses,
    feedback,
    incident_record,
    incidents,
    involvement,
    meetings,
    oversight,
    policies,
    profiles,
    safeguarding,
    sessions,
    texting,
    wellbeing,
)
from handlers.blocks.text import Block, Payload, Renderer, crisis_footer
from storage.models import OutboxChannel

RENDERERS: dict[type[Notice], Renderer] = {
    **coprod.RENDERERS,
    **profiles.RENDERERS,
    **feedback.RENDERERS,
    **incidents.RENDERERS,
    **incident_record.RENDERERS,
    **safeguarding.RENDERERS,
    **oversight.RENDERERS,
    **breaches.RENDERERS,
    **policies.RENDERERS,
    **involvement.RENDERERS,
    **expenses.RENDERERS,
    **declarations.RENDERERS,
    **wellbeing.RENDERERS,
    **meetings.RENDERERS,
    **sessions.RENDERERS,
    **texting.RENDERERS,
}
# For a redraw (an update of a copy already posted), where it differs from the first drawing.
REDRAWERS: dict[type[Notice], Renderer] = {
    **meetings.REDRAWERS,
    **sessions.REDRAWERS,
    **oversight.REDRAWERS,
    **incident_record.REDRAWERS,
}


class NoticeRenderer:
    """What the dispatcher calls with each stored payload before sending it."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def __call__(self, payload: dict[str, Any], channel: OutboxChannel,
                 style: Style = STANDARD) -> dict[str, Any]:
        notice = read_notice(payload)
        if notice is None:
            return payload
        drawn = draw_notice(notice, self.services, style,
                            redraw=channel is OutboxChannel.SLACK_UPDATE)
        if channel is OutboxChannel.SMS:
            words = drawn.get("sms")
            if not words:
                raise NoticeGone(f"{notice.kind} has no words for a text")
            return {"text": compose_text(self.services.settings.coprod_org_name, words),
                    "urgent": notice.urgent, "reply": notice.answers_a_text}
        message = as_read(drawn, style, self.services.settings.coprod_crisis_line)
        # Urgent by kind (a safeguarding text) or by what the drawing found (a report that
        # turned out to be about safeguarding): either breaks the reader's quiet hours.
        return {**message, "urgent": notice.urgent or bool(drawn.get("urgent"))}


def draw_notice(notice: Notice, services: Services, style: Style, *,
                redraw: bool = False) -> Payload:
    """One notice drawn from the state now in a reader's style: text, blocks and any "sms"."""
    draw = (REDRAWERS.get(type(notice)) if redraw else None) or RENDERERS.get(type(notice))
    if draw is None:
        raise NoticeGone(f"nothing draws {notice.kind}")
    return draw(notice, services, style)


def as_read(drawn: Payload, style: Style, crisis_line: str) -> Payload:
    """A drawn message as its reader gets it in Slack: the crisis line at its foot, and only
    words for a screen reader. Delivery ends here, and so does a click's redraw of the copy
    clicked (handlers/replies.py), so the two never differ."""
    message = {"text": drawn["text"], "blocks": with_crisis_line(drawn.get("blocks"),
                                                                 crisis_line)}
    return for_screen_readers(message) if style.screen_reader else message


def for_screen_readers(message: Payload) -> Payload:
    """A message with Coprod's own pictures left out (see CUES): a screen reader says each
    one's name aloud, and the words beside it say the same. People's own words are untouched."""

    def plain_words(value: Any, key: str = "") -> Any:
        if isinstance(value, str):
            return without_cues(value) if key == "text" else value
        if isinstance(value, list):
            return [plain_words(item) for item in value]
        if isinstance(value, dict):
            return {k: plain_words(v, k) for k, v in value.items() if k != "emoji"}
        return value

    return cast(Payload, plain_words(message))


def with_crisis_line(blocks: list[Block] | None, crisis_line: str) -> list[Block] | None:
    """Every message someone reads keeps 999 and the crisis line one glance away, last."""
    if not blocks:
        return blocks
    footer = crisis_footer(crisis_line)
    if footer in blocks:
        return blocks
    return [*blocks[:49], footer]  # Slack takes at most 50 blocks in a message
