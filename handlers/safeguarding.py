"""The s42 questions, and a safeguarding lead's export of one incident's chronology: both from
buttons on the incident's record."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.after_ack import AfterAck
from bot.rules.roles import NotAllowed
from bot.rules.safeguarding import Answer, NeedsMore, S42Decision, S42Field, S42Form
from bot.services import Services
from bot.services.incident_record import RecordView
from bot.services.safeguarding import S42NotOffered
from handlers.blocks import safeguarding as blocks
from handlers.blocks.text import KIND_ERROR
from handlers.chronology import chronology_markdown, chronology_pdf
from handlers.form_state import field, selected, values_of
from handlers.ids import ActionId, BlockId, CallbackId
from handlers.incident_record import show_record_after
from handlers.once import submitted_once
from handlers.payloads import actor, button_number, metadata_number
from handlers.replies import open_form, say_to_clicker

FIELD_BLOCKS = {
    S42Field.Q1: BlockId.S42_Q1, S42Field.Q2: BlockId.S42_Q2, S42Field.Q3: BlockId.S42_Q3,
    S42Field.DECISION: BlockId.S42_DECISION, S42Field.REASONS: BlockId.S42_REASONS,
    S42Field.REFERENCE: BlockId.S42_REFERENCE,
}
NOT_YOURS = ("The s42 questions can only be answered by a safeguarding lead, coordinator or HR "
             "officer the incident was sent to.")
NOT_OFFERED = ("The Care Act s42 questions are for safeguarding concerns, crisis disclosures "
               "and harassment or abuse, so they aren't needed for this incident.")


def register(app: App) -> None:
    app.action(ActionId.IN_S42.value)(handle_s42_button)
    app.view(CallbackId.INCIDENT_S42.value)(submitted_once(handle_s42))
    app.action(ActionId.IN_EXPORT.value)(handle_export_button)


# -- the s42 step ----------------------------------------------------------------------------
def handle_s42_button(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond,
                      services: Services) -> None:
    ack()
    try:
        start = services.safeguarding.start_s42(button_number(body), actor(body))
    except NotAllowed:
        say_to_clicker(client, body, respond, NOT_YOURS)
        return
    except S42NotOffered:
        say_to_clicker(client, body, respond, NOT_OFFERED)
        return
    open_form(client, body, blocks.s42_form(start))


def _answer(state: dict[str, Any], block: str) -> Answer | None:
    chosen = selected(state, block)
    return Answer(chosen) if chosen in set(Answer) else None


def parse_s42(view: dict[str, Any]) -> S42Form:
    state = values_of(view)
    q1, q2, q3 = (_answer(state, b) for b in blocks.S42_BLOCKS)
    decision = selected(state, BlockId.S42_DECISION)
    return S42Form(
        answers=(q1, q2, q3),
        decision=S42Decision(decision) if decision in set(S42Decision) else None,
        reasons=field(state, BlockId.S42_REASONS).get("value") or "",
        reference=field(state, BlockId.S42_REFERENCE).get("value") or "")


def handle_s42(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
               services: Services) -> None:
    incident_id = metadata_number(view, "incident")
    try:
        record = services.safeguarding.record_s42(incident_id, actor(body), parse_s42(view))
    except NeedsMore as more:
        ack(response_action="errors",
            errors={FIELD_BLOCKS[f]: words for f, words in more.errors.items()})
        return
    except NotAllowed:
        ack(response_action="errors", errors={BlockId.S42_DECISION: NOT_YOURS})
        return
    except S42NotOffered:
        ack(response_action="errors", errors={BlockId.S42_DECISION: NOT_OFFERED})
        return
    show_record_after(ack, body, client, services, record)


# -- the chronology, for a referral ----------------------------------------------------------
def handle_export_button(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond,
                         services: Services, after_ack: AfterAck) -> None:
    """The files go to the lead's own DM with Slack (the upload is done after the ack)."""
    ack()
    who, incident_id = actor(body), button_number(body)

    def export() -> None:
        try:
            record = services.safeguarding.chronology(incident_id, who)
        except NotAllowed:
            say_to_clicker(client, body, respond, blocks.ONLY_LEADS)
            return
        send_chronology(client, who, record, services)
        say_to_clicker(client, body, respond, blocks.SENT.format(number=incident_id))

    after_ack("chronology export", export,
              lambda words: say_to_clicker(client, body, respond, words), KIND_ERROR)


def send_chronology(client: WebClient, slack_user_id: str, record: RecordView,
                    services: Services) -> None:
    tz = services.settings.timezone
    number = record.incident.id
    opened = client.conversations_open(users=slack_user_id)
    channel = opened["channel"]["id"]
    client.files_upload_v2(
        channel=channel, initial_comment=blocks.chronology_comment(number),
        file_uploads=[
            {"filename": f"incident-{number}-chronology.md",
             "title": f"Incident #{number} chronology (Markdown)",
             "content": chronology_markdown(record, tz).encode()},
            {"filename": f"incident-{number}-chronology.pdf",
             "title": f"Incident #{number} chronology (PDF)",
             "content": chronology_pdf(record, tz)},
        ])
