"""Blocks for sessions: the card, lists, the form, and what facilitators and coordinators get."""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from bot.calendar import calendar_path
from bot.notices import Notice
from bot.rules.communication import Style
from bot.rules.coverage import ClaimDecision, Outcome, coverage_words
from bot.rules.lifecycle import RequestStatus
from bot.rules.policies import InductionNeeded, induction_words
from bot.rules.sessions import SESSION_KIND_WORDS, DraftField, Repeat, SessionDraft, SessionKind
from bot.services.aftercare import CheckIn, DebriefRequested, DebriefStep
from bot.services.rota import CoverageAlert, PlaceOffered
from bot.services.sessions import (
    CallForCover,
    ReleaseAlert,
    SessionCancelled,
    SessionCard,
    SessionChanged,
)
from handlers.blocks.text import (
    Block,
    Payload,
    Renderer,
    View,
    button,
    context,
    escape_mrkdwn,
    header,
    option,
    place_text,
    plain,
    section,
    when,
)
from handlers.ids import ActionId, BlockId, CallbackId

if TYPE_CHECKING:
    from bot.services import Services
    from bot.services.aftercare import DebriefView
    from bot.services.rota import ReleaseView
    from bot.services.sessions import CardView, SessionView


DRAFT_BLOCKS = {
    DraftField.TITLE: BlockId.SS_TITLE,
    DraftField.KIND: BlockId.SS_KIND,
    DraftField.DAY: BlockId.SS_DAY,
    DraftField.START: BlockId.SS_START,
    DraftField.END: BlockId.SS_END,
    DraftField.PLACE: BlockId.SS_PLACE,
    DraftField.NEEDED: BlockId.SS_NEEDED,
    DraftField.TRAINED: BlockId.SS_TRAINED,
    DraftField.PLACES: BlockId.SS_PLACES,
    DraftField.CAPACITY: BlockId.SS_CAPACITY,
}


def when_span(view: SessionView, tz: tzinfo) -> str:
    return f"{when(view.starts_at, tz)}-{view.ends_at.astimezone(tz):%H:%M}"


def _who(view: SessionView) -> str:
    if not view.facilitators:
        return "Nobody yet"
    names = []
    for f in view.facilitators:
        name = f"<@{f.slack_user_id}>" if f.slack_user_id else escape_mrkdwn(f.name)
        names.append(name + (" (trained)" if f.trained else ""))
    return ", ".join(names)


def session_summary(view: SessionView, tz: tzinfo) -> str:
    symbol, words = coverage_words(view.coverage)
    state = ("🚫 Cancelled" if view.cancelled else "Started - places are closed now"
             if view.started else f"{symbol} {words}")
    return (f"*{escape_mrkdwn(view.title)}* · {SESSION_KIND_WORDS[view.kind]}\n"
            f"{when_span(view, tz)} · {place_text(view.place)}\n"
            f"Facilitating: {_who(view)} ({len(view.facilitators)} of {view.places} places)\n"
            f"{state}")


def session_buttons(view: SessionView, public_url: str | None = None,
                    token: str | None = None) -> list[Block]:
    if view.cancelled or view.started:
        return []
    value = str(view.id)
    elements: list[dict[str, Any]] = []
    if view.free_places > 0:
        elements.append(button("Claim a place", ActionId.SESSION_CLAIM, value, "primary"))
    elif view.held_places == 0:
        elements.append(button("Join the waiting list", ActionId.SESSION_WAIT, value))
    elements.append(button("Release my place", ActionId.SESSION_RELEASE, value))
    elements.append(button("I'll attend" if not view.attendance_full else "Attendance full",
                           ActionId.SESSION_ATTEND, value))
    if public_url and token:
        link = button("Add to calendar", ActionId.SESSION_CALENDAR, value)
        link["url"] = public_url.rstrip("/") + calendar_path(view.id, token)
        elements.append(link)
    elements.append({
        "type": "overflow", "action_id": ActionId.SESSION_MANAGE,
        "options": [option("Edit (coordinators)", f"edit:{view.id}"),
                    option("Cancel session (coordinators)", f"cancel:{view.id}")],
    })
    return [{"type": "actions", "block_id": f"{BlockId.SESSION_ACTIONS}:{view.id}",
             "elements": elements}]


