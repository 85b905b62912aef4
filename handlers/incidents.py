"""/incident and "Report this message": the report form, and the responders' buttons on the
alert (acknowledge, add a note; resolving and the record are in handlers/incident_record.py)."""

from __future__ import annotations

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.after_ack import AfterAck
from bot.rules.forms import is_whole_number
from bot.rules.incidents import IncidentField, IncidentForm, IncidentKind, InvalidIncident, Severity
from bot.rules.roles import NotAllowed
from bot.services import Services
from handlers.blocks import incidents as blocks
from handlers.blocks.incidents import NOT_YOURS
from handlers.blocks.text import KIND_ERROR
from handlers.form_state import field, selected, values_of
from handlers.ids import ActionId, BlockId, CallbackId, Shortcut, SlashCommand
from handlers.incident_record import show_record_after
from handlers.later import later
from handlers.once import submitted_once
from handlers.payloads import (
    actor,
    button_number,
    form_view,
    metadata,
    metadata_number,
    trigger_id,
)
from handlers.replies import open_form, redraw_clicked, say_privately, say_to_clicker

FIELD_BLOCKS = {
    IncidentField.KIND: BlockId.IN_KIND,
    IncidentField.SEVERITY: BlockId.IN_SEVERITY,
    IncidentField.WHAT: BlockId.IN_WHAT,
    IncidentField.DONE: BlockId.IN_DONE,
    IncidentField.DANGER: BlockId.IN_DANGER,
}


def register(app: App) -> None:
    app.command(SlashCommand.INCIDENT.value)(handle_incident_command)
    app.shortcut(Shortcut.REPORT_MESSAGE.value)(handle_report_message)
    app.action(ActionId.IN_DANGER_CHOSEN.value)(handle_danger_choice)
    app.view(CallbackId.INCIDENT_FORM.value)(submitted_once(handle_report))
    app.action(ActionId.IN_ACKNOWLEDGE.value)(handle_acknowledge)
    app.action(ActionId.IN_NOTE.value)(handle_note_button)
    app.view(CallbackId.INCIDENT_NOTE.value)(submitted_once(handle_note))


def _form(services: Services, *, danger: bool | None, message_ref: str | None) -> dict:
    incidents = services.incidents
    return blocks.incident_form(danger=danger, sessions=incidents.session_choices(),
                                people=incidents.people_choices(),
                                signposts=incidents.signposts,
                                crisis_line=services.settings.coprod_crisis_line,
                                message_ref=message_ref)


def handle_incident_command(ack: Ack, command: dict, client: WebClient, respond: Respond,
                            services: Services, after_ack: AfterAck) -> None:
    ack()
    form = _form(services, danger=None, message_ref=None)
    later(after_ack, respond, "/incident",
          lambda: client.views_open(trigger_id=trigger_id(command), view=form),
          sorry=f"{KIND_ERROR} In danger now? Call 999. {services.settings.coprod_crisis_line}")


def handle_report_message(ack: Ack, shortcut: dict, client: WebClient,
                          services: Services) -> None:
    ack()
    # Only where the message is, never its words: the report says what matters.
    channel = shortcut.get("channel")
    channel_id = channel.get("id", "") if isinstance(channel, dict) else ""
    ref = f"{channel_id}/{shortcut.get('message_ts', '')}"
    client.views_open(trigger_id=trigger_id(shortcut),
                      view=_form(services, danger=None, message_ref=ref))


def _message_ref(view: dict) -> str | None:
    ref = metadata(view).get("message")
    return ref if isinstance(ref, str) else None


def handle_danger_choice(ack: Ack, body: dict, client: WebClient, services: Services) -> None:
    """Yes to danger shows the 999 guidance at once, at the top, before anything else."""
    ack()
    view = form_view(body)
    danger = selected(values_of(view), BlockId.IN_DANGER)
    client.views_update(view_id=view["id"], hash=view.get("hash"),
                        view=_form(services, danger=None if danger is None else danger == "yes",
                                   message_ref=_message_ref(view)))


def parse_report(view: dict) -> IncidentForm:
    state = values_of(view)
    kind, severity = selected(state, BlockId.IN_KIND), selected(state, BlockId.IN_SEVERITY)
    session = selected(state, BlockId.IN_SESSION)
    people = field(state, BlockId.IN_PEOPLE).get("selected_options") or []
    danger = selected(state, BlockId.IN_DANGER)
    return IncidentForm(
        kind=IncidentKind(kind) if kind in set(IncidentKind) else None,
        severity=Severity(severity) if severity in set(Severity) else None,
        what_happened=field(state, BlockId.IN_WHAT).get("value") or "",
        done_already=field(state, BlockId.IN_DONE).get("value") or "",
        danger=None if danger is None else danger == "yes",
        session_id=int(session) if session and is_whole_number(session) else None,
        involved_member_ids=tuple(int(p["value"]) for p in people
                                  if is_whole_number(str(p.get("value", "")))),
        message_ref=_message_ref(view),
    )


def handle_report(ack: Ack, body: dict, view: dict, services: Services) -> None:
    try:
        reported = services.incidents.report(parse_report(view), actor(body))
    except InvalidIncident as invalid:
        ack(response_action="errors",
            errors={FIELD_BLOCKS[f]: message for f, message in invalid.errors.items()})
        return
    ack(response_action="update",
        view=blocks.confirmation_view(reported, services.settings.coprod_crisis_line))


def handle_acknowledge(ack: Ack, body: dict, respond: Respond, services: Services) -> None:
    ack()
    try:
        view = services.incidents.acknowledge(button_number(body), actor(body))
    except NotAllowed:
        say_privately(respond, NOT_YOURS)
        return
    redraw_clicked(body, respond, services, blocks.incident_alert_in, view,
                   services.settings.timezone)


def handle_note_button(ack: Ack, body: dict, client: WebClient, respond: Respond,
                       services: Services) -> None:
    """From the alert or from the record (the note form is pushed over it)."""
    ack()
    try:
        view = services.incidents.view_for(button_number(body), actor(body))
    except NotAllowed:
        say_to_clicker(client, body, respond, NOT_YOURS)
        return
    open_form(client, body, blocks.note_form(view.id))


def handle_note(ack: Ack, body: dict, view: dict, client: WebClient,
                services: Services) -> None:
    """Ends with the record, the note in it."""
    incident_id = metadata_number(view, "incident")
    note = field(values_of(view), BlockId.IN_NOTE).get("value") or ""
    try:
        record = services.incident_record.add_note(incident_id, actor(body), note)
    except InvalidIncident as invalid:
        ack(response_action="errors", errors={BlockId.IN_NOTE: invalid.errors["note"]})
        return
    except NotAllowed:
        ack(response_action="errors", errors={BlockId.IN_NOTE: NOT_YOURS})
        return
    show_record_after(ack, body, client, services, record)
