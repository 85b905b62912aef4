"""Draws stored notices for delivery: every area's renderers in one table, and the one place a
notice becomes Slack blocks or the words of a text."""

from __future__ import annotations

from typing import Any

from bot.notices import Notice, NoticeGone, read_notice
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
    safeguarding,
    sessions,
    texting,
    wellbeing,
)
from handlers.blocks.text import Block, Renderer, crisis_footer
from storage.models import OutboxChannel

RENDERERS: dict[type[Notice], Renderer] = {
    **coprod.RENDERERS,
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
    **sessions.REDRAWERS,
    **oversight.REDRAWERS,
    **incident_record.REDRAWERS,
}


class NoticeRenderer:
    """What the dispatcher calls with each stored payload before sending it."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def __call__(self, payload: dict[str, Any], channel: OutboxChannel) -> dict[str, Any]:
        notice = read_notice(payload)
        if notice is None:
            return payload
        draw = (REDRAWERS.get(type(notice)) if channel is OutboxChannel.SLACK_UPDATE
                else None) or RENDERERS.get(type(notice))
        if draw is None:
            raise NoticeGone(f"nothing draws {notice.kind}")
        drawn = draw(notice, self.services)
        if channel is OutboxChannel.SMS:
            words = drawn.get("sms")
            if not words:
                raise NoticeGone(f"{notice.kind} has no words for a text")
            return {"text": compose_text(self.services.settings.coprod_org_name, words),
                    "urgent": notice.urgent, "reply": notice.answers_a_text}
        return {"text": drawn["text"],
                "blocks": with_crisis_line(drawn.get("blocks"),
                                           self.services.settings.coprod_crisis_line)}


def with_crisis_line(blocks: list[Block] | None, crisis_line: str) -> list[Block] | None:
    """Every message someone reads keeps 999 and the crisis line one glance away, last."""
    if not blocks:
        return blocks
    footer = crisis_footer(crisis_line)
    if footer in blocks:
        return blocks
    return [*blocks[:49], footer]  # Slack takes at most 50 blocks in a message
