"""Blocks for sessions: the card, lists, the form, and what facilitators and coordinators get."""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from bot.calendar import calendar_path
from bot.notices import Notice
from bot.rules.coverage import ClaimDecision, coverage_words
from bot.rules.sessions import SESSION_KIND_WORDS, DraftField, Repeat, SessionDraft, SessionKind
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
    from bot.services.sessions import Outcome, SessionView


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
    state = "🚫 Cancelled" if view.cancelled else f"{symbol} {words}"
    return (f"*{escape_mrkdwn(view.title)}* · {SESSION_KIND_WORDS[view.kind]}\n"
            f"{when_span(view, tz)} · {place_text(view.place)}\n"
            f"Facilitating: {_who(view)} ({len(view.facilitators)} of {view.places} places)\n"
            f"{state}")


def session_buttons(view: SessionView, public_url: str | None = None,
                    token: str | None = None) -> list[Block]:
    if view.cancelled:
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
    state = "cancelled" if view.cancelled else words.lower()
    return {"text": f"{view.title}, {when(view.starts_at, tz)}: {state}", "blocks": blocks}


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


def claim_message(decision: ClaimDecision, view: SessionView, coordinators: tuple[str, ...],
                  tz: tzinfo) -> str:
    title = f"*{escape_mrkdwn(view.title)}* ({when(view.starts_at, tz)})"
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
    from bot.services.sessions import Outcome as O

    title = f"*{escape_mrkdwn(view.title)}* ({when(view.starts_at, tz)})"
    return {
        O.RELEASED: f"Your place at {title} is released. Thank you for letting us know.",
        O.NOT_SIGNED_UP: f"You don't have a place at {title}, so there's nothing to release.",
        O.ATTENDING: f"Lovely - you're down to come to {title}. See you there.",
        O.NOT_ATTENDING: f"No problem - we've taken you off the list for {title}.",
        O.ATTENDANCE_FULL: f"Sorry, {title} is full. Please ask a coordinator if you'd like "
                           "to come anyway.",
        O.NOT_IN_DIRECTORY: "You're not in our member list yet. Please ask a coordinator to "
                            "add you.",
        O.WAITING: f"You're on the waiting list for {title}. We'll message you if a place frees "
                   "up.",
        O.ALREADY_WAITING: f"You're already on the list for {title}.",
        O.OFFER_GONE: f"Sorry, the offer of a place at {title} has passed.",
        O.STARTED: f"{title} has already started.",
        O.CANCELLED: f"{title} has been cancelled.",
        O.CONFIRM_LATE_RELEASE: f"{title} is less than 48 hours away.",
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


def release_alert(view: SessionView, name: str, late: bool, tz: tzinfo) -> Payload:
    symbol, words = coverage_words(view.coverage)
    soon = ", which is less than 48 hours away" if late else ""
    return _dm(f"{escape_mrkdwn(name)} has released their place at *{escape_mrkdwn(view.title)}* "
               f"({when(view.starts_at, tz)}){soon}. {symbol} {words}.", *session_buttons(view))


def offer_dm(view: SessionView, until: datetime, tz: tzinfo) -> Payload:
    return _dm(
        f"A facilitator place has come up at *{escape_mrkdwn(view.title)}* "
        f"({when_span(view, tz)}). It's yours if you'd like it until "
        f"{until.astimezone(tz):%H:%M}; after that it goes to the next person.",
        {"type": "actions", "block_id": f"session_offer:{view.id}", "elements": [
            button("Take the place", ActionId.SESSION_TAKE_OFFER, str(view.id), "primary")]},
    )


def coverage_alert(view: SessionView, label: str, tz: tzinfo) -> Payload:
    ahead = {"7d": "less than a week", "72h": "less than three days",
             "24h": "less than a day"}[label]
    symbol, words = coverage_words(view.coverage)
    return _dm(f"{symbol} *{escape_mrkdwn(view.title)}* is {ahead} away "
               f"({when(view.starts_at, tz)}) and is not covered yet: {words.lower()}.",
               *session_buttons(view),
               sms=f"The session on {_sms_when(view, tz)} is not covered yet. Please check "
                   "Slack.")


def call_for_cover(view: SessionView, tz: tzinfo) -> Payload:
    symbol, words = coverage_words(view.coverage)
    return _dm(f"{symbol} Can you help? *{escape_mrkdwn(view.title)}* on "
               f"{when(view.starts_at, tz)} {words.lower()}.", *session_buttons(view))


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


def debrief_request(view: SessionView, name: str, request_id: int, arranged_by: str | None,
                    tz: tzinfo) -> Payload:
    extra: list[Block] = []
    if arranged_by:
        extra.append(context(f"Arranged by <@{arranged_by}>."))
    else:
        extra.append({"type": "actions", "block_id": f"session_debrief:{request_id}",
                      "elements": [button("Arranged", ActionId.SESSION_DEBRIEF_ARRANGED,
                                          str(request_id), "primary")]})
    return _dm(f"{escape_mrkdwn(name)} would like a debrief after *{escape_mrkdwn(view.title)}* "
               f"({when(view.starts_at, tz)}).", *extra)


def debrief_arranged_dm(view: SessionView, actor: str, tz: tzinfo) -> Payload:
    return _dm(f"<@{actor}> has arranged your debrief after *{escape_mrkdwn(view.title)}*. "
               "They'll be in touch with the details.")


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


def home_sessions(mine: list[SessionView], needing_cover: list[SessionView],
                  tz: tzinfo) -> list[Block]:
    blocks: list[Block] = [header("Your next sessions")]
    if not mine:
        blocks.append(section("Nothing booked. `/sessions` shows what's coming up."))
    for view in mine[:5]:
        blocks.append(section(session_summary(view, tz)))
    if needing_cover:
        blocks.append(header("Sessions that need cover"))
        for view in needing_cover[:8]:
            blocks.append(section(session_summary(view, tz)))
            blocks += session_buttons(view)
    return blocks


RENDERERS: dict[type[Notice], Renderer] = {}
