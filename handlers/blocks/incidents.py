"""Blocks for incidents: the report form (with the 999 guidance first when someone is in
danger), the alert responders get, and what the reporter is told."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from bot.notices import Notice, NoticeGone
from bot.rules.communication import DANGER, Style
from bot.rules.incidents import (
    INCIDENT_KIND_WORDS,
    INCIDENT_STATUS_WORDS,
    SEVERITY_WORDS,
    IncidentKind,
    IncidentRoute,
    IncidentStatus,
    Severity,
)
from bot.services.incidents import (
    Choice,
    IncidentAlert,
    IncidentView,
    ReportBeingChased,
    Reported,
    ReportPickedUp,
    UrgentIncidentText,
)
from bot.signposting import Signpost
from handlers.blocks.easy import easy_lines, easy_when, in_either_style
from handlers.blocks.text import (
    Block,
    Payload,
    Renderer,
    View,
    button,
    context,
    divider,
    escape_mrkdwn,
    header,
    option,
    plain,
    section,
    text_sections,
    when,
)
from handlers.ids import ActionId, BlockId, CallbackId

if TYPE_CHECKING:
    from bot.services import Services

YES, NO = "yes", "no"
NOT_YOURS = ("Incidents can only be opened by the people they were sent to. If you're worried "
             "about something, please use /incident to report it.")


def signpost_blocks(signposts: Sequence[Signpost], crisis_line: str) -> list[Block]:
    lines = [f"• *{escape_mrkdwn(s.name)}*: {escape_mrkdwn(s.contact)}"
             + (f" - {escape_mrkdwn(s.when)}" if s.when else "") for s in signposts]
    return [section("*Where to turn*\n" + "\n".join(lines)),
            context(f"In danger now? Call *999*. Need to talk? {escape_mrkdwn(crisis_line)}")]


def emergency_guidance(signposts: Sequence[Signpost], crisis_line: str) -> list[Block]:
    return [
        {"type": "section", "block_id": BlockId.IN_GUIDANCE, "text": {
            "type": "mrkdwn",
            "text": f"{DANGER} *If someone's life is at risk, call 999 now.* Stay with "
                    "them if it is safe to, and don't wait for this form. When everyone is "
                    "safe, finish the report below so a safeguarding lead can follow up."}},
        *signpost_blocks(signposts, crisis_line),
        divider(),
    ]


def incident_form(*, danger: bool | None, sessions: Sequence[Choice], people: Sequence[Choice],
                  signposts: Sequence[Signpost], crisis_line: str,
                  message_ref: str | None = None) -> View:
    kinds = [option(INCIDENT_KIND_WORDS[k], k.value) for k in IncidentKind]
    severities = [option(SEVERITY_WORDS[s][0], s.value, SEVERITY_WORDS[s][1]) for s in Severity]
    danger_options = [option("Yes - someone may be in danger now", YES),
                      option("No", NO)]
    danger_element: dict[str, Any] = {"type": "radio_buttons",
                                      "action_id": ActionId.IN_DANGER_CHOSEN,
                                      "options": danger_options}
    if danger is not None:
        danger_element["initial_option"] = danger_options[0 if danger else 1]

    blocks: list[Block] = []
    if danger:
        blocks += emergency_guidance(signposts, crisis_line)  # before anything else
    blocks.append({"type": "input", "block_id": BlockId.IN_DANGER, "dispatch_action": True,
                   "label": plain("Is anyone in immediate danger?"), "element": danger_element})
    if message_ref:
        blocks.append(context("This report is linked to the message you chose."))
    blocks += [
        {"type": "input", "block_id": BlockId.IN_KIND, "label": plain("What kind of incident?"),
         "element": {"type": "static_select", "action_id": ActionId.IN_FIELD, "options": kinds,
                     "placeholder": plain("Choose one")}},
        {"type": "input", "block_id": BlockId.IN_SEVERITY, "label": plain("How serious is it?"),
         "element": {"type": "radio_buttons", "action_id": ActionId.IN_FIELD,
                     "options": severities}},
    ]
    if sessions:
        blocks.append({"type": "input", "block_id": BlockId.IN_SESSION, "optional": True,
                       "label": plain("Which session?"),
                       "element": {"type": "static_select", "action_id": ActionId.IN_FIELD,
                                   "placeholder": plain("Choose a session"),
                                   "options": [option(c.label, c.value) for c in sessions]}})
    if people:
        blocks.append({"type": "input", "block_id": BlockId.IN_PEOPLE, "optional": True,
                       "label": plain("Who was involved?"),
                       "hint": plain("They will not be sent this report."),
                       "element": {"type": "multi_static_select", "action_id": ActionId.IN_FIELD,
                                   "placeholder": plain("Choose people"),
                                   "options": [option(c.label, c.value) for c in people]}})
    blocks += [
        {"type": "input", "block_id": BlockId.IN_WHAT, "label": plain("What happened?"),
         "element": {"type": "plain_text_input", "action_id": ActionId.IN_FIELD,
                     "multiline": True, "max_length": 3000}},
        {"type": "input", "block_id": BlockId.IN_DONE, "optional": True,
         "label": plain("What has been done already?"),
         "element": {"type": "plain_text_input", "action_id": ActionId.IN_FIELD,
                     "multiline": True, "max_length": 3000}},
        context("Passing this on is the right thing to do. A safeguarding lead will speak "
                "with the person before any action is taken. You don't have to carry it "
                "further yourself."),
    ]
    return {
        "type": "modal", "callback_id": CallbackId.INCIDENT_FORM,
        "private_metadata": json.dumps({"message": message_ref}),
        "title": plain("Report an incident"), "submit": plain("Send report"),
        "close": plain("Cancel"), "blocks": blocks,
    }


def confirmation_view(reported: Reported, crisis_line: str) -> View:
    who = {
        IncidentRoute.SAFEGUARDING: "the safeguarding leads, who have been alerted now",
        IncidentRoute.HR: "the HR officer",
        IncidentRoute.COORDINATORS: "the coordinators",
    }[reported.route]
    blocks: list[Block] = []
    if reported.danger:
        blocks += emergency_guidance(reported.signposts, crisis_line)
    blocks.append(section(f"*Thank you. Your report (#{reported.incident_id}) has gone to "
                          f"{who}.* You'll get a message when someone has picked it up."))
    if reported.told == 0:
        blocks.append(section("Nobody is set up to receive it yet, so please also tell a "
                              "coordinator directly."))
    if not reported.danger:
        blocks += signpost_blocks(reported.signposts, crisis_line)
    return {"type": "modal", "callback_id": CallbackId.INCIDENT_FORM,
            "title": plain("Report sent"), "close": plain("Done"), "blocks": blocks}


def incident_alert(view: IncidentView, tz: tzinfo) -> Payload:
    """What a safeguarding lead, coordinator or HR officer gets; updated in place."""
    urgent = view.route is IncidentRoute.SAFEGUARDING
    title = (f"{'Urgent: ' if urgent else ''}{INCIDENT_KIND_WORDS[view.kind]} "
             f"({SEVERITY_WORDS[view.severity][0].lower()}) #{view.id}")
    fields = [
        {"type": "mrkdwn", "text": f"*Reported by*\n<@{view.reporter_slack_id}>"},
        {"type": "mrkdwn", "text": f"*When*\n{when(view.created_at, tz)}"},
        {"type": "mrkdwn", "text": f"*Status*\n{INCIDENT_STATUS_WORDS[view.status]}"},
    ]
    if view.session_title:
        fields.append({"type": "mrkdwn", "text": f"*Session*\n{escape_mrkdwn(view.session_title)}"})
    if view.involved:
        fields.append({"type": "mrkdwn",
                       "text": "*Involved*\n" + escape_mrkdwn(", ".join(view.involved))})
    blocks: list[Block] = [header(title[:150]), {"type": "section", "fields": fields}]
    if view.danger:
        blocks.append(section(f"{DANGER} *They said someone may be in immediate danger.* "
                              "If a life is at risk, call 999."))
    blocks.append(section("*What happened*"))
    blocks += text_sections(view.what_happened)
    if view.done_already.strip():
        blocks.append(section("*Done already*"))
        blocks += text_sections(view.done_already)
    if view.acknowledged_by:
        blocks.append(context(f"Acknowledged by <@{view.acknowledged_by}>"
                              + (f", {when(view.acknowledged_at, tz)}"
                                 if view.acknowledged_at else "")))
    if view.resolved_by:
        blocks.append(context(f"Resolved by <@{view.resolved_by}>"))
    blocks.append(_alert_actions(view))
    state = "acknowledged" if view.acknowledged_by else "needs someone"
    return {"text": f"{title}: {state}", "blocks": blocks[:50]}


def _alert_actions(view: IncidentView) -> Block:
    value = str(view.id)
    buttons = [button("Open the record", ActionId.IN_RECORD, value)]
    if view.status is IncidentStatus.OPEN:
        buttons.insert(0, button("Acknowledge", ActionId.IN_ACKNOWLEDGE, value, "primary"))
    if view.status is not IncidentStatus.RESOLVED:
        buttons.append(button("Add a note", ActionId.IN_NOTE, value))
        # Resolving asks for the outcome (a form), so it needs no "are you sure?".
        buttons.append(button("Resolve", ActionId.IN_RESOLVE, value))
    return {"type": "actions", "block_id": f"{BlockId.IN_ACTIONS}:{view.id}",
            "elements": buttons}


# Easy read: each kind's name as the team knows it, and what it means in everyday words.
EASY_KIND: dict[IncidentKind, str] = {
    IncidentKind.SAFEGUARDING: "It is a safeguarding concern: someone may not be safe.",
    IncidentKind.CRISIS: "It is a crisis disclosure: someone told us they are in crisis.",
    IncidentKind.BREACH: "It is a guideline breach: someone may have broken our guidelines.",
    IncidentKind.HARASSMENT: "It is about harassment or abuse.",
    IncidentKind.BOUNDARY: "It is a boundary concern: a line may have been crossed.",
    IncidentKind.GIFT: "It is about a gift or favour someone offered.",
    IncidentKind.OTHER: "It is about something else.",
}


def _easy_alert_state(view: IncidentView, tz: tzinfo) -> tuple[str, list[str]]:
    """Where it stands, as the notification says it and as its lines say it."""
    lines = ["Nobody has picked it up yet."]
    if view.acknowledged_by:
        at = f" on {easy_when(view.acknowledged_at, tz)}" if view.acknowledged_at else ""
        lines = [f"<@{view.acknowledged_by}> picked it up{at}."]
    if view.status is IncidentStatus.RESOLVED:
        return "it is resolved", [*lines, f"<@{view.resolved_by}> resolved it."
                                  if view.resolved_by else "It is resolved."]
    return ("someone has picked it up" if view.acknowledged_by else "it needs someone"), lines


def easy_incident_alert(view: IncidentView, tz: tzinfo) -> Payload:
    """Easy read: the same report, a line each; an urgent one says so first, in words, and
    keeps the 999 line and the Acknowledge button."""
    urgent = view.route is IncidentRoute.SAFEGUARDING
    report = f"report number {view.id}"
    state, state_lines = _easy_alert_state(view, tz)
    severity = SEVERITY_WORDS[view.severity][0].lower()
    first = (f"{report} needs someone{' now' if urgent else ''}"
             if view.status is IncidentStatus.OPEN else report)
    intro = [f"*Urgent: {first}.*" if urgent else f"*{first[:1].upper()}{first[1:]}.*",
             EASY_KIND[view.kind], f"They said it is {severity}."]
    if view.danger:
        intro.append("*They said someone may be in danger now.*")
    if view.danger or urgent:
        intro.append("Call 999 if someone's life is at risk.")
    intro.append(f"<@{view.reporter_slack_id}> reported it on {easy_when(view.created_at, tz)}.")
    if view.session_title:
        intro.append(f"The session: {escape_mrkdwn(view.session_title)}.")
    if view.involved:
        intro.append("People involved: " + escape_mrkdwn(", ".join(view.involved)) + ".")
    intro += [*state_lines, "*What happened, in their words:*"]
    blocks: list[Block] = [section(easy_lines(intro)), *text_sections(view.what_happened)]
    if view.done_already.strip():
        blocks += [section("*What they have done already:*"),
                   *text_sections(view.done_already)]
    if view.status is IncidentStatus.OPEN:
        next_step = "Tap Acknowledge to say you are dealing with it."
    elif view.status is IncidentStatus.ACKNOWLEDGED:
        next_step = "Tap Add a note to add to it, or Resolve when it is done."
    else:
        next_step = "Tap Open the record to see what was done."
    blocks += [section(next_step), _alert_actions(view)]
    about = f"{report}, {INCIDENT_KIND_WORDS[view.kind].lower()} ({severity}): {state}"
    return {"text": f"Urgent: {about}" if urgent else about[:1].upper() + about[1:],
            "blocks": blocks}


incident_alert_in = in_either_style(incident_alert, easy_incident_alert)


def note_form(incident_id: int) -> View:
    return {"type": "modal", "callback_id": CallbackId.INCIDENT_NOTE,
            "private_metadata": json.dumps({"incident": incident_id}),
            "title": plain(f"Note on #{incident_id}"[:24]), "submit": plain("Add note"),
            "close": plain("Cancel"),
            "blocks": [{"type": "input", "block_id": BlockId.IN_NOTE,
                        "label": plain("Your note"),
                        "element": {"type": "plain_text_input", "action_id": ActionId.IN_FIELD,
                                    "multiline": True, "max_length": 3000}},
                       context("Notes are kept with the incident's timeline, seen only by "
                               "the people it was sent to.")]}


def being_chased_dm(incident_id: int) -> Payload:
    text = (f"Thank you for your report (#{incident_id}). Nobody has picked it up yet, so we are "
            "now contacting more people, by message and by text. If someone is in danger, "
            "please call 999.")
    return {"text": text, "blocks": [section(text)]}


def picked_up_dm(incident_id: int, actor: str, name: str | None) -> Payload:
    who = escape_mrkdwn(name) if name else f"<@{actor}>"
    text = (f"{who} has picked up your report (#{incident_id}). Thank you for passing it on - "
            "you don't need to carry it further.")
    return {"text": text, "blocks": [section(text)]}


def easy_being_chased_dm(incident_id: int) -> Payload:
    lines = [f"Thank you for your report, number {incident_id}.",
             "Nobody has picked it up yet.", "So we are asking more people to help now.",
             "We are sending them messages and texts.", "Is someone in danger? Please call 999."]
    return {"text": f"Your report, number {incident_id}: we are asking more people to help",
            "blocks": [section(easy_lines(lines))]}


def easy_picked_up_dm(incident_id: int, actor: str, name: str | None) -> Payload:
    who = escape_mrkdwn(name) if name else f"<@{actor}>"
    lines = [f"{who} has picked up your report, number {incident_id}.",
             "Thank you for telling us.", "You do not need to do any more about it."]
    return {"text": f"Your report, number {incident_id}: {who} has picked it up",
            "blocks": [section(easy_lines(lines))]}


def home_incidents(views: Sequence[IncidentView], now: datetime) -> list[Block]:
    blocks: list[Block] = [header(f"Open incidents ({len(views)})")]
    if not views:
        blocks.append(section("None open."))
    for view in views[:10]:
        age = now - view.created_at
        hours = int(age.total_seconds() // 3600)
        age_words = f"{hours} h" if hours < 48 else f"{hours // 24} days"
        block = section(
            f"*#{view.id} {INCIDENT_KIND_WORDS[view.kind]}* "
            f"({SEVERITY_WORDS[view.severity][0].lower()}) · "
            f"{INCIDENT_STATUS_WORDS[view.status]} · {age_words} old")
        block["accessory"] = button("Open the record", ActionId.IN_RECORD, str(view.id))
        blocks.append(block)
    return blocks


# -- drawing the notices incidents record -------------------------------------------------------
URGENT_TEXT = "An urgent safeguarding report needs someone now. Please check Slack."
EASY_URGENT_TEXT = ("Urgent: a safeguarding report needs a person now.", "Please look at Slack.")


def _draw_alert(notice: IncidentAlert, services: Services, style: Style) -> Payload:
    view = services.incidents.alert_view(notice.incident_id)
    # A safeguarding report, or any report that says someone may be in danger, reaches a
    # responder even in the hours they asked not to be messaged; a breach can wait.
    return {**incident_alert_in(style, view, services.settings.timezone),
            "urgent": view.route is IncidentRoute.SAFEGUARDING or view.danger}


def _still_unanswered(services: Services, incident_id: int) -> None:
    """A chase (an urgent text, "we are contacting more people") has nothing to say once
    someone has acknowledged or resolved the incident: a retry, or a text held for the
    morning, is not sent."""
    if services.incidents.alert_view(incident_id).status is not IncidentStatus.OPEN:
        raise NoticeGone(incident_id)


def _draw_urgent_text(notice: UrgentIncidentText, services: Services, style: Style) -> Payload:
    _still_unanswered(services, notice.incident_id)
    # Texts never carry details: only that someone is needed, and where to look.
    if style.easy_read:
        words = easy_lines(EASY_URGENT_TEXT)
        return {"text": " ".join(EASY_URGENT_TEXT), "blocks": [section(words)], "sms": words}
    return {"text": URGENT_TEXT, "blocks": [section(URGENT_TEXT)], "sms": URGENT_TEXT}


def _draw_chased(notice: ReportBeingChased, services: Services, style: Style) -> Payload:
    _still_unanswered(services, notice.incident_id)
    draw = easy_being_chased_dm if style.easy_read else being_chased_dm
    return draw(notice.incident_id)


def _draw_picked_up(notice: ReportPickedUp, services: Services, style: Style) -> Payload:
    actor, name = services.incidents.picked_up_by(notice.incident_id)
    draw = easy_picked_up_dm if style.easy_read else picked_up_dm
    return draw(notice.incident_id, actor, name)


RENDERERS: dict[type[Notice], Renderer] = {
    IncidentAlert: _draw_alert,
    UrgentIncidentText: _draw_urgent_text,
    ReportBeingChased: _draw_chased,
    ReportPickedUp: _draw_picked_up,
}
