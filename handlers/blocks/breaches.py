"""Blocks for breach follow-ups: the "talk it through" task and the hiatus review to consider,
to the HR officer or a coordinator, with its buttons (acknowledge, record the outcome) and the
outcome form."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from bot.notices import Notice
from bot.rules.communication import Style
from bot.rules.incidents import (
    INCIDENT_KIND_WORDS,
    SEVERITY_WORDS,
    BreachStep,
    IncidentKind,
    Severity,
)
from bot.rules.lifecycle import REQUEST_CLOSED, RequestStatus
from bot.rules.safeguarding import BREACH_NOTE_LENGTH, BREACH_OUTCOME_WORDS, BREACH_OUTCOMES
from bot.services.breaches import BreachFollowUp, BreachTaskState, BreachView
from handlers.blocks.text import (
    Block,
    Payload,
    Renderer,
    View,
    button,
    context,
    escape_mrkdwn,
    option,
    plain,
    section,
    when,
)
from handlers.ids import ActionId, BlockId, CallbackId

if TYPE_CHECKING:
    from bot.services import Services

NEVER_AFFECTED = ("Whatever the outcome, their membership and their voice in decisions are "
                  "never affected.")


def breach_task(step: BreachStep, name: str, team: bool,
                history: Sequence[tuple[datetime, IncidentKind, Severity]],
                tz: tzinfo, task: BreachTaskState | None = None) -> Payload:
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
    blocks = [section(text), section("*In the last 12 months*\n" + "\n".join(lines))]
    if task is not None:
        blocks += _task_blocks(task, tz)
    return {"text": f"A guideline follow-up for {who}", "blocks": blocks}


def _task_blocks(task: BreachTaskState, tz: tzinfo) -> list[Block]:
    by = f" by {escape_mrkdwn(task.acted_by)}" if task.acted_by else ""
    if task.status in REQUEST_CLOSED:
        words = BREACH_OUTCOME_WORDS[task.outcome] if task.outcome else "Closed"
        at = f", {when(task.closed_at, tz)}" if task.closed_at else ""
        return [section(f"*Outcome:* {words} (recorded{by}{at})."), context(NEVER_AFFECTED)]
    buttons = [button("Record the outcome", ActionId.BR_RECORD, str(task.id), "primary")]
    status = ""
    if task.status is RequestStatus.REQUESTED:
        buttons.insert(0, button("Acknowledge", ActionId.BR_ACKNOWLEDGE, str(task.id)))
    else:
        status = f"Acknowledged{by}. "
    return [{"type": "actions", "block_id": BlockId.BR_ACTIONS, "elements": buttons},
            context(status + NEVER_AFFECTED)]


def breach_outcome_form(task_id: int, view: BreachView) -> View:
    choices = BREACH_OUTCOMES.get(view.step, ())
    what = "hiatus review" if view.step is BreachStep.HIATUS_REVIEW else "conversation"
    return {
        "type": "modal", "callback_id": CallbackId.BREACH_OUTCOME,
        "private_metadata": json.dumps({"task": task_id}),
        "title": plain("How it went"), "submit": plain("Save"), "close": plain("Cancel"),
        "blocks": [
            section(f"*The {what} with {escape_mrkdwn(view.name)}*"),
            {"type": "input", "block_id": BlockId.BR_OUTCOME, "label": plain("Outcome"),
             "element": {"type": "radio_buttons", "action_id": ActionId.IN_RECORD_FIELD,
                         "options": [option(BREACH_OUTCOME_WORDS[o], o.value)
                                     for o in choices]}},
            {"type": "input", "block_id": BlockId.BR_NOTE, "optional": True,
             "label": plain("A note for the record (optional)"),
             "hint": plain("Kept private to the people this incident was sent to."),
             "element": {"type": "plain_text_input", "action_id": ActionId.IN_RECORD_FIELD,
                         "multiline": True, "max_length": BREACH_NOTE_LENGTH}},
            context(NEVER_AFFECTED),
        ],
    }


def outcome_saved(view: BreachView, changed: bool) -> View:
    if changed:
        words = (f"Thank you - the outcome for {escape_mrkdwn(view.name)} is recorded. "
                 + NEVER_AFFECTED)
    else:
        words = ("This follow-up's outcome was already recorded, so nothing was changed. "
                 "You can see it on the message.")
    return {"type": "modal", "title": plain("Saved" if changed else "Already recorded"),
            "close": plain("Close"), "blocks": [section(words)]}


def _draw_breach(notice: BreachFollowUp, services: Services, style: Style) -> Payload:
    found = services.breaches.breach_view(notice.incident_id, notice.member_id,
                                          notice.task_id)
    return breach_task(found.step, found.name, found.team, found.history,
                       services.settings.timezone, found.task)


RENDERERS: dict[type[Notice], Renderer] = {
    BreachFollowUp: _draw_breach,
}
