"""/meetings: coming meetings with RSVP, setting them up, agenda items, asking to present."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.rules.lifecycle import RequestStatus
from bot.rules.meetings import (
    EVERYONE,
    MeetingDraft,
    MeetingField,
    MeetingKind,
    MeetingRepeat,
    series_words,
)
from bot.rules.roles import NotAllowed
from bot.services import Services
from bot.services.meetings import InvalidMeeting, MeetingGone, MeetingView, NotInvited
from handlers import payloads
from handlers.blocks import meetings as blocks
from handlers.blocks.easy import in_easy_read
from handlers.blocks.text import already_sent_view, escape_mrkdwn, section
from handlers.form_state import field, selected, values_of
from handlers.ids import ActionId, BlockId, CallbackId, SlashCommand
from handlers.once import submitted_once
from handlers.replies import (
    answer_privately,
    redraw_clicked,
    say_privately,
    shown_to,
    style_of_clicker,
)

FIELD_BLOCKS = {
    MeetingField.TITLE: BlockId.MT_TITLE,
    MeetingField.KIND: BlockId.MT_KIND,
    MeetingField.DAY: BlockId.MT_DAY,
    MeetingField.START: BlockId.MT_START,
    MeetingField.END: BlockId.MT_END,
    MeetingField.PLACE: BlockId.MT_PLACE,
    MeetingField.INVITED: BlockId.MT_INVITED,
}

PRESENT_STEPS = {
    ActionId.PRESENT_ACKNOWLEDGE: RequestStatus.ACKNOWLEDGED,
    ActionId.PRESENT_ACCEPT: RequestStatus.ARRANGED,
    ActionId.PRESENT_ANOTHER_DATE: RequestStatus.DECLINED,
}
NOT_INVITED = blocks.REFUSALS[blocks.Refusal.NOT_INVITED][0]
NOT_LISTED = blocks.REFUSALS[blocks.Refusal.NOT_LISTED][0]
UNKNOWN_MEETINGS_WORD = ("I don't know `/meetings {}`: `/meetings agenda` adds an item to the "
                         "agenda, `/meetings present` asks to present to the trustees, and "
                         "coordinators set one up with `/meetings new`. Here is what's coming:")


def register(app: App) -> None:
    app.command(SlashCommand.MEETINGS.value)(handle_meetings_command)
    app.action(ActionId.MEETING_NEW.value)(handle_new_meeting_button)
    app.view(CallbackId.MEETING_FORM.value)(submitted_once(handle_meeting_form,
                                                           again=handle_meeting_form_again))
    app.action(ActionId.MEETING_GOING.value)(handle_rsvp)
    app.action(ActionId.MEETING_NOT_GOING.value)(handle_rsvp)
    app.view(CallbackId.AGENDA_FORM.value)(submitted_once(handle_agenda_form))
    app.view(CallbackId.PRESENT_FORM.value)(submitted_once(handle_present_form))
    app.action(ActionId.MEETING_CANCEL.value)(handle_cancel)
    app.action(ActionId.MEETING_RECORD_ANSWER.value)(handle_record_answer_button)
    app.view(CallbackId.RECORD_ANSWER_FORM.value)(submitted_once(handle_record_answer_form))
    for step in PRESENT_STEPS:
        app.action(step.value)(handle_present_step)


def _say(ack_or_respond: Any, text: str, **extra: Any) -> None:
    ack_or_respond(text=text, blocks=[section(text)], **extra)


def handle_meetings_command(ack: Ack, command: dict, client: WebClient,
                            services: Services) -> None:
    typed = (command.get("text") or "").lower().split()
    word = typed[0] if typed else ""
    user = command["user_id"]
    meetings = services.meetings
    tz = services.settings.timezone
    if word == "new":
        if not meetings.is_coordinator(user):
            _say(ack, "Only a coordinator can set up meetings. Please ask one.")
            return
        ack()
        client.views_open(trigger_id=payloads.trigger_id(command), view=blocks.meeting_form())
    elif word == "agenda":
        choices = meetings.agenda_choices(user)
        if not choices:
            _say(ack, "There's no forum or community meeting planned yet to add an item to.")
            return
        ack()
        easy_read = services.profiles.style_of(user).easy_read
        client.views_open(trigger_id=payloads.trigger_id(command),
                          view=blocks.agenda_form(choices, tz, easy_read=easy_read))
    elif word == "present":
        ack()
        easy_read = services.profiles.style_of(user).easy_read
        client.views_open(trigger_id=payloads.trigger_id(command),
                          view=blocks.present_form(easy_read=easy_read))
    else:
        style = services.profiles.style_of(user)
        listed = blocks.meetings_list(meetings.upcoming_for(user), tz,
                                      coordinator=meetings.is_coordinator(user),
                                      easy_read=style.easy_read)
        if word:
            listed.insert(0, section(UNKNOWN_MEETINGS_WORD.format(escape_mrkdwn(word[:30]))))
        ack(**shown_to({"text": "Coming meetings", "blocks": listed}, style,
                        services.settings.coprod_crisis_line))


def handle_new_meeting_button(ack: Ack, body: dict, client: WebClient, respond: Respond,
                              services: Services) -> None:
    ack()
    if not services.meetings.is_coordinator(payloads.actor(body)):
        say_privately(respond, "Only a coordinator can set up meetings.")
        return
    client.views_open(trigger_id=payloads.trigger_id(body), view=blocks.meeting_form())


def parse_meeting_form(state: dict[str, Any]) -> MeetingDraft:
    kind = selected(state, BlockId.MT_KIND)
    day = field(state, BlockId.MT_DAY).get("selected_date")
    start = field(state, BlockId.MT_START).get("selected_time")
    end = field(state, BlockId.MT_END).get("selected_time")
    repeat = selected(state, BlockId.MT_REPEAT) or MeetingRepeat.NONE
    return MeetingDraft(
        title=field(state, BlockId.MT_TITLE).get("value") or "",
        kind=MeetingKind(kind) if kind in set(MeetingKind) else None,
        day=date.fromisoformat(day) if day else None,
        start_time=time.fromisoformat(start) if start else None,
        end_time=time.fromisoformat(end) if end else None,
        place=field(state, BlockId.MT_PLACE).get("value") or "",
        invited=selected(state, BlockId.MT_INVITED) or EVERYONE,
        channel=field(state, BlockId.MT_CHANNEL).get("selected_conversation") or None,
        repeat=MeetingRepeat(repeat) if repeat in set(MeetingRepeat) else MeetingRepeat.NONE,
    )


def handle_meeting_form(ack: Ack, body: dict, view: dict, services: Services) -> None:
    draft = parse_meeting_form(values_of(view))
    try:
        made = services.meetings.create(payloads.actor(body), draft)
    except InvalidMeeting as invalid:
        ack(response_action="errors",
            errors={FIELD_BLOCKS[f]: m for f, m in invalid.errors.items()})
        return
    except NotAllowed as refusal:
        ack(response_action="errors", errors={BlockId.MT_TITLE: str(refusal)})
        return
    _confirm_saved(ack, made, draft, services)


def handle_meeting_form_again(ack: Ack, body: dict, view: dict, services: Services) -> None:
    """A copy of a Save already acted on (a double click): the same meeting, so the same
    confirmation, not "Already sent" (which reads as if something went wrong)."""
    draft = parse_meeting_form(values_of(view))
    try:
        made = services.meetings.made_from(payloads.actor(body), draft)
    except NotAllowed:
        made = []
    if not made:  # cancelled meanwhile, say: nothing more to say than that it was sent
        ack(response_action="update",
            view=already_sent_view(services.settings.coprod_crisis_line))
        return
    _confirm_saved(ack, made, draft, services)


def _confirm_saved(ack: Ack, made: list[MeetingView], draft: MeetingDraft,
                   services: Services) -> None:
    tz = services.settings.timezone
    first_day = made[0].starts_at.astimezone(tz).date()
    ack(response_action="update", view=blocks.saved_view(
        made, tz, series_words(draft.repeat, first_day)))


def handle_rsvp(ack: Ack, body: dict, action: dict, respond: Respond,
                services: Services) -> None:
    ack()
    going = action["action_id"] == ActionId.MEETING_GOING
    try:
        answered = services.meetings.answers.rsvp(payloads.button_number(body),
                                                  payloads.actor(body), going)
    except NotAllowed:
        answer_privately(body, respond, services, blocks.refusal_in, blocks.Refusal.NOT_LISTED)
        return
    except NotInvited:
        answer_privately(body, respond, services, blocks.refusal_in, blocks.Refusal.NOT_INVITED)
        return
    except MeetingGone:
        answer_privately(body, respond, services, blocks.refusal_in, blocks.Refusal.CANCELLED)
        return
    # A list (/meetings, or App Home) shows the answer just given.
    _redraw_list(body, action, respond, services)
    if not answered.changed:
        return  # the same answer again (a double click): it was thanked for once already
    answer_privately(body, respond, services, blocks.rsvp_answer_in, answered.meeting, going,
                     services.settings.timezone)


def _redraw_list(body: dict, action: dict, respond: Respond, services: Services) -> None:
    """A click in a list (/meetings, or App Home) redraws it in place from the meetings as
    they are now, as its one reader reads it; a click anywhere else leaves the message be."""
    if not str(action.get("block_id", "")).startswith(BlockId.MT_LIST_ACTIONS):
        return
    user = payloads.actor(body)
    style = style_of_clicker(body, services)
    listed = blocks.meetings_list(services.meetings.upcoming_for(user),
                                  services.settings.timezone,
                                  coordinator=services.meetings.is_coordinator(user),
                                  easy_read=style.easy_read)
    respond(replace_original=True, **shown_to({"text": "Coming meetings", "blocks": listed},
                                              style, services.settings.coprod_crisis_line))


def handle_agenda_form(ack: Ack, body: dict, view: dict, services: Services) -> None:
    state = values_of(view)
    easy_read = in_easy_read(payloads.metadata(view))
    meeting_id = payloads.number(selected(state, BlockId.AG_MEETING))
    text = field(state, BlockId.AG_TEXT).get("value") or ""
    anonymous = bool(field(state, BlockId.AG_ANONYMOUS).get("selected_options"))
    try:
        # Anonymous too, who asked goes to the service: it checks they are invited, then
        # keeps nobody.
        added = services.meetings.add_agenda_item(payloads.actor(body), meeting_id, text,
                                                  anonymous)
    except InvalidMeeting as invalid:
        ack(response_action="errors", errors={BlockId.AG_TEXT: invalid.errors["agenda"]})
        return
    except NotAllowed:
        ack(response_action="errors", errors={BlockId.AG_MEETING: NOT_LISTED})
        return
    except NotInvited:
        ack(response_action="errors", errors={BlockId.AG_MEETING: NOT_INVITED})
        return
    except MeetingGone:
        ack(response_action="errors", errors={BlockId.AG_MEETING: "That meeting isn't open "
                                                                  "for agenda items."})
        return
    ack(response_action="update", view=blocks.simple_view(
        CallbackId.AGENDA_FORM, "Item added",
        blocks.agenda_item_added(added.title, easy_read=easy_read)))


def handle_present_form(ack: Ack, body: dict, view: dict, services: Services) -> None:
    subject = field(values_of(view), BlockId.PR_SUBJECT).get("value")
    easy_read = in_easy_read(payloads.metadata(view))
    try:
        request = services.meetings.request_to_present(payloads.actor(body), subject or "")
    except InvalidMeeting as invalid:
        ack(response_action="errors", errors={BlockId.PR_SUBJECT: invalid.errors["subject"]})
        return
    except (NotAllowed, MeetingGone):
        ack(response_action="errors", errors={
            BlockId.PR_SUBJECT: "There's no trustees' meeting planned yet, or you're not in "
                                "our member list. Please ask a coordinator."})
        return
    ack(response_action="update", view=blocks.simple_view(
        CallbackId.PRESENT_FORM, "Request sent",
        blocks.present_asked(request.meeting.title, easy_read=easy_read)))


def handle_present_step(ack: Ack, body: dict, action: dict, respond: Respond,
                        services: Services) -> None:
    ack()
    step = PRESENT_STEPS[ActionId(action["action_id"])]
    try:
        view = services.meetings.step_present(payloads.button_number(body),
                                              payloads.actor(body), step)
    except (NotAllowed, MeetingGone):
        say_privately(respond, "Only a coordinator can answer requests to present.")
        return
    redraw_clicked(body, respond, services, blocks.present_request_in, view,
                   services.settings.timezone)


def handle_cancel(ack: Ack, body: dict, action: dict, respond: Respond,
                  services: Services) -> None:
    ack()
    try:
        view = services.meetings.cancel(payloads.actor(body), payloads.button_number(body))
    except NotAllowed:
        say_privately(respond, "Only a coordinator can cancel a meeting.")
        return
    except MeetingGone:
        # A list drawn before it was cancelled (here or by someone else): drawn again without
        # it, so its Cancel button is not offered again.
        _redraw_list(body, action, respond, services)
        say_privately(respond, "That meeting is already cancelled.")
        return
    # The list the coordinator clicked in no longer offers the meeting it cancelled (the list
    # shows only meetings still going ahead).
    _redraw_list(body, action, respond, services)
    say_privately(respond,
                  f"{escape_mrkdwn(view.title)} is cancelled; everyone invited is being told.")


def handle_record_answer_button(ack: Ack, body: dict, client: WebClient, respond: Respond,
                                services: Services) -> None:
    ack()
    try:
        choices = services.meetings.answers.record_choices(payloads.actor(body),
                                                           payloads.button_number(body))
    except NotAllowed:
        say_privately(respond, "Only a coordinator can record an answer for someone.")
        return
    except MeetingGone:
        say_privately(respond, "That meeting has been cancelled.")
        return
    client.views_open(trigger_id=payloads.trigger_id(body),
                      view=blocks.record_answer_form(choices, services.settings.timezone))


def handle_record_answer_form(ack: Ack, body: dict, view: dict, services: Services) -> None:
    state = values_of(view)
    meeting_id = payloads.metadata_number(view, "meeting")
    member_id = payloads.number(selected(state, BlockId.RA_MEMBER))
    going = selected(state, BlockId.RA_GOING) == "yes"
    try:
        name, meeting = services.meetings.answers.record(payloads.actor(body), meeting_id,
                                                         member_id, going)
    except NotAllowed:
        ack(response_action="errors",
            errors={BlockId.RA_MEMBER: "Only a coordinator can record an answer for someone."})
        return
    except NotInvited:
        ack(response_action="errors",
            errors={BlockId.RA_MEMBER: "They aren't invited to this meeting."})
        return
    except MeetingGone:
        ack(response_action="errors",
            errors={BlockId.RA_MEMBER: "That meeting has been cancelled."})
        return
    ack(response_action="update", view=blocks.simple_view(
        CallbackId.RECORD_ANSWER_FORM, "Answer recorded",
        blocks.recorded_words(name, going, meeting, services.settings.timezone)))