def session_card(view: SessionView, tz: tzinfo, public_url: str | None = None,
                 token: str | None = None) -> Payload:
    blocks: list[Block] = [section(session_summary(view, tz))]
    if view.attendees or view.capacity:
        limit = f" of {view.capacity}" if view.capacity else ""
        blocks.append(context(f"{view.attendees}{limit} coming · "
                              f"{view.waiting} on the facilitators' waiting list"))
    blocks += session_buttons(view, public_url, token)
    _, words = coverage_words(view.coverage)
    state = "cancelled" if view.cancelled else "started" if view.started else words.lower()
    return {"text": f"{escape_mrkdwn(view.title)}, {when(view.starts_at, tz)}: {state}",
            "blocks": blocks}


def sessions_list(views: list[SessionView], tz: tzinfo, *, title: str, empty: str,
                  coordinator: bool) -> list[Block]:
    blocks: list[Block] = [header(title)]
    if coordinator:
        blocks.append({"type": "actions", "block_id": BlockId.SESSION_LIST_ACTIONS,
                       "elements": [button("New session", ActionId.SESSION_NEW, "new",
                                           "primary")]})
    if not views:
        blocks.append(section(empty))
    for view in views[:15]:
        blocks.append(section(session_summary(view, tz)))
        blocks += session_buttons(view)
    if len(views) > 15:
        blocks.append(context(f"And {len(views) - 15} more."))
    return blocks


def claim_message(decision: ClaimDecision | InductionNeeded, view: SessionView,
                  coordinators: tuple[str, ...], tz: tzinfo) -> str:
    title = f"*{escape_mrkdwn(view.title)}* ({when(view.starts_at, tz)})"
    if isinstance(decision, InductionNeeded):
        return (f"Thank you for offering to facilitate {title}. "
                f"{escape_mrkdwn(induction_words(decision))}")
    if decision is ClaimDecision.OK:
        symbol, words = coverage_words(view.coverage)
        return f"Thank you - you're facilitating {title}. {symbol} {words}."
    if decision is ClaimDecision.ALREADY:
        return f"You already have a place at {title}."
    if decision is ClaimDecision.FULL:
        return (f"Sorry, that place has just been taken. {title} is full now - you can join "
                "the waiting list and we'll offer you the next place.")
    if decision is ClaimDecision.HELD_FOR_OFFER:
        return (f"The free place at {title} is being offered to someone on the waiting list "
                "for a short while. If they can't take it, it opens to everyone.")
    if decision is ClaimDecision.KEPT_FOR_TRAINED:
        return (f"The last place at {title} is kept for a trained facilitator, so the group "
                "is never run without one. Thank you for offering - you can join the waiting "
                "list in case the rota changes.")
    if decision is ClaimDecision.NOT_A_FACILITATOR:
        who = ", ".join(escape_mrkdwn(c) for c in coordinators) or "a coordinator"
        return (f"Places are for facilitators. If you'd like to facilitate, please ask {who} - "
                "they'll be glad to hear from you. You can still come along with I'll attend.")
    if decision is ClaimDecision.CANCELLED:
        return f"{title} has been cancelled."
    return f"{title} has already started."


def outcome_message(outcome: Outcome, view: SessionView, tz: tzinfo) -> str:
    title = f"*{escape_mrkdwn(view.title)}* ({when(view.starts_at, tz)})"
    return {
        Outcome.RELEASED: f"Your place at {title} is released. Thank you for letting us know.",
        Outcome.NOT_SIGNED_UP: f"You don't have a place at {title}, so there's nothing to "
                               "release.",
        Outcome.ATTENDING: f"Lovely - you're down to come to {title}. See you there.",
        Outcome.NOT_ATTENDING: f"No problem - we've taken you off the list for {title}.",
        Outcome.ATTENDANCE_FULL: f"Sorry, {title} is full. Please ask a coordinator if you'd "
                                 "like to come anyway.",
        Outcome.NOT_IN_DIRECTORY: "You're not in our member list yet. Please ask a coordinator "
                                  "to add you.",
        Outcome.WAITING: f"You're on the waiting list for {title}. We'll message you if a "
                         "place frees up.",
        Outcome.ALREADY_WAITING: f"You're already on the list for {title}.",
        Outcome.OFFER_GONE: f"Sorry, the offer of a place at {title} has passed.",
        Outcome.STARTED: f"{title} has already started.",
        Outcome.CANCELLED: f"{title} has been cancelled.",
        Outcome.CONFIRM_LATE_RELEASE: f"{title} is less than 48 hours away.",
    }[outcome]


