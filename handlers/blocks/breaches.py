"""Blocks for breach follow-ups: the "talk it through" task and the hiatus review to consider,
to the HR officer or a coordinator."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from bot.notices import Notice
from bot.rules.incidents import (
    INCIDENT_KIND_WORDS,
    SEVERITY_WORDS,
    BreachStep,
    IncidentKind,
    Severity,
)
from bot.services.breaches import BreachFollowUp
from handlers.blocks.text import Payload, Renderer, escape_mrkdwn, section, when

if TYPE_CHECKING:
    from bot.services import Services


def breach_task(step: BreachStep, name: str, team: bool,
                history: Sequence[tuple[datetime, IncidentKind, Severity]],
                tz: tzinfo) -> Payload:
    who = escape_mrkdwn(name)
    lines = [f"• {when(at, tz)}: {INCIDENT_KIND_WORDS[kind]} ({SEVERITY_WORDS[sev][0].lower()})"
             for at, kind, sev in history]
    if step is BreachStep.HIATUS_REVIEW:
        text = (f"*A hiatus review may be worth considering for {who}.* Our guidelines suggest "
                "a conversation about a break from an active role after three incidents in a "
                "year, or one serious one. This is for you to consider; nothing changes by "
                "itself, and their membership and voice in decisions are never affected.")
    else:
        text = (f"*Please find a time to talk things through with {who}* about a guideline "
                f"concern that was reported{' (they are a team member)' if team else ''}. "
                "The aim is understanding and support.")
    return {"text": f"A guideline follow-up for {who}",
            "blocks": [section(text), section("*In the last 12 months*\n" + "\n".join(lines))]}


def _draw_breach(notice: BreachFollowUp, services: Services) -> Payload:
    found = services.breaches.breach_view(notice.incident_id, notice.member_id)
    return breach_task(found.step, found.name, found.team, found.history,
                       services.settings.timezone)


RENDERERS: dict[type[Notice], Renderer] = {
    BreachFollowUp: _draw_breach,
}
