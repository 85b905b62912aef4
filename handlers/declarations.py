"""Declarations in Slack: a pre-existing relationship or a gift offered, and the steps its
readers take."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.rules.declarations import DeclarationField, DeclarationForm
from bot.rules.involvement import DeclarationKind
from bot.rules.lifecycle import RequestStatus
from bot.rules.roles import NotAllowed
from bot.services import Services
from bot.services.declarations import DeclarationGone, InvalidDeclaration
from handlers import payloads
from handlers.blocks import declarations as blocks
from handlers.blocks.easy import in_easy_read
from handlers.blocks.text import section
from handlers.form_state import field, selected, values_of
from handlers.ids import ActionId, BlockId, CallbackId
from handlers.once import submitted_once
from handlers.replies import redraw_clicked, say_privately

FIELD_BLOCKS = {
    DeclarationField.KIND: BlockId.DC_KIND,
    DeclarationField.OTHER: BlockId.DC_OTHER,
    DeclarationField.WORDS: BlockId.DC_WORDS,
}
STEPS = {action: step for step, action in blocks.STEP_ACTIONS.items()}
NOT_LISTED = "You're not in our member list yet. Please ask a coordinator to add you."
NOT_YOURS = "Only the people this declaration was sent to can answer it."


def register(app: App) -> None:
    """Buttons and forms of this area (the /involve words are routed by handlers/involve.py)."""
    app.view(CallbackId.DECLARATION_FORM.value)(submitted_once(handle_declaration_form))
    for action in STEPS:
        app.action(action.value)(handle_step)


def open_declaration(ack: Ack, command: dict[str, Any], client: WebClient, services: Services,
                     words: list[str]) -> None:
    """/involve declare: the declaration form, for anyone in the directory."""
    try:
        people = services.declarations.people_choices(command["user_id"])
    except NotAllowed:
        ack(text=NOT_LISTED, blocks=[section(NOT_LISTED)])
        return
    ack()
    easy_read = services.profiles.style_of(command["user_id"]).easy_read
    client.views_open(trigger_id=payloads.trigger_id(command),
                      view=blocks.declaration_form(people, easy_read=easy_read))


def parse_declaration_form(state: dict[str, Any]) -> DeclarationForm:
    kind = selected(state, BlockId.DC_KIND)
    if kind is not None and kind not in {k.value for k in DeclarationKind}:
        raise payloads.NotOurs("declaration kind")
    other = selected(state, BlockId.DC_OTHER)
    return DeclarationForm(
        kind=DeclarationKind(kind) if kind is not None else None,
        other_member_id=payloads.number(other) if other is not None else None,
        words=field(state, BlockId.DC_WORDS).get("value") or "")


def handle_declaration_form(ack: Ack, body: dict, view: dict, services: Services) -> None:
    easy_read = in_easy_read(payloads.metadata(view))
    try:
        services.declarations.declare(payloads.actor(body),
                                      parse_declaration_form(values_of(view)))
    except InvalidDeclaration as invalid:
        shown = {b.get("block_id") for b in view.get("blocks", [])}
        errors = {FIELD_BLOCKS[DeclarationField(f)]: words for f, words in invalid.errors.items()}
        # A form with nobody else to choose shows no person field: its error goes beside
        # the words instead.
        ack(response_action="errors",
            errors={(b if b in shown else BlockId.DC_WORDS): w for b, w in errors.items()})
        return
    except NotAllowed:
        ack(response_action="errors", errors={BlockId.DC_WORDS: NOT_LISTED})
        return
    ack(response_action="update", view=blocks.declaration_sent(easy_read=easy_read))


def handle_step(ack: Ack, body: dict, action: dict, respond: Respond,
                services: Services) -> None:
    """Seen, noted, or talk it through: the request is drawn again where it was clicked."""
    ack()
    step: RequestStatus = STEPS[ActionId(action["action_id"])]
    try:
        view = services.declarations.step(payloads.button_number(body), payloads.actor(body),
                                          step)
    except (NotAllowed, DeclarationGone):
        say_privately(respond, NOT_YOURS)
        return
    redraw_clicked(body, respond, services, blocks.declaration_card_in, view,
                   services.settings.timezone)