def confirm_release(view: SessionView, tz: tzinfo) -> list[Block]:
    return [
        section(f"*{escape_mrkdwn(view.title)}* starts {when(view.starts_at, tz)}, in less than "
                "48 hours. If you release your place now, the coordinators will be told so they "
                "can find cover. That's completely fine - life happens."),
        {"type": "actions", "block_id": f"session_release_confirm:{view.id}", "elements": [
            button("Yes, release my place", ActionId.SESSION_RELEASE_CONFIRMED, str(view.id),
                   "danger"),
            button("Keep my place", ActionId.SESSION_KEEP_PLACE, str(view.id)),
        ]},
    ]


# -- direct messages -------------------------------------------------------------------------
def _dm(text: str, *extra: Block, sms: str | None = None) -> Payload:
    payload: Payload = {"text": text, "blocks": [section(text), *extra]}
    if sms:
        payload["sms"] = sms
    return payload


def _sms_when(view: SessionView, tz: tzinfo) -> str:
    return f"{view.starts_at.astimezone(tz):%a %d %b at %H:%M}"


def changed_dm(view: SessionView, tz: tzinfo) -> Payload:
    return _dm(f"A session you're signed up for has changed:\n{session_summary(view, tz)}",
               sms=f"The session you're signed up for is now {_sms_when(view, tz)}, "
                   f"{view.place[:60]}.")


def cancelled_dm(view: SessionView, tz: tzinfo) -> Payload:
    return _dm(f"Sorry - *{escape_mrkdwn(view.title)}* on {when(view.starts_at, tz)} has been "
               "cancelled.",
               sms=f"The session on {_sms_when(view, tz)} is cancelled. Sorry for any bother.")


def release_alert(found: ReleaseView, tz: tzinfo) -> Payload:
    view = found.session
    symbol, words = coverage_words(view.coverage)
    soon = ", which is less than 48 hours away" if found.late else ""
    return _dm(f"{escape_mrkdwn(found.name)} has released their place at "
               f"*{escape_mrkdwn(view.title)}* ({when(view.starts_at, tz)}){soon}. "
               f"{symbol} {words}.", *session_buttons(view))


def offer_dm(view: SessionView, until: datetime, tz: tzinfo) -> Payload:
    return _dm(
        f"A facilitator place has come up at *{escape_mrkdwn(view.title)}* "
        f"({when_span(view, tz)}). It's yours if you'd like it until "
        f"{until.astimezone(tz):%H:%M}; after that it goes to the next person.",
        {"type": "actions", "block_id": f"session_offer:{view.id}", "elements": [
            button("Take the place", ActionId.SESSION_TAKE_OFFER, str(view.id), "primary")]},
    )


def coverage_alert(view: SessionView, label: str, tz: tzinfo) -> Payload:
    """At 7 days and 72 hours by Slack; only the last, at 24 hours, has words for a text."""
    ahead = {"7d": "less than a week", "72h": "less than three days",
             "24h": "less than a day"}[label]
    symbol, words = coverage_words(view.coverage)
    sms = (f"The session on {_sms_when(view, tz)} is not covered yet. Please check Slack."
           if label == "24h" else None)
    return _dm(f"{symbol} *{escape_mrkdwn(view.title)}* is {ahead} away "
               f"({when(view.starts_at, tz)}) and is not covered yet: {words.lower()}.",
               *session_buttons(view), sms=sms)


def call_for_cover(view: SessionView, tz: tzinfo) -> Payload:
    symbol, words = coverage_words(view.coverage)
    return _dm(f"{symbol} Can you help? *{escape_mrkdwn(view.title)}* on "
               f"{when(view.starts_at, tz)} {words.lower()}.", *session_buttons(view))


def call_for_cover_answered(view: SessionView, tz: tzinfo) -> Payload:
    """A call for cover already posted, once no cover is needed: it says why, with no
    buttons, so nobody offers for a place that is gone."""
    title = f"*{escape_mrkdwn(view.title)}* on {when(view.starts_at, tz)}"
    if view.cancelled:
        return _dm(f"{title} has been cancelled, so no cover is needed. Thank you.")
    if view.coverage.covered:
        return _dm(f"✅ Covered now - thank you. {title} has the facilitators it needs.")
    return _dm(f"{title} has started, so this call for cover is closed. Thank you.")


