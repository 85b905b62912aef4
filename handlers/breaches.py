"""Breach follow-ups as tasks: acknowledged, then their outcome recorded, from the DM the HR
officer or a coordinator was sent."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.rules.lifecycle import REQUEST_CLOSED
from bot.rules.roles import NotAllowed
from bot.rules.safeguarding import BreachField, BreachOutcome, BreachOutcomeForm, NeedsMore
from bot.services import Services
from handlers.blocks import breaches as blocks
from handlers.form_state import field, selected, values_of
from handlers.ids import ActionId, BlockId, CallbackId
from handlers.once import submitted_once
from handlers.payloads import actor, button_number, metadata_number
from handlers.replies import open_form, redraw_clicked, say_to_clicker

FIELD_BLOCKS = {BreachField.OUTCOME: BlockId.BR_OUTCOME, BreachField.NOTE: BlockId.BR_NOTE}
NOT_YOURS = ("Guideline follow-ups can only be acted on by the HR officer or coordinator they "
             "were sent to.")
ALREADY_CLOSED = "This follow-up's outcome is already recorded, so there is nothing more to do."


def register(app: App) -> None:
    app.action(ActionId.BR_ACKNOWLEDGE.value)(handle_acknowledge)
    app.action(ActionId.BR_RECORD.value)(handle_record_button)
    app.view(CallbackId.BREACH_OUTCOME.value)(submitted_once(handle_outcome))


def handle_acknowledge(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond,
                       services: Services) -> None:
    ack()
    try:
        done = services.breaches.acknowledge(button_number(body), actor(body))
    except NotAllowed:
        say_to_clicker(client, body, respond, NOT_YOURS)
        return
    redraw_clicked(body, respond, services, blocks.breach_message, done.view,
                   services.settings.timezone)


def handle_record_button(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond,
                         services: Services) -> None:
    ack()
    task_id = button_number(body)
    try:
        view = services.breaches.view_task(task_id, actor(body))
    except NotAllowed:
        say_to_clicker(client, body, respond, NOT_YOURS)
        return
    if view.task is None or view.task.status in REQUEST_CLOSED:
        say_to_clicker(client, body, respond, ALREADY_CLOSED)
        return
    open_form(client, body, blocks.breach_outcome_form(task_id, view))


def parse_outcome(view: dict[str, Any]) -> BreachOutcomeForm:
    state = values_of(view)
    chosen = selected(state, BlockId.BR_OUTCOME)
    return BreachOutcomeForm(
        outcome=BreachOutcome(chosen) if chosen in set(BreachOutcome) else None,
        note=field(state, BlockId.BR_NOTE).get("value") or "")


def handle_outcome(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                   services: Services) -> None:
    task_id = metadata_number(view, "task")
    try:
        done = services.breaches.record_outcome(task_id, actor(body), parse_outcome(view))
    except NeedsMore as more:
        ack(response_action="errors",
            errors={FIELD_BLOCKS[f]: words for f, words in more.errors.items()})
        return
    except NotAllowed:
        ack(response_action="errors", errors={BlockId.BR_OUTCOME: NOT_YOURS})
        return
    ack(response_action="update", view=blocks.outcome_saved(done.view, done.changed))
