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
from handlers.blocks.easy import easy_lines, easy_when, in_either_style
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
                "talking about a break from an active role after three incidents in a year, "
                "or one serious one. This is for you to consider. Nothing changes by itself, "
                "and their membership and voice in decisions are never affected.")
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
    status = "" if task.status is RequestStatus.REQUESTED else f"Acknowledged{by}. "
    return [_task_actions(task), context(status + NEVER_AFFECTED)]


def _task_actions(task: BreachTaskState) -> Block:
    buttons = [button("Record the outcome", ActionId.BR_RECORD, str(task.id), "primary")]
    if task.status is RequestStatus.REQUESTED:
        buttons.insert(0, button("Acknowledge", ActionId.BR_ACKNOWLEDGE, str(task.id)))
    return {"type": "actions", "block_id": BlockId.BR_ACTIONS, "elements": buttons}


EASY_NEVER_AFFECTED = ("Whatever happens, they stay a member.",
                       "They still have their say in what we decide.")


def easy_breach_task(step: BreachStep, name: str, team: bool,
                     history: Sequence[tuple[datetime, IncidentKind, Severity]],
                     tz: tzinfo, task: BreachTaskState | None = None) -> Payload:
    """Easy read: the same task, a line each, and what to do next just above the buttons."""
    who = escape_mrkdwn(name)
    talk = step is not BreachStep.HIATUS_REVIEW
    if talk:
        text = f"Please find a time to talk with {who}"
        lines = [f"*{text}.*", "Someone told us of a worry about our guidelines.",
                 f"{who} is a team member." if team else "",
                 "The aim is to understand, and to help."]
    else:
        text = f"Please think about a hiatus review for {who}"
        lines = [f"*{text}.*", "That is a talk about a break from an active role.",
                 "Our guidelines say to think about it after 3 incidents in a year.",
                 "Or after 1 serious one.", "It is up to you.", "Nothing changes by itself."]
    lines += ["*Reports about them in the past year:*",
              *(f"• {easy_when(at, tz)}: {INCIDENT_KIND_WORDS[kind].lower()}, "
                f"{SEVERITY_WORDS[sev][0].lower()}." for at, kind, sev in history)]
    open_task = task is not None and task.status not in REQUEST_CLOSED
    if task is not None and not open_task:
        words = BREACH_OUTCOME_WORDS[task.outcome] if task.outcome else "Closed"
        lines += [f"*How it went:* {words}.",
                  f"{escape_mrkdwn(task.acted_by) if task.acted_by else 'Someone'} wrote it down"
                  + (f" on {easy_when(task.closed_at, tz)}." if task.closed_at else ".")]
    elif task is not None and task.status is not RequestStatus.REQUESTED:
        lines.append(f"{escape_mrkdwn(task.acted_by) if task.acted_by else 'Someone'} "
                     "said they have seen it.")
    if not talk or task is not None:
        lines += EASY_NEVER_AFFECTED
    if task is not None and task.status is RequestStatus.REQUESTED:
        lines.append("Tap Acknowledge to say you have seen this.")
    if open_task:
        lines.append("After the talk, tap Record the outcome.")
    return {"text": text, "blocks": [section(easy_lines(lines)),
                                     *([_task_actions(task)] if task and open_task else [])]}


_breach_task_in = in_either_style(breach_task, easy_breach_task)


def breach_message(style: Style, view: BreachView, tz: tzinfo) -> Payload:
    """The follow-up as its reader's copy shows it: delivered, and redrawn when clicked."""
    return _breach_task_in(style, view.step, view.name, view.team, view.history, tz, view.task)


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
    return breach_message(style, found, services.settings.timezone)


RENDERERS: dict[type[Notice], Renderer] = {
    BreachFollowUp: _draw_breach,
}
