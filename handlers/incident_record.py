"""The incident's record: opening it from the alert, App Home and a follow-up's message;
resolving with the outcome, reopening, follow-ups and marking them done."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.rules.incidents import IncidentStatus
from bot.rules.roles import NotAllowed
from bot.rules.safeguarding import (
    Agency,
    FollowUpForm,
    NeedsMore,
    OutcomeField,
    OutcomeForm,
    ReopenField,
    Spoken,
    parse_references,
)
from bot.services import Services
from bot.services.incident_record import RecordView
from handlers.blocks import incident_record as blocks
from handlers.blocks.incidents import NOT_YOURS
from handlers.form_state import field, selected, ticked, values_of
from handlers.ids import ActionId, BlockId, CallbackId
from handlers.once import submitted_once
from handlers.payloads import actor, button_number, form_view, metadata_number
from handlers.replies import in_a_modal, open_form, say_privately, say_to_clicker

FIELD_BLOCKS: dict[str, BlockId] = {
    OutcomeField.DONE: BlockId.OC_DONE,
    OutcomeField.SPOKEN: BlockId.OC_SPOKEN,
    OutcomeField.WISHES: BlockId.OC_WISHES,
    OutcomeField.DECISION: BlockId.OC_DECISION,
    OutcomeField.REASONS: BlockId.OC_REASONS,
    OutcomeField.REFERRALS: BlockId.OC_REFERRALS,
    OutcomeField.FOLLOW_UP_WHAT: BlockId.FU_WHAT,
    OutcomeField.FOLLOW_UP_WHO: BlockId.FU_WHO,
    OutcomeField.FOLLOW_UP_BY: BlockId.FU_BY,
    ReopenField.WHY: BlockId.IN_REOPEN_WHY,
}


def register(app: App) -> None:
    app.action(ActionId.IN_RECORD.value)(handle_open_record)
    app.action(ActionId.IN_RESOLVE.value)(handle_resolve_button)
    app.view(CallbackId.INCIDENT_OUTCOME.value)(submitted_once(handle_outcome))
    app.action(ActionId.IN_REOPEN.value)(handle_reopen_button)
    app.view(CallbackId.INCIDENT_REOPEN.value)(submitted_once(handle_reopen))
    app.action(ActionId.IN_FOLLOW_UP.value)(handle_follow_up_button)
    app.view(CallbackId.INCIDENT_FOLLOW_UP.value)(submitted_once(handle_follow_up))
    app.action(ActionId.IN_FOLLOW_UP_DONE.value)(handle_follow_up_done)


def show_record_after(ack: Ack, body: dict[str, Any], client: WebClient, services: Services,
                      record: RecordView, *, said: str | None = None) -> None:
    """After a form about an incident is submitted, the person sees the record as it is now:
    a form pushed over the record closes and the record beneath is redrawn; a form opened on
    its own becomes the record. `said`: a line about what happened, shown first."""
    view = body.get("view") or {}
    root = view.get("root_view_id")
    if root and root != view.get("id"):
        # The record was open beneath (read through the audited guard when it was opened).
        ack()
        client.views_update(view_id=root, view=blocks.record_modal(
            record, services.settings.timezone, said=said))
    elif not record.may_act:
        # Someone who reads the record only by choice (a trustee deciding from their message)
        # is told it is saved, and opens the record if they want to: that read is audited.
        ack(response_action="update", view=blocks.saved_modal(record.incident.id, said))
    else:
        # A responder who acted from the alert sees the record they acted on; it is a read,
        # so it goes through the audited guard like any other.
        try:
            fresh = services.incident_record.record(record.incident.id, actor(body))
        except NotAllowed:
            ack(response_action="update", view=blocks.saved_modal(record.incident.id, said))
            return
        ack(response_action="update", view=blocks.record_modal(
            fresh, services.settings.timezone, said=said or _unchanged(record)))


def _unchanged(record: RecordView) -> str | None:
    return "Nothing was changed: that step had already been taken." if record.unchanged \
        else None


def _errors(more: NeedsMore) -> dict[str, str]:
    return {FIELD_BLOCKS.get(f, BlockId.OC_DONE): words for f, words in more.errors.items()}


# -- the record ------------------------------------------------------------------------------
def handle_open_record(ack: Ack, body: dict, client: WebClient, respond: Respond,
                       services: Services) -> None:
    ack()
    try:
        record = services.incident_record.record(button_number(body), actor(body))
    except NotAllowed:
        say_to_clicker(client, body, respond, NOT_YOURS)
        return
    open_form(client, body, blocks.record_modal(record, services.settings.timezone))


# -- resolving with the outcome --------------------------------------------------------------
def _before_step(client: WebClient, body: dict, respond: Respond, services: Services,
                 step: str) -> RecordView | None:
    """The record, for someone about to open a step's form on it; None (and kind words to
    them) when they may not take that step."""
    try:
        return services.incident_record.before_step(button_number(body), actor(body), step)
    except NotAllowed:
        say_to_clicker(client, body, respond, NOT_YOURS)
        return None


def handle_resolve_button(ack: Ack, body: dict, client: WebClient, respond: Respond,
                          services: Services) -> None:
    ack()
    record = _before_step(client, body, respond, services, "resolve")
    if record is None:
        return
    if record.incident.status is IncidentStatus.RESOLVED:
        say_to_clicker(client, body, respond, blocks.ALREADY_RESOLVED)
        return
    open_form(client, body, blocks.outcome_form(record.incident.id))


def _text(state: dict[str, Any], block: BlockId) -> str:
    value = field(state, block).get("value")
    return value if isinstance(value, str) else ""


def _follow_up(state: dict[str, Any]) -> FollowUpForm:
    who = field(state, BlockId.FU_WHO).get("selected_user")
    day = field(state, BlockId.FU_BY).get("selected_date")
    try:
        by = date.fromisoformat(day) if isinstance(day, str) and day else None
    except ValueError:
        by = None
    return FollowUpForm(what=_text(state, BlockId.FU_WHAT),
                        who=who if isinstance(who, str) and who else None, by=by)


def parse_outcome(view: dict[str, Any]) -> OutcomeForm:
    state = values_of(view)
    chosen = ticked(state, BlockId.OC_REFERRALS)
    agencies = [a for a in Agency if a.value in chosen]
    spoken = selected(state, BlockId.OC_SPOKEN)
    return OutcomeForm(
        what_was_done=_text(state, BlockId.OC_DONE),
        spoken=Spoken(spoken) if spoken in set(Spoken) else None,
        views_and_wishes=_text(state, BlockId.OC_WISHES),
        decision=_text(state, BlockId.OC_DECISION),
        reasons=_text(state, BlockId.OC_REASONS),
        referrals=parse_references(agencies, _text(state, BlockId.OC_REFERENCES)),
        no_referral=blocks.NO_REFERRAL in chosen,
        follow_up=_follow_up(state))


def handle_outcome(ack: Ack, body: dict, view: dict, client: WebClient,
                   services: Services) -> None:
    try:
        record = services.incident_record.resolve(metadata_number(view, "incident"),
                                                  actor(body), parse_outcome(view))
    except NeedsMore as more:
        ack(response_action="errors", errors=_errors(more))
        return
    except NotAllowed:
        ack(response_action="errors", errors={BlockId.OC_DONE: NOT_YOURS})
        return
    show_record_after(ack, body, client, services, record,
                      said=blocks.ALREADY_RESOLVED_NOTE if record.unchanged else None)


# -- reopening -------------------------------------------------------------------------------
def handle_reopen_button(ack: Ack, body: dict, client: WebClient, respond: Respond,
                         services: Services) -> None:
    ack()
    record = _before_step(client, body, respond, services, "reopen")
    if record is not None:
        open_form(client, body, blocks.reopen_form(record.incident.id))


def handle_reopen(ack: Ack, body: dict, view: dict, client: WebClient,
                  services: Services) -> None:
    why = _text(values_of(view), BlockId.IN_REOPEN_WHY)
    try:
        record = services.incident_record.reopen(metadata_number(view, "incident"),
                                                 actor(body), why)
    except NeedsMore as more:
        ack(response_action="errors", errors=_errors(more))
        return
    except NotAllowed:
        ack(response_action="errors", errors={BlockId.IN_REOPEN_WHY: NOT_YOURS})
        return
    show_record_after(ack, body, client, services, record,
                      said=blocks.ALREADY_OPEN_NOTE if record.unchanged else None)


# -- follow-ups ------------------------------------------------------------------------------
def handle_follow_up_button(ack: Ack, body: dict, client: WebClient, respond: Respond,
                            services: Services) -> None:
    ack()
    record = _before_step(client, body, respond, services, "follow-up")
    if record is not None:
        open_form(client, body, blocks.follow_up_form(record.incident.id))


def handle_follow_up(ack: Ack, body: dict, view: dict, client: WebClient,
                     services: Services) -> None:
    try:
        record = services.incident_record.add_follow_up(
            metadata_number(view, "incident"), actor(body), _follow_up(values_of(view)))
    except NeedsMore as more:
        ack(response_action="errors", errors=_errors(more))
        return
    except NotAllowed:
        ack(response_action="errors", errors={BlockId.FU_WHAT: NOT_YOURS})
        return
    show_record_after(ack, body, client, services, record)


def handle_follow_up_done(ack: Ack, body: dict, client: WebClient, respond: Respond,
                          services: Services) -> None:
    """From the record (redrawn where it is) or from a follow-up's message (whose every copy
    is redrawn to say done)."""
    ack()
    try:
        record = services.incident_record.mark_follow_up_done(button_number(body),
                                                              actor(body))
    except NotAllowed:
        say_to_clicker(client, body, respond, NOT_YOURS)
        return
    if in_a_modal(body) and form_view(body).get("type") == "modal":
        said = blocks.ALREADY_DONE_NOTE if record.unchanged else None
        client.views_update(view_id=form_view(body)["id"], view=blocks.record_modal(
            record, services.settings.timezone, said=said))
    else:
        say_privately(respond, blocks.ALREADY_DONE if record.unchanged else blocks.MARKED_DONE)