def check_in_dm(view: SessionView, tz: tzinfo) -> Payload:
    return _dm(
        f"Thank you for facilitating *{escape_mrkdwn(view.title)}* today. How are you after "
        "the session?",
        {"type": "actions", "block_id": f"session_check_in:{view.id}", "elements": [
            button("I'm OK", ActionId.SESSION_OK_AFTER, str(view.id)),
            button("I'd like a debrief", ActionId.SESSION_DEBRIEF, str(view.id)),
        ]},
    )


def check_in_answer(debrief: bool) -> list[Block]:
    if debrief:
        return [section("Thank you for saying. A coordinator will be in touch to arrange a "
                        "debrief. Take care of yourself in the meantime.")]
    return [section("Good to hear. Thank you for all you do - take care.")]


def debrief_refused() -> str:
    return ("Only the facilitators of a session can ask for a debrief after it. If something "
            "about it is on your mind, a coordinator will be glad to talk it through.")


def _by(slack_user_id: str | None) -> str:
    return f"<@{slack_user_id}>" if slack_user_id else "A coordinator"


def debrief_request(found: DebriefView, tz: tzinfo) -> Payload:
    """The coordinators' task: who asked, and the next steps while it is open."""
    view, value, by = found.session, str(found.request_id), _by(found.handled_by)
    arranged = button("Arranged", ActionId.SESSION_DEBRIEF_ARRANGED, value, "primary")
    decline = button("Can't arrange", ActionId.SESSION_DEBRIEF_DECLINE, value)
    extra: list[Block] = {
        RequestStatus.REQUESTED: [{
            "type": "actions", "block_id": f"session_debrief:{found.request_id}",
            "elements": [button("I'll arrange it", ActionId.SESSION_DEBRIEF_ACKNOWLEDGE, value),
                         arranged, decline]}],
        RequestStatus.ACKNOWLEDGED: [
            context(f"{by} is arranging it."),
            {"type": "actions", "block_id": f"session_debrief:{found.request_id}",
             "elements": [arranged, decline]}],
        RequestStatus.ARRANGED: [context(f"Arranged by {by}.")],
        RequestStatus.DECLINED: [context(f"{by} couldn't arrange it.")],
    }[found.status]
    return _dm(f"{escape_mrkdwn(found.name)} would like a debrief after "
               f"*{escape_mrkdwn(view.title)}* ({when(view.starts_at, tz)}).", *extra)


def debrief_step_dm(found: DebriefView, status: RequestStatus) -> Payload:
    """What the facilitator who asked hears at each step."""
    title, by = f"*{escape_mrkdwn(found.session.title)}*", _by(found.handled_by)
    if status is RequestStatus.ACKNOWLEDGED:
        return _dm(f"{by} has seen your request for a debrief after {title} and will be in "
                   "touch to arrange it.")
    if status is RequestStatus.ARRANGED:
        return _dm(f"{by} has arranged your debrief after {title}. They'll be in touch with "
                   "the details.")
    return _dm(f"{by} can't arrange a debrief after {title} just now. If you'd still like "
               "one, please ask another coordinator - it's always fine to ask again.")


