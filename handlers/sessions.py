"""/sessions and the session cards' buttons: claim, release, attend, wait, the form, and the
check-in after a session with its debrief request."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.after_ack import AfterAck
from bot.rules.coverage import ClaimDecision, Outcome
from bot.rules.forms import is_whole_number
from bot.rules.lifecycle import RequestStatus
from bot.rules.roles import NotAllowed
from bot.rules.sessions import InvalidSession, Repeat, SessionDraft, SessionKind
from bot.services import Services
from bot.services.aftercare import DebriefAsked
from bot.services.sessions import RotaReader, SessionGone, SessionView
from handlers import payloads
from handlers.blocks import sessions as blocks
from handlers.blocks.text import Block, Payload, escape_mrkdwn, section
from handlers.form_state import field, selected, values_of
from handlers.ids import ActionId, BlockId, CallbackId, SlashCommand
from handlers.later import later
from handlers.once import submitted_once
from handlers.replies import (
    answer_in_place,
    answer_privately,
    redraw_clicked,
    say_privately,
    shown_to,
)

UNKNOWN_SESSIONS_WORDS = ("I don't know `/sessions {}`: `/sessions mine` shows yours, "
                          "`/sessions 30` the next 30 days (up to 90), and coordinators add one "
                          "with `/sessions new`. Here are the next 14 days:")


def register(app: App) -> None:
    app.command(SlashCommand.SESSIONS.value)(handle_sessions_command)
    app.action(ActionId.SESSION_NEW.value)(handle_new_session_button)
    app.view(CallbackId.SESSION_FORM.value)(submitted_once(handle_session_form))
    app.action(ActionId.SESSION_CLAIM.value)(handle_claim)
    app.action(ActionId.SESSION_TAKE_OFFER.value)(handle_claim)
    app.action(ActionId.SESSION_RELEASE.value)(handle_release)
    app.action(ActionId.SESSION_RELEASE_CONFIRMED.value)(handle_release)
    app.action(ActionId.SESSION_KEEP_PLACE.value)(handle_keep_place)
    app.action(ActionId.SESSION_ATTEND.value)(handle_attend)
    app.action(ActionId.SESSION_CANT_COME.value)(handle_cant_come)
    app.action(ActionId.SESSION_WAIT.value)(handle_wait)
    app.action(ActionId.SESSION_MANAGE.value)(handle_manage)
    app.action(ActionId.SESSION_CANCEL_CONFIRMED.value)(handle_cancel_confirmed)
    app.action(ActionId.SESSION_CANCEL_KEPT.value)(handle_cancel_kept)
    app.action(ActionId.SESSION_CALENDAR.value)(handle_calendar_link)
    app.action(ActionId.SESSION_OK_AFTER.value)(handle_check_in)
    app.action(ActionId.SESSION_DEBRIEF.value)(handle_check_in)
    for step in DEBRIEF_STEPS:
        app.action(step.value)(handle_debrief_step)


# -- /sessions -------------------------------------------------------------------------------
def handle_sessions_command(ack: Ack, command: dict, client: WebClient,
                            services: Services) -> None:
    words = (command.get("text") or "").lower().split()
    user = command["user_id"]
    if words[:1] == ["new"]:
        if not services.sessions.is_coordinator(user):
            words_for_them = ("Only a coordinator can set up sessions. Please ask one if a "
                              "session is needed.")
            ack(text=words_for_them, blocks=[section(words_for_them)])
            return
        ack()
        client.views_open(trigger_id=payloads.trigger_id(command), view=blocks.session_form())
        return
    days = (int(words[0]) if words and is_whole_number(words[0]) and len(words[0]) <= 2
            and 0 < int(words[0]) <= blocks.MOST_DAYS else 14)
    listed = blocks.MINE if words[:1] == [blocks.MINE] else str(days)
    unknown = ([section(UNKNOWN_SESSIONS_WORDS.format(escape_mrkdwn(words[0][:30])))]
               if words and words[0] not in (blocks.MINE, str(days)) else [])
    ack(**_sessions_list(user, listed, services, said_first=unknown))


def _sessions_list(user: str, listed: str, services: Services, *,
                   said_first: list[Block] | None = None) -> Payload:
    """A /sessions list ("mine", or the next so many days) as its one reader reads it now: in
    their style, with their buttons, ending with the crisis line; `said_first` above it."""
    reader = RotaReader.of(user, services.members.roles_of(user))
    style = services.profiles.style_of(user)
    easy = style.easy_read
    if listed == blocks.MINE:
        text, title, views = "Your sessions", "Your sessions", services.sessions.mine(user)
        empty = (blocks.EASY_HOME_WORDS["nothing"] if easy else
                 "You're not down for any sessions yet. `/sessions` shows what's coming up.")
    else:
        text, title = "Coming sessions", f"Sessions in the next {listed} days"
        views = services.sessions.upcoming(int(listed))
        empty = "There are no sessions planned yet." if easy else "No sessions are planned yet."
    drawn = blocks.sessions_list(views, services.settings.timezone, title=title, empty=empty,
                                 reader=reader, listed=listed, easy_read=easy,
                                 new_button=reader.coordinator and listed != blocks.MINE)
    message = {"text": text, "blocks": [*(said_first or []), *drawn]}
    return shown_to(message, style, services.settings.coprod_crisis_line)


def handle_new_session_button(ack: Ack, body: dict, client: WebClient,
                              services: Services, respond: Respond) -> None:
    ack()
    if not services.sessions.is_coordinator(payloads.actor(body)):
        respond(replace_original=False, response_type="ephemeral",
                text="Only a coordinator can set up sessions.")
        return
    client.views_open(trigger_id=payloads.trigger_id(body), view=blocks.session_form())


def _number(state: dict[str, Any], block: BlockId, default: int | None) -> int | None:
    value = field(state, block).get("value")
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        return -1  # checked by the rules, which explain what is wanted


def parse_session_form(state: dict[str, Any]) -> SessionDraft:
    kind = selected(state, BlockId.SS_KIND)
    day = field(state, BlockId.SS_DAY).get("selected_date")
    start = field(state, BlockId.SS_START).get("selected_time")
    end = field(state, BlockId.SS_END).get("selected_time")
    return SessionDraft(
        title=field(state, BlockId.SS_TITLE).get("value") or "",
        kind=SessionKind(kind) if kind and kind in set(SessionKind) else None,
        day=date.fromisoformat(day) if day else None,
        start_time=time.fromisoformat(start) if start else None,
        end_time=time.fromisoformat(end) if end else None,
        place=field(state, BlockId.SS_PLACE).get("value") or "",
        channel=field(state, BlockId.SS_CHANNEL).get("selected_conversation") or None,
        facilitators_needed=_number(state, BlockId.SS_NEEDED, 2) or 0,
        trained_needed=_number(state, BlockId.SS_TRAINED, 1) or 0,
        places=_number(state, BlockId.SS_PLACES, 3) or 0,
        capacity=_number(state, BlockId.SS_CAPACITY, None),
        repeat=Repeat(selected(state, BlockId.SS_REPEAT) or Repeat.NONE),
    )


def handle_session_form(ack: Ack, body: dict, view: dict, services: Services) -> None:
    draft = parse_session_form(values_of(view))
    session_id = payloads.metadata(view).get("session")
    actor = payloads.actor(body)
    try:
        if session_id:
            saved = [services.sessions.edit(actor, payloads.number(session_id), draft)]
        else:
            saved = services.sessions.create(actor, draft)
    except InvalidSession as invalid:
        ack(response_action="errors",
            errors={blocks.DRAFT_BLOCKS[f]: m for f, m in invalid.errors.items()})
        return
    except NotAllowed as refusal:
        ack(response_action="errors", errors={BlockId.SS_TITLE: str(refusal)})
        return
    except SessionGone:
        ack(response_action="errors",
            errors={BlockId.SS_TITLE: "This session has been cancelled, so it can't be edited."})
        return
    ack(response_action="update",
        view=blocks.session_saved_view(saved, services.settings.timezone,
                                       edited=bool(session_id)))


# -- the card's buttons ----------------------------------------------------------------------
def _redraw(body: dict, respond: Respond, services: Services, view: SessionView) -> None:
    """A clicked card shows the new state at once; the channel's card follows through the
    outbox. An alert with the card's buttons in someone's DM shows the card too, in their
    style. (A /sessions list is redrawn by _redraw_list.)"""
    if body.get("container", {}).get("type") != "message":
        return
    action_blocks = [b for b in body.get("message", {}).get("blocks", [])
                     if str(b.get("block_id", "")).startswith(BlockId.SESSION_ACTIONS)]
    if len(action_blocks) != 1:
        return
    redraw_clicked(body, respond, services, blocks.card_payload,
                   services.sessions.card_for(view.id), services)


def _redraw_list(body: dict, action: dict, respond: Respond, services: Services) -> bool:
    """A click in a /sessions list (which only the person who typed it sees) redraws that
    list in place from the sessions as they are now, as they read it; whether it was one."""
    listed = blocks.list_of_row(str(action.get("block_id", "")))
    if listed is None:
        return False
    respond(replace_original=True, **_sessions_list(payloads.actor(body), listed, services))
    return True


def handle_claim(ack: Ack, body: dict, action: dict, respond: Respond,
                 services: Services, after_ack: AfterAck) -> None:
    ack()
    later(after_ack, respond, "a claim", lambda: _claim(body, action, respond, services))


def _claim(body: dict, action: dict, respond: Respond, services: Services) -> None:
    try:
        outcome = services.rota.claim(payloads.button_number(body), payloads.actor(body))
    except SessionGone:
        answer_privately(body, respond, services, blocks.gone_answer_in)
        _redraw_list(body, action, respond, services)
        return
    answer_privately(body, respond, services, blocks.claim_answer_in, outcome.decision,
                     outcome.session, outcome.coordinators, services.settings.timezone)
    if not _redraw_list(body, action, respond, services) \
            and outcome.decision is ClaimDecision.OK:
        _redraw(body, respond, services, outcome.session)


def handle_release(ack: Ack, body: dict, action: dict, respond: Respond,
                   services: Services, after_ack: AfterAck) -> None:
    ack()
    later(after_ack, respond, "a release", lambda: _release(body, action, respond, services))


def _release(body: dict, action: dict, respond: Respond, services: Services) -> None:
    confirmed = action["action_id"] == ActionId.SESSION_RELEASE_CONFIRMED
    try:
        result = services.rota.release(payloads.button_number(body), payloads.actor(body),
                                           confirmed=confirmed)
    except SessionGone:
        answer_privately(body, respond, services, blocks.gone_answer_in)
        _redraw_list(body, action, respond, services)
        return
    tz = services.settings.timezone
    if result.outcome is Outcome.CONFIRM_LATE_RELEASE:
        answer_privately(body, respond, services, blocks.confirm_release_in, result.session, tz)
        return
    if confirmed:  # the answer takes the place of the question they answered
        if result.outcome is Outcome.NOT_SIGNED_UP and not result.session.cancelled:
            # Asked because they had a place: it was released since (the question answered
            # on App Home, say), so that is what is so now.
            answer_in_place(body, respond, services, blocks.already_released_answer_in,
                            result.session, tz, kept=False)
            return
        outcome = Outcome.CANCELLED if result.session.cancelled else result.outcome
        answer_in_place(body, respond, services, blocks.outcome_answer_in, outcome,
                        result.session, tz)
        return
    answer_privately(body, respond, services, blocks.outcome_answer_in, result.outcome,
                     result.session, tz)
    if not _redraw_list(body, action, respond, services) \
            and result.outcome is Outcome.RELEASED:
        _redraw(body, respond, services, result.session)


def handle_keep_place(ack: Ack, body: dict, respond: Respond, services: Services) -> None:
    """Keep my place changes nothing; it says what is so now, as the question may have been
    answered elsewhere since (the place released from App Home, say)."""
    ack()
    user = payloads.actor(body)
    try:
        view = services.sessions.get(payloads.button_number(body))
    except SessionGone:
        answer_in_place(body, respond, services, blocks.gone_answer_in)
        return
    tz = services.settings.timezone
    if view.cancelled:
        answer_in_place(body, respond, services, blocks.outcome_answer_in, Outcome.CANCELLED,
                        view, tz)
    elif view.facilitated_by(user):
        answer_in_place(body, respond, services, blocks.kept_answer_in)
    else:
        answer_in_place(body, respond, services, blocks.already_released_answer_in, view, tz,
                        kept=True)


def handle_attend(ack: Ack, body: dict, action: dict, respond: Respond,
                  services: Services, after_ack: AfterAck) -> None:
    ack()
    later(after_ack, respond, "an attend click", lambda: _attend(body, action, respond, services))


def handle_cant_come(ack: Ack, body: dict, action: dict, respond: Respond,
                     services: Services, after_ack: AfterAck) -> None:
    ack()
    later(after_ack, respond, "a can't-come click",
          lambda: _attend(body, action, respond, services, wants=False))


def _attend(body: dict, action: dict, respond: Respond, services: Services,
            wants: bool | None = None) -> None:
    try:
        result = services.rota.attend(payloads.button_number(body), payloads.actor(body), wants)
    except SessionGone:
        answer_privately(body, respond, services, blocks.gone_answer_in)
        _redraw_list(body, action, respond, services)
        return
    answer_privately(body, respond, services, blocks.outcome_answer_in, result.outcome,
                     result.session, services.settings.timezone)
    _redraw_list(body, action, respond, services)


def handle_wait(ack: Ack, body: dict, action: dict, respond: Respond,
                services: Services, after_ack: AfterAck) -> None:
    ack()
    later(after_ack, respond, "waiting list", lambda: _wait(body, action, respond, services))


def _wait(body: dict, action: dict, respond: Respond, services: Services) -> None:
    try:
        result = services.rota.join_waiting_list(payloads.button_number(body), payloads.actor(body))
    except SessionGone:
        answer_privately(body, respond, services, blocks.gone_answer_in)
        _redraw_list(body, action, respond, services)
        return
    answer_privately(body, respond, services, blocks.outcome_answer_in, result.outcome,
                     result.session, services.settings.timezone)
    _redraw_list(body, action, respond, services)


def handle_manage(ack: Ack, body: dict, action: dict, client: WebClient, respond: Respond,
                  services: Services) -> None:
    ack()
    what, _, number = payloads.chosen_option(body).partition(":")
    user = payloads.actor(body)
    sessions = services.sessions
    if not sessions.is_coordinator(user):
        say_privately(respond, "Only a coordinator can change or cancel a session.")
        return
    try:
        view = sessions.get(payloads.number(number))
    except SessionGone:
        say_privately(respond, "That session is no longer on the rota.")
        return
    tz = services.settings.timezone
    if what == "cancel":
        # Asked first: one pick from a menu would tell everyone signed up.
        if view.cancelled:
            answer_privately(body, respond, services, blocks.already_cancelled_answer_in)
        else:
            answer_privately(body, respond, services, blocks.cancel_question_in, view, tz)
        return
    local_start, local_end = view.starts_at.astimezone(tz), view.ends_at.astimezone(tz)
    draft = SessionDraft(title=view.title, kind=view.kind, day=local_start.date(),
                         start_time=local_start.time(), end_time=local_end.time(),
                         place=view.place, channel=view.channel_id,
                         facilitators_needed=view.facilitators_needed,
                         trained_needed=view.trained_needed, places=view.places,
                         capacity=view.capacity)
    client.views_open(trigger_id=payloads.trigger_id(body),
                      view=blocks.session_form(draft, session_id=view.id))


def handle_cancel_confirmed(ack: Ack, body: dict, respond: Respond,
                            services: Services) -> None:
    """Yes, cancel it: the answer takes the place of the question."""
    ack()
    try:
        view = services.sessions.cancel(payloads.actor(body), payloads.button_number(body))
    except NotAllowed:
        say_privately(respond, "Only a coordinator can change or cancel a session.")
        return
    except SessionGone:  # cancelled meanwhile (by another coordinator, say)
        answer_in_place(body, respond, services, blocks.already_cancelled_answer_in)
        return
    answer_in_place(body, respond, services, blocks.session_cancelled_answer_in, view)


def handle_cancel_kept(ack: Ack, body: dict, respond: Respond, services: Services) -> None:
    ack()
    try:
        view = services.sessions.get(payloads.button_number(body))
    except SessionGone:
        answer_in_place(body, respond, services, blocks.gone_answer_in)
        return
    if view.cancelled:
        answer_in_place(body, respond, services, blocks.already_cancelled_answer_in)
        return
    answer_in_place(body, respond, services, blocks.session_kept_answer_in, view)


def handle_calendar_link(ack: Ack) -> None:
    # A link button: Slack opens the link and still tells us; there is nothing else to do.
    ack()


def handle_check_in(ack: Ack, body: dict, action: dict, respond: Respond,
                    services: Services) -> None:
    ack()
    debrief = action["action_id"] == ActionId.SESSION_DEBRIEF
    if debrief:
        # "I'm OK" is not stored anywhere: only a request for a debrief is.
        try:
            asked = services.aftercare.ask_for_debrief(payloads.button_number(body),
                                                       payloads.actor(body))
        except SessionGone:
            say_privately(respond, "That session is no longer on the rota.")
            return
        if asked is DebriefAsked.NOT_A_FACILITATOR:
            say_privately(respond, blocks.debrief_refused())
            return
    redraw_clicked(body, respond, services, blocks.check_in_answer_in, debrief)


DEBRIEF_STEPS = {
    ActionId.SESSION_DEBRIEF_ACKNOWLEDGE: RequestStatus.ACKNOWLEDGED,
    ActionId.SESSION_DEBRIEF_ARRANGED: RequestStatus.ARRANGED,
    ActionId.SESSION_DEBRIEF_DECLINE: RequestStatus.DECLINED,
}


def handle_debrief_step(ack: Ack, body: dict, action: dict, respond: Respond,
                        services: Services) -> None:
    """A coordinator takes a debrief on, arranges it or can't: the task they clicked shows it
    at once, the other coordinators' copies and the facilitator follow through the outbox."""
    ack()
    try:
        found = services.aftercare.move_debrief(payloads.button_number(body), payloads.actor(body),
                                                DEBRIEF_STEPS[ActionId(action["action_id"])])
    except NotAllowed as refusal:
        say_privately(respond, str(refusal))
        return
    except SessionGone:
        say_privately(respond, "That debrief request is no longer there.")
        return
    redraw_clicked(body, respond, services, blocks.debrief_request_in, found,
                   services.settings.timezone)
