"""Serious incidents for the trustees: a lead marks one as possibly serious (from the record),
the trustees acknowledge it and record their decision on reporting it to the Charity
Commission (from their message, the record or App Home)."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.rules.roles import NotAllowed
from bot.rules.safeguarding import (
    CharityDecision,
    CharityDecisionForm,
    CharityField,
    Harm,
    NeedsMore,
    SeriousField,
)
from bot.services import Services
from bot.services.oversight import AlreadyDecided, AlreadyMarked, NotMarked
from handlers.blocks import oversight as blocks
from handlers.blocks.text import OUT_OF_DATE
from handlers.form_state import field, selected, ticked, values_of
from handlers.ids import ActionId, BlockId, CallbackId
from handlers.incident_record import show_record_after
from handlers.once import submitted_once
from handlers.payloads import actor, button_number, metadata_number
from handlers.replies import open_form, redraw_clicked, say_to_clicker

DECISION_BLOCKS = {
    CharityField.DECISION: BlockId.CD_DECISION,
    CharityField.REPORTED_ON: BlockId.CD_REPORTED_ON,
    CharityField.REFERENCE: BlockId.CD_REFERENCE,
    CharityField.REASON: BlockId.CD_REASON,
}
NOT_A_RESPONDER = ("Only the safeguarding leads, coordinators and HR officers an incident was "
                   "sent to can mark it as possibly serious for the charity.")
NOT_A_TRUSTEE = "Only the trustees an incident was sent to can acknowledge it or decide on it."
ALREADY_MARKED = ("Incident #{id} is already marked as possibly serious for the charity: the "
                  "trustees have it.")
NOBODY_TO_TELL = (
    "Incident #{id} is marked as possibly serious for the charity, but nobody holds the "
    "trustee role in Coprod yet (or the only trustees are involved in it), so no one could be "
    "told. Please let your trustees know another way, and ask a coordinator to add them to the "
    "directory.")
ALREADY_DECIDED = ("The trustees' decision on incident #{id} was already recorded, so nothing "
                   "was changed. The record shows it.")


def register(app: App) -> None:
    app.action(ActionId.IN_SERIOUS.value)(handle_mark_button)
    app.view(CallbackId.INCIDENT_SERIOUS.value)(submitted_once(handle_mark))
    app.action(ActionId.SI_ACKNOWLEDGE.value)(handle_acknowledge)
    app.action(ActionId.SI_DECIDE.value)(handle_decide_button)
    app.view(CallbackId.CHARITY_DECISION.value)(submitted_once(handle_decision))


# -- marking an incident as possibly serious ------------------------------------------------
def handle_mark_button(ack: Ack, body: dict, client: WebClient, respond: Respond,
                       services: Services) -> None:
    ack()
    incident_id = button_number(body)
    try:
        services.oversight.may_mark(incident_id, actor(body))
    except NotAllowed:
        say_to_clicker(client, body, respond, NOT_A_RESPONDER)
        return
    except AlreadyMarked:
        say_to_clicker(client, body, respond, ALREADY_MARKED.format(id=incident_id))
        return
    open_form(client, body, blocks.serious_form(incident_id))


def handle_mark(ack: Ack, body: dict, view: dict, client: WebClient,
                services: Services) -> None:
    incident_id = metadata_number(view, "incident")
    chosen = ticked(values_of(view), BlockId.SI_HARMS)
    harms = [h for h in Harm if h.value in chosen]
    try:
        marked = services.oversight.mark_serious(incident_id, actor(body), harms)
    except NeedsMore as more:
        ack(response_action="errors", errors={BlockId.SI_HARMS: more.errors[SeriousField.HARMS]})
        return
    except NotAllowed:
        ack(response_action="errors", errors={BlockId.SI_HARMS: NOT_A_RESPONDER})
        return
    show_record_after(ack, body, client, services, marked.record,
                      said=NOBODY_TO_TELL.format(id=incident_id) if marked.nobody_to_tell
                      else None)


# -- the trustees' side ---------------------------------------------------------------------
def _reminder_of(body: dict[str, Any]) -> int:
    """Which of the trustee's messages was clicked (the first, or reminder n), from the
    actions block's id we wrote, so it is redrawn as it was; only what it says depends on it."""
    actions = body.get("actions")
    first = actions[0] if isinstance(actions, list) and actions else {}
    block_id = first.get("block_id") if isinstance(first, dict) else None
    last = block_id.rsplit(":", 1)[-1] if isinstance(block_id, str) else ""
    return int(last) if last.isdigit() and len(last) < 6 else 0


def handle_acknowledge(ack: Ack, body: dict, client: WebClient, respond: Respond,
                       services: Services) -> None:
    ack()
    try:
        view = services.oversight.acknowledge(button_number(body), actor(body))
    except NotAllowed:
        say_to_clicker(client, body, respond, NOT_A_TRUSTEE)
        return
    except NotMarked:
        say_to_clicker(client, body, respond, OUT_OF_DATE)
        return
    redraw_clicked(body, respond, services, blocks.serious_message_in, view, _reminder_of(body),
                   services.settings.timezone)


def handle_decide_button(ack: Ack, body: dict, client: WebClient, respond: Respond,
                         services: Services) -> None:
    ack()
    incident_id = button_number(body)
    try:
        services.oversight.may_decide(incident_id, actor(body))
    except NotAllowed:
        say_to_clicker(client, body, respond, NOT_A_TRUSTEE)
        return
    except NotMarked:
        say_to_clicker(client, body, respond, OUT_OF_DATE)
        return
    except AlreadyDecided:
        say_to_clicker(client, body, respond, ALREADY_DECIDED.format(id=incident_id))
        return
    open_form(client, body, blocks.decision_form(incident_id))


def parse_decision(view: dict[str, Any]) -> CharityDecisionForm:
    state = values_of(view)
    decision = selected(state, BlockId.CD_DECISION)
    day = field(state, BlockId.CD_REPORTED_ON).get("selected_date")
    try:
        reported_on = date.fromisoformat(day) if isinstance(day, str) else None
    except ValueError:
        reported_on = None
    return CharityDecisionForm(
        decision=CharityDecision(decision) if decision in set(CharityDecision) else None,
        reported_on=reported_on,
        reference=field(state, BlockId.CD_REFERENCE).get("value") or "",
        reason=field(state, BlockId.CD_REASON).get("value") or "")


def handle_decision(ack: Ack, body: dict, view: dict, client: WebClient,
                    services: Services) -> None:
    incident_id = metadata_number(view, "incident")
    try:
        record = services.oversight.record_decision(incident_id, actor(body),
                                                    parse_decision(view))
    except NeedsMore as more:
        ack(response_action="errors",
            errors={DECISION_BLOCKS[f]: words for f, words in more.errors.items()})
        return
    except NotAllowed:
        ack(response_action="errors", errors={BlockId.CD_DECISION: NOT_A_TRUSTEE})
        return
    except NotMarked:
        ack(response_action="errors", errors={BlockId.CD_DECISION: OUT_OF_DATE})
        return
    show_record_after(ack, body, client, services, record)