# -- the form --------------------------------------------------------------------------------
def session_form(draft: SessionDraft | None = None, *, session_id: int | None = None) -> View:
    draft = draft or SessionDraft(title="", kind=None, day=None, start_time=None,
                                  end_time=None, place="")
    kinds = [option(SESSION_KIND_WORDS[k], k.value) for k in SessionKind]

    def text_input(block: BlockId, label: str, value: str, *, optional: bool = False,
                   hint: str | None = None, max_length: int = 150) -> Block:
        element: dict[str, Any] = {"type": "plain_text_input", "action_id": ActionId.SS_FIELD,
                                   "max_length": max_length}
        if value:
            element["initial_value"] = value
        block_json: Block = {"type": "input", "block_id": block, "label": plain(label),
                             "optional": optional, "element": element}
        if hint:
            block_json["hint"] = plain(hint)
        return block_json

    def number(block: BlockId, label: str, value: int | None, minimum: int, *,
               optional: bool = False) -> Block:
        element: dict[str, Any] = {"type": "number_input", "action_id": ActionId.SS_FIELD,
                                   "is_decimal_allowed": False, "min_value": str(minimum)}
        if value is not None:
            element["initial_value"] = str(value)
        return {"type": "input", "block_id": block, "label": plain(label), "optional": optional,
                "element": element}

    kind_select: dict[str, Any] = {"type": "static_select", "action_id": ActionId.SS_FIELD,
                                   "options": kinds, "placeholder": plain("Choose one")}
    if draft.kind:
        kind_select["initial_option"] = kinds[list(SessionKind).index(draft.kind)]
    day: dict[str, Any] = {"type": "datepicker", "action_id": ActionId.SS_FIELD}
    start: dict[str, Any] = {"type": "timepicker", "action_id": ActionId.SS_FIELD}
    end: dict[str, Any] = {"type": "timepicker", "action_id": ActionId.SS_FIELD}
    if draft.day:
        day["initial_date"] = draft.day.isoformat()
    if draft.start_time:
        start["initial_time"] = f"{draft.start_time:%H:%M}"
    if draft.end_time:
        end["initial_time"] = f"{draft.end_time:%H:%M}"
    channel: dict[str, Any] = {"type": "conversations_select", "action_id": ActionId.SS_FIELD,
                               "filter": {"include": ["public", "private"],
                                          "exclude_bot_users": True}}
    if draft.channel:
        channel["initial_conversation"] = draft.channel

    blocks: list[Block] = [
        text_input(BlockId.SS_TITLE, "Name", draft.title),
        {"type": "input", "block_id": BlockId.SS_KIND, "label": plain("Kind"),
         "element": kind_select},
        {"type": "input", "block_id": BlockId.SS_DAY, "label": plain("Day"), "element": day},
        {"type": "input", "block_id": BlockId.SS_START, "label": plain("Starts"),
         "element": start},
        {"type": "input", "block_id": BlockId.SS_END, "label": plain("Ends"), "element": end},
        text_input(BlockId.SS_PLACE, "Where (or the online link)", draft.place, max_length=300),
        {"type": "input", "block_id": BlockId.SS_CHANNEL, "optional": True,
         "label": plain("Channel for the session card"), "element": channel},
        number(BlockId.SS_NEEDED, "Facilitators needed", draft.facilitators_needed, 2),
        number(BlockId.SS_TRAINED, "Trained facilitators needed", draft.trained_needed, 1),
        number(BlockId.SS_PLACES, "Facilitator places", draft.places, 2),
        number(BlockId.SS_CAPACITY, "Participant places (empty for no limit)", draft.capacity,
               1, optional=True),
    ]
    if session_id is None:
        repeats = [option("Just once", Repeat.NONE), option("Every week", Repeat.WEEKLY),
                   option("Every two weeks", Repeat.FORTNIGHTLY)]
        blocks.append({"type": "input", "block_id": BlockId.SS_REPEAT, "label": plain("Repeat"),
                       "element": {"type": "static_select", "action_id": ActionId.SS_FIELD,
                                   "options": repeats, "initial_option": repeats[0]}})
    return {
        "type": "modal",
        "callback_id": CallbackId.SESSION_FORM,
        "private_metadata": json.dumps({"session": session_id}),
        "title": plain("Edit session" if session_id else "New session"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": blocks,
    }


def session_saved_view(views: list[SessionView], tz: tzinfo, *, edited: bool) -> View:
    first = views[0]
    lines = [f"*{escape_mrkdwn(first.title)}* is {'updated' if edited else 'set up'}: "
             f"{when_span(first, tz)}."]
    if len(views) > 1:
        lines.append(f"{len(views)} sessions are made, up to {when(views[-1].starts_at, tz)}; "
                     "more are added as the weeks go by.")
    if not first.channel_id:
        lines.append("It has no channel, so no card is posted; it shows in `/sessions`.")
    return {"type": "modal", "callback_id": CallbackId.SESSION_FORM,
            "title": plain("Session saved"), "close": plain("Done"),
            "blocks": [section("\n".join(lines))]}


def home_sessions(mine: list[SessionView], needing_cover: list[SessionView], tz: tzinfo,
                  user: str) -> list[Block]:
    blocks: list[Block] = [header("Your next sessions")]
    if not mine:
        blocks.append(section("Nothing booked. `/sessions` shows what's coming up."))
    for view in mine[:5]:
        blocks.append(section(session_summary(view, tz)))
        # Their own way out: a facilitator releases their place, someone coming says they
        # can't after all.
        value = str(view.id)
        way_out = (button("Release my place", ActionId.SESSION_RELEASE, value)
                   if any(f.slack_user_id == user for f in view.facilitators)
                   else button("I can't come after all", ActionId.SESSION_CANT_COME, value))
        blocks.append({"type": "actions", "block_id": f"{BlockId.SESSION_ACTIONS}:mine:{value}",
                       "elements": [way_out]})
    if needing_cover:
        blocks.append(header("Sessions that need cover"))
        for view in needing_cover[:8]:
            blocks.append(section(session_summary(view, tz)))
            blocks += session_buttons(view)
    return blocks


# -- drawing the notices sessions record ---------------------------------------------------------
def card_payload(card: CardView, services: Services) -> Payload:
    """The card as it stands, for its channel and for the card someone just clicked."""
    return session_card(card.session, services.settings.timezone,
                        services.settings.coprod_public_url, card.calendar_token)


def _draw_card(notice: SessionCard, services: Services, style: Style) -> Payload:
    return card_payload(services.sessions.card_for(notice.session_id), services)


def _draw_changed(notice: SessionChanged, services: Services, style: Style) -> Payload:
    return changed_dm(services.sessions.get(notice.session_id), services.settings.timezone)


def _draw_cancelled(notice: SessionCancelled, services: Services, style: Style) -> Payload:
    return cancelled_dm(services.sessions.get(notice.session_id), services.settings.timezone)


def _draw_release_alert(notice: ReleaseAlert, services: Services, style: Style) -> Payload:
    found = services.rota.release_view(notice.session_id, notice.member_id, notice.late)
    return release_alert(found, services.settings.timezone)


def _draw_offer(notice: PlaceOffered, services: Services, style: Style) -> Payload:
    view = services.rota.offer_view(notice.session_id, notice.member_id)
    return offer_dm(view, notice.until, services.settings.timezone)


def _draw_coverage_alert(notice: CoverageAlert, services: Services, style: Style) -> Payload:
    return coverage_alert(services.rota.uncovered_view(notice.session_id), notice.label,
                          services.settings.timezone)


def _draw_call_for_cover(notice: CallForCover, services: Services, style: Style) -> Payload:
    return call_for_cover(services.rota.uncovered_view(notice.session_id),
                          services.settings.timezone)


def _redraw_call_for_cover(notice: CallForCover, services: Services, style: Style) -> Payload:
    """A posted call, drawn again as the session changes: still asking while cover is
    needed, and saying it is answered (covered, cancelled, under way) once it is not."""
    view = services.sessions.get(notice.session_id)
    tz = services.settings.timezone
    if view.cancelled or view.started or view.coverage.covered:
        return call_for_cover_answered(view, tz)
    return call_for_cover(view, tz)


def _draw_check_in(notice: CheckIn, services: Services, style: Style) -> Payload:
    return check_in_dm(services.aftercare.check_in_view(notice.session_id),
                       services.settings.timezone)


def _draw_debrief_request(notice: DebriefRequested, services: Services, style: Style) -> Payload:
    return debrief_request(services.aftercare.debrief_view(notice.request_id),
                           services.settings.timezone)


def _draw_debrief_step(notice: DebriefStep, services: Services, style: Style) -> Payload:
    return debrief_step_dm(services.aftercare.debrief_view(notice.request_id), notice.status)


RENDERERS: dict[type[Notice], Renderer] = {
    SessionCard: _draw_card,
    SessionChanged: _draw_changed,
    SessionCancelled: _draw_cancelled,
    ReleaseAlert: _draw_release_alert,
    PlaceOffered: _draw_offer,
    CoverageAlert: _draw_coverage_alert,
    CallForCover: _draw_call_for_cover,
    CheckIn: _draw_check_in,
    DebriefRequested: _draw_debrief_request,
    DebriefStep: _draw_debrief_step,
}

# Notices drawn differently when a posted copy is redrawn (an update) than when first sent:
# a call for cover no longer needed is not sent at all, but one already posted must say so.
REDRAWERS: dict[type[Notice], Renderer] = {
    CallForCover: _redraw_call_for_cover,
}
