"""Blocks for sessions: the card, lists, the form, and what facilitators and coordinators get."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from bot.calendar import calendar_path
from bot.notices import Notice
from bot.rules.communication import CANCELLED, DONE, Style
from bot.rules.coverage import ClaimDecision, Coverage, Outcome, coverage_words
from bot.rules.forms import is_whole_number
from bot.rules.lifecycle import RequestStatus
from bot.rules.policies import INDUCTION_DOING, InductionNeeded, induction_words, our_title
from bot.rules.sessions import SESSION_KIND_WORDS, DraftField, Repeat, SessionDraft, SessionKind
from bot.rules.sms_text import ONLINE_WORDS, easy_lines_with_place, with_place
from bot.services.aftercare import CheckIn, DebriefRequested, DebriefStep
from bot.services.rota import CoverageAlert, PlaceOffered
from bot.services.sessions import (
    CallForCover,
    ReleaseAlert,
    SessionCancelled,
    SessionCard,
    SessionChanged,
)
from handlers.blocks.easy import (
    easy_day,
    easy_lines,
    easy_message,
    easy_time,
    easy_when,
    in_either_style,
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
    from bot.services.sessions import CardView, FacilitatorView, RotaReader, SessionView


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


# What someone reads about a place they hold, where only they see it.
HAVE_A_PLACE = "You have a place to help run it."
RELEASE_IF_YOU_CANNOT = "If you cannot help now, tap Release my place."
FACILITATING = "*You're facilitating.* If you can't now, tap Release my place."
# The /sessions list of someone's own sessions (the others are the next so many days).
MINE = "mine"
MOST_DAYS = 90  # the longest /sessions list: `/sessions 90`


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
    state = (f"{CANCELLED} Cancelled" if view.cancelled else "Started - places are closed now"
             if view.started else f"{symbol} {words}")
    return (f"*{escape_mrkdwn(view.title)}* · {SESSION_KIND_WORDS[view.kind]}\n"
            f"{when_span(view, tz)} · {place_text(view.place)}\n"
            f"Facilitating: {_who(view)} ({len(view.facilitators)} of {view.places} places)\n"
            f"{state}")


def session_buttons(view: SessionView, public_url: str | None = None,
                    token: str | None = None, reader: RotaReader | None = None, *,
                    listed: str | None = None) -> list[Block]:
    """A session's buttons. A card in a channel (no `reader`) is the same for everyone; drawn
    for one `reader`, a place they hold shows as theirs to release, not to claim, and only
    what their roles allow is offered. In a /sessions list, `listed` says which (see
    list_of_row), so a click in it redraws that list."""
    if view.cancelled or view.started:
        return []
    value = str(view.id)
    elements: list[dict[str, Any]] = []
    theirs = reader is not None and reader.facilitates(view)
    if reader is None or (reader.may_facilitate and not theirs):
        if view.free_places > 0:
            elements.append(button("Claim a place", ActionId.SESSION_CLAIM, value, "primary"))
        elif view.held_places == 0:
            elements.append(button("Join the waiting list", ActionId.SESSION_WAIT, value))
    if reader is None or theirs:
        elements.append(button("Release my place", ActionId.SESSION_RELEASE, value))
    if not theirs:  # someone running it is there anyway: nothing to say they'll attend
        elements.append(button("I'll attend" if not view.attendance_full else "Attendance full",
                               ActionId.SESSION_ATTEND, value))
    if public_url and token:
        link = button("Add to calendar", ActionId.SESSION_CALENDAR, value)
        link["url"] = public_url.rstrip("/") + calendar_path(view.id, token)
        elements.append(link)
    if reader is None or reader.coordinator:
        elements.append({
            "type": "overflow", "action_id": ActionId.SESSION_MANAGE,
            "options": [option("Edit (coordinators)", f"edit:{view.id}"),
                        option("Cancel session (coordinators)", f"cancel:{view.id}")],
        })
    block_id = (f"{BlockId.SESSION_ACTIONS}:{view.id}" if listed is None
                else f"{BlockId.SESSION_LIST_ACTIONS}:{listed}:{view.id}")
    return [{"type": "actions", "block_id": block_id, "elements": elements}]


def list_of_row(block_id: str) -> str | None:
    """Which /sessions list a row's buttons are in ("mine", or its number of days), from the
    block id session_buttons gave them; None for buttons anywhere else (a card, App Home)."""
    prefix = f"{BlockId.SESSION_LIST_ACTIONS}:"
    if not block_id.startswith(prefix):
        return None
    listed = block_id[len(prefix):].partition(":")[0]
    # As /sessions takes it: "mine", or 1 to 90 days (anything else is not a list of ours).
    if listed == MINE or (is_whole_number(listed) and len(listed) <= 2
                          and 0 < int(listed) <= MOST_DAYS):
        return listed
    return None


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
                  reader: RotaReader, new_button: bool, listed: str,
                  easy_read: bool = False) -> list[Block]:
    """A /sessions list, which only its `reader` sees: their buttons, and New session
    (`new_button`, for a coordinator); in easy read each session in short lines, what to do
    last. `listed` ("mine", or the number of days) goes into each row's buttons, so a click
    redraws the same list."""
    blocks: list[Block] = [header(title)]
    if new_button:
        blocks.append({"type": "actions", "block_id": BlockId.SESSION_LIST_ACTIONS,
                       "elements": [button("New session", ActionId.SESSION_NEW, "new",
                                           "primary")]})
    if not views:
        blocks.append(section(empty))
    for view in views[:15]:
        blocks += session_for(view, tz, reader, easy_read=easy_read, listed=listed)
    if len(views) > 15:
        blocks.append(context(f"And {len(views) - 15} more."))
    return blocks


def session_for(view: SessionView, tz: tzinfo, reader: RotaReader, *,
                easy_read: bool = False, listed: str | None = None) -> list[Block]:
    """One session in a list only `reader` sees (App Home, /sessions `listed`): a place they
    hold said to be theirs, and the buttons that are theirs to press."""
    buttons = session_buttons(view, reader=reader, listed=listed)
    if easy_read:
        return [section(easy_summary(view, tz, with_next=True, reader=reader)), *buttons]
    theirs = reader.facilitates(view) and not view.cancelled and not view.started
    return [section(session_summary(view, tz) + (f"\n{FACILITATING}" if theirs else "")),
            *buttons]


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


def _release_buttons(view: SessionView) -> Block:
    return {"type": "actions", "block_id": f"session_release_confirm:{view.id}", "elements": [
        button("Yes, release my place", ActionId.SESSION_RELEASE_CONFIRMED, str(view.id),
               "danger"),
        button("Keep my place", ActionId.SESSION_KEEP_PLACE, str(view.id)),
    ]}


def confirm_release(view: SessionView, tz: tzinfo) -> Payload:
    """Asked before a place is released less than 48 hours ahead."""
    return _dm(f"*{escape_mrkdwn(view.title)}* starts {when(view.starts_at, tz)}, in less than "
               "48 hours. If you release your place now, the coordinators will be told so they "
               "can find cover. That's completely fine - life happens.",
               _release_buttons(view), text="Release your place?")


def _signed_up(view: SessionView) -> str:
    """"2 facilitators and 3 people coming": who hears of a change."""
    taken, coming = len(view.facilitators), view.attendees
    return (f"{taken} facilitator{'' if taken == 1 else 's'} and "
            f"{coming} {'person' if coming == 1 else 'people'} coming")


def _cancel_buttons(view: SessionView) -> Block:
    return {"type": "actions", "block_id": f"session_cancel_confirm:{view.id}", "elements": [
        button("Yes, cancel it", ActionId.SESSION_CANCEL_CONFIRMED, str(view.id), "danger"),
        button("Keep it", ActionId.SESSION_CANCEL_KEPT, str(view.id)),
    ]}


def cancel_question(view: SessionView, tz: tzinfo) -> Payload:
    """Asked before a coordinator's pick of Cancel session tells everyone signed up."""
    return _dm(f"Cancel *{escape_mrkdwn(view.title)}* ({when_span(view, tz)})? Everyone "
               f"signed up ({_signed_up(view)}) will be told it is cancelled. This can't be "
               "undone.", _cancel_buttons(view), text="Cancel this session?")


def easy_cancel_question(view: SessionView, tz: tzinfo) -> Payload:
    return easy_message(
        [f"Do you want to cancel *{escape_mrkdwn(view.title)}*?",
         f"It is on {easy_when(view.starts_at, tz)}.",
         "If you cancel it, we will tell everyone who signed up for it.",
         "You cannot undo this.", "Tap Yes, cancel it. Or tap Keep it."],
        actions=[_cancel_buttons(view)], text="Do you want to cancel this session?")


def session_cancelled_answer(view: SessionView) -> Payload:
    return _dm(f"*{escape_mrkdwn(view.title)}* is cancelled; everyone signed up is told.")


def easy_session_cancelled_answer(view: SessionView) -> Payload:
    return easy_message([f"*{escape_mrkdwn(view.title)}* is cancelled now.",
                         "We are telling everyone who signed up for it."])


def session_kept_answer(view: SessionView) -> Payload:
    return _dm(f"Nothing has changed: *{escape_mrkdwn(view.title)}* goes ahead.")


def easy_session_kept_answer(view: SessionView) -> Payload:
    return easy_message([f"Nothing has changed. *{escape_mrkdwn(view.title)}* will go ahead."])


def already_cancelled_answer() -> Payload:
    return _dm("That session is already cancelled, so there's nothing more to do.")


def easy_already_cancelled_answer() -> Payload:
    return easy_message(["That session is cancelled already.", "There is nothing more to do."])


cancel_question_in = in_either_style(cancel_question, easy_cancel_question)
session_cancelled_answer_in = in_either_style(session_cancelled_answer,
                                              easy_session_cancelled_answer)
session_kept_answer_in = in_either_style(session_kept_answer, easy_session_kept_answer)
already_cancelled_answer_in = in_either_style(already_cancelled_answer,
                                              easy_already_cancelled_answer)


# -- private answers to a click, in the clicker's style (handlers/replies.py answer_privately) --
def claim_answer(decision: ClaimDecision | InductionNeeded, view: SessionView,
                 coordinators: tuple[str, ...], tz: tzinfo) -> Payload:
    return _dm(claim_message(decision, view, coordinators, tz))


def outcome_answer(outcome: Outcome, view: SessionView, tz: tzinfo) -> Payload:
    return _dm(outcome_message(outcome, view, tz))


def gone_answer() -> Payload:
    return _dm("That session is no longer on the rota.")


def kept_answer() -> Payload:
    return _dm("Your place is kept. Thank you!")


def already_released_answer(view: SessionView, tz: tzinfo, *, kept: bool) -> Payload:
    """A question about releasing a place, clicked once the place is released already (the
    question answered elsewhere, on App Home say): what is so now. `kept`: they tapped Keep
    my place."""
    title = f"*{escape_mrkdwn(view.title)}* ({when(view.starts_at, tz)})"
    if kept:
        return _dm(f"Your place at {title} was already released, so there's nothing to keep "
                   "now. If you'd like to help run it after all, `/sessions` shows whether a "
                   "place is free.")
    return _dm(f"That's already done: your place at {title} is released. Thank you for "
               "letting us know.")


# -- direct messages -------------------------------------------------------------------------
def _dm(words: str, *extra: Block, sms: str | None = None, text: str | None = None) -> Payload:
    """A message of one section and any buttons. `text` (what a notification or a screen
    reader says alone) is the words themselves unless given: given when the words begin with a
    picture or a mention."""
    payload: Payload = {"text": text or words, "blocks": [section(words), *extra]}
    if sms:
        payload["sms"] = sms
    return payload


def _sms_when(view: SessionView, tz: tzinfo) -> str:
    return f"{view.starts_at.astimezone(tz):%a %d %b at %H:%M}"


def changed_dm(view: SessionView, tz: tzinfo) -> Payload:
    now = _sms_when(view, tz)
    return _dm(f"A session you're signed up for has changed:\n{session_summary(view, tz)}",
               sms=with_place(lambda where: f"The session you're signed up for is now {now}, "
                                            f"{where}.", view.place),
               text=f"{escape_mrkdwn(view.title)} has changed: it is now "
                    f"{when_span(view, tz)}")


def cancelled_dm(view: SessionView, tz: tzinfo) -> Payload:
    return _dm(f"Sorry - *{escape_mrkdwn(view.title)}* on {when(view.starts_at, tz)} has been "
               "cancelled.",
               sms=f"The session on {_sms_when(view, tz)} is cancelled. Sorry for any bother.")


def release_alert(found: ReleaseView, tz: tzinfo) -> Payload:
    view = found.session
    symbol, words = coverage_words(view.coverage)
    soon = ", which is less than 48 hours away" if found.late else ""
    news = (f"{escape_mrkdwn(found.name)} has released their place at "
            f"*{escape_mrkdwn(view.title)}* ({when(view.starts_at, tz)}){soon}.")
    return _dm(f"{news} {symbol} {words}.", *session_buttons(view), text=f"{news} {words}.")


def _offer_buttons(view: SessionView) -> Block:
    return {"type": "actions", "block_id": f"session_offer:{view.id}", "elements": [
        button("Take the place", ActionId.SESSION_TAKE_OFFER, str(view.id), "primary")]}


def offer_dm(view: SessionView, until: datetime, tz: tzinfo) -> Payload:
    return _dm(
        f"A facilitator place has come up at *{escape_mrkdwn(view.title)}* "
        f"({when_span(view, tz)}). It's yours if you'd like it until "
        f"{until.astimezone(tz):%H:%M}; after that it goes to the next person.",
        _offer_buttons(view),
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
               *session_buttons(view), sms=sms,
               text=f"Not covered yet: {escape_mrkdwn(view.title)}, {when(view.starts_at, tz)}"
                    f", is {ahead} away. {words}.")


def call_for_cover(view: SessionView, tz: tzinfo) -> Payload:
    symbol, words = coverage_words(view.coverage)
    ask = f"Can you help? *{escape_mrkdwn(view.title)}* on {when(view.starts_at, tz)} " \
          f"{words.lower()}."
    return _dm(f"{symbol} {ask}", *session_buttons(view), text=ask)


def call_for_cover_answered(view: SessionView, tz: tzinfo) -> Payload:
    """A call for cover already posted, once no cover is needed: it says why, with no
    buttons, so nobody offers for a place that is gone."""
    title = f"*{escape_mrkdwn(view.title)}* on {when(view.starts_at, tz)}"
    if view.cancelled:
        return _dm(f"{title} has been cancelled, so no cover is needed. Thank you.")
    if view.coverage.covered:
        covered = f"Covered now - thank you. {title} has the facilitators it needs."
        return _dm(f"{DONE} {covered}", text=covered)
    return _dm(f"{title} has started, so this call for cover is closed. Thank you.")


def _check_in_buttons(view: SessionView) -> Block:
    return {"type": "actions", "block_id": f"session_check_in:{view.id}", "elements": [
        button("I'm OK", ActionId.SESSION_OK_AFTER, str(view.id)),
        button("I'd like a debrief", ActionId.SESSION_DEBRIEF, str(view.id)),
    ]}


def check_in_dm(view: SessionView, tz: tzinfo) -> Payload:
    return _dm(
        f"Thank you for facilitating *{escape_mrkdwn(view.title)}* today. How are you after "
        "the session?",
        _check_in_buttons(view),
    )


def check_in_answer(debrief: bool) -> Payload:
    """The check-in, once answered (it is drawn no more after that)."""
    if debrief:
        return _dm("Thank you for saying. A coordinator will be in touch to arrange a "
                   "debrief. Take care of yourself in the meantime.")
    return _dm("Good to hear. Thank you for all you do - take care.")


def debrief_refused() -> str:
    return ("Only the facilitators of a session can ask for a debrief after it. If something "
            "about it is on your mind, a coordinator will be glad to talk it through.")


def _by(slack_user_id: str | None) -> str:
    return f"<@{slack_user_id}>" if slack_user_id else "A coordinator"


def _debrief_buttons(found: DebriefView) -> list[Block]:
    """The next steps of a debrief while it is open; none once it is settled."""
    value = str(found.request_id)
    steps = {
        RequestStatus.REQUESTED: [
            button("I'll arrange it", ActionId.SESSION_DEBRIEF_ACKNOWLEDGE, value)],
        RequestStatus.ACKNOWLEDGED: [],
    }.get(found.status)
    if steps is None:
        return []
    return [{"type": "actions", "block_id": f"session_debrief:{found.request_id}",
             "elements": [*steps,
                          button("Arranged", ActionId.SESSION_DEBRIEF_ARRANGED, value, "primary"),
                          button("Can't arrange", ActionId.SESSION_DEBRIEF_DECLINE, value)]}]


def debrief_request(found: DebriefView, tz: tzinfo) -> Payload:
    """The coordinators' task: who asked, and the next steps while it is open."""
    view, by = found.session, _by(found.handled_by)
    said: list[Block] = {
        RequestStatus.REQUESTED: [],
        RequestStatus.ACKNOWLEDGED: [context(f"{by} is arranging it.")],
        RequestStatus.ARRANGED: [context(f"Arranged by {by}.")],
        RequestStatus.DECLINED: [context(f"{by} couldn't arrange it.")],
    }[found.status]
    return _dm(f"{escape_mrkdwn(found.name)} would like a debrief after "
               f"*{escape_mrkdwn(view.title)}* ({when(view.starts_at, tz)}).", *said,
               *_debrief_buttons(found))


def debrief_step_dm(found: DebriefView, status: RequestStatus) -> Payload:
    """What the facilitator who asked hears at each step."""
    title, by = f"*{escape_mrkdwn(found.session.title)}*", _by(found.handled_by)
    # The notification names the session first: the words begin with a mention.
    about = f"Your debrief after {escape_mrkdwn(found.session.title)}"
    if status is RequestStatus.ACKNOWLEDGED:
        return _dm(f"{by} has seen your request for a debrief after {title} and will be in "
                   "touch to arrange it.", text=f"{about}: your request has been seen")
    if status is RequestStatus.ARRANGED:
        return _dm(f"{by} has arranged your debrief after {title}. They'll be in touch with "
                   "the details.", text=f"{about} is arranged")
    return _dm(f"{by} can't arrange a debrief after {title} just now.\nIf you'd still like "
               "one, please ask another coordinator.\nIt's always fine to ask again.",
               text=f"{about} can't be arranged just now")


# -- easy read ---------------------------------------------------------------------------------
# The same facts as the messages above, in short lines of everyday words (see easy.py). Buttons
# are the standard ones, with the same ids and values, so every handler works unchanged.
def _easy_kind(view: SessionView) -> str:
    """"peer group", "drop-in", "workshop": what the session is, in the organisation's words."""
    return "session" if view.kind is SessionKind.OTHER else SESSION_KIND_WORDS[view.kind].lower()


def _easy_span(view: SessionView, tz: tzinfo) -> str:
    day = easy_day(view.starts_at.astimezone(tz).date())
    return (f"It is on {day}, from {easy_time(view.starts_at, tz)} "
            f"to {easy_time(view.ends_at, tz)}.")




def _is_link(text: str) -> bool:
    return text.startswith(("https://", "http://")) and " " not in text


def easy_place(place: str) -> str:
    """Where a session or meeting is, as easy read says it: "It is at Hope Centre.", "It is
    online." and, with a link to join, the link kept a link."""
    place = place.strip()
    if _is_link(place):
        return "It is online. Use this link to join: " + place_text(place)
    lowered = place.lower()
    way = next((w for w in ONLINE_WORDS if lowered == w or lowered.startswith(w)), None)
    rest = place[len(way):].lstrip() if way else ""
    if way is None or (rest[:1].isalnum() and not _is_link(rest)):
        return f"It is at {place_text(place)}."  # "Online Library" is somewhere to go
    rest = rest.strip(" \t.,:;()[]-\u2013\u2014")
    if not rest:
        return "It is online."
    if _is_link(rest):
        return "It is online. Use this link to join: " + place_text(rest)
    return f"It is online: {escape_mrkdwn(rest)}."


def easy_on(moment: datetime, now: datetime, tz: tzinfo) -> str:
    """"today at 6pm. That is Tuesday 8 December", "tomorrow at 6pm. That is Wednesday 9
    December" or "on Thursday 10 December at 6pm", by the organisation's calendar: what a
    reminder says after "It is". The day stays beside "today" and "tomorrow": a message read
    a day late still points to the right one."""
    local = moment.astimezone(tz)
    ahead = (local.date() - now.astimezone(tz).date()).days
    word = {0: "today", 1: "tomorrow"}.get(ahead)
    if word is None:
        return f"on {easy_when(moment, tz)}"
    # Two short sentences read more easily than one long one.
    return f"{word} at {easy_time(moment, tz)}. That is {easy_day(local.date())}"


def _people(count: int, more: str = "") -> str:
    """"1 person", "2 more people"."""
    return " ".join(word for word in (str(count), more, "person" if count == 1 else "people")
                    if word)


def _easy_cover(coverage: Coverage) -> tuple[str, list[str]]:
    """The cover a session has, as a few words (for a notification) and as lines."""
    if coverage.covered:
        return "Covered", ["It has the people it needs to run it."]
    missing, trained = coverage.missing_facilitators, coverage.missing_trained
    if missing == 0:
        return (f"Needs {_people(trained)} with training",
                [f"It still needs {_people(trained)} who {'has' if trained == 1 else 'have'} "
                 "done the training."])
    if trained == 0:
        return (f"Needs {_people(missing, 'more')} to run it",
                [f"It needs {_people(missing, 'more')} to run it."])
    if trained >= missing:
        return (f"Needs {_people(trained, 'more')} with training",
                [f"It needs {_people(trained, 'more')} to run it.",
                 "They must have done the training." if trained == 1
                 else "They must all have done the training."])
    return (f"Needs {_people(missing, 'more')}, {trained} with training",
            [f"It needs {_people(missing, 'more')} to run it.",
             f"At least {trained} of them must have done the training."])


def _easy_state(view: SessionView) -> tuple[str, list[str]]:
    """Cancelled, started, or its cover: a few words and lines."""
    if view.cancelled:
        return "Cancelled", [f"This {_easy_kind(view)} is cancelled."]
    if view.started:
        return "Started", [f"This {_easy_kind(view)} has started.",
                           "You cannot take a place or say you will come now."]
    return _easy_cover(view.coverage)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _easy_who(view: SessionView) -> list[str]:
    def name(f: FacilitatorView) -> str:
        return f"<@{f.slack_user_id}>" if f.slack_user_id else escape_mrkdwn(f.name)

    taken = len(view.facilitators)
    places = (f"{taken} of the {view.places} places to run it "
              f"{'is' if taken == 1 else 'are'} taken.")
    if not view.facilitators:
        return ["Nobody has a place to run it yet.", places]
    trained = [name(f) for f in view.facilitators if f.trained]
    lines = [f"{_and([name(f) for f in view.facilitators])} "
             f"{'is' if taken == 1 else 'are'} running it."]
    if trained:
        lines.append(f"{_and(trained)} {'has' if len(trained) == 1 else 'have'} done the "
                     "training.")
    return [*lines, places]


def _easy_session(view: SessionView, tz: tzinfo, *, kind_said: bool = False) -> list[str]:
    """Everything the standard summary says: what, when, where, who, and its state."""
    kind = "" if kind_said or view.kind is SessionKind.OTHER \
        else f"This is a {_easy_kind(view)}."
    return [f"*{escape_mrkdwn(view.title)}*", kind, _easy_span(view, tz),
            easy_place(view.place), *_easy_who(view), *_easy_state(view)[1]]


def _easy_next(view: SessionView, reader: RotaReader | None = None) -> list[str]:
    """What the session's buttons let someone do (drawn for `reader`: theirs), as the last
    lines."""
    if view.cancelled or view.started:
        return []
    lines = []
    if reader is not None and reader.facilitates(view):
        return [HAVE_A_PLACE, RELEASE_IF_YOU_CANNOT]  # running it, they are there anyway
    if reader is None or reader.may_facilitate:  # else their roles don't let them run it
        if view.free_places > 0:
            lines.append("Can you help run it? Tap Claim a place.")
        elif view.held_places == 0:
            lines.append("Want to help run it? Tap Join the waiting list.")
    lines.append("No more people can come along now." if view.attendance_full
                 else "Want to come along? Tap I'll attend.")
    return lines


def easy_summary(view: SessionView, tz: tzinfo, *, with_next: bool = False,
                 also: Sequence[str] = (), reader: RotaReader | None = None) -> str:
    """One session in a list or on App Home, as easy read says it: what the standard summary
    says, then `also`, then (`with_next`) what its buttons let someone (`reader`) do."""
    return easy_lines([*_easy_session(view, tz), *also,
                       *(_easy_next(view, reader) if with_next else [])])


def easy_card(view: SessionView, tz: tzinfo, public_url: str | None = None,
              token: str | None = None) -> Payload:
    coming: list[str] = []
    if view.attendees or view.capacity:
        coming.append(f"{_people(view.attendees)} {'is' if view.attendees == 1 else 'are'} "
                      "coming." if view.attendees else "Nobody has said they are coming yet.")
        if view.capacity:
            coming.append(f"There is room for {_people(view.capacity)} to come.")
        coming.append(f"{_people(view.waiting)} {'is' if view.waiting == 1 else 'are'} "
                      "waiting for a place to run it." if view.waiting
                      else "Nobody is waiting for a place to run it.")
    state, _ = _easy_state(view)
    return easy_message([*_easy_session(view, tz), *coming, *_easy_next(view)],
                        actions=session_buttons(view, public_url, token),
                        text=f"{state}: {escape_mrkdwn(view.title)} on "
                             f"{easy_when(view.starts_at, tz)}")


def easy_changed_dm(view: SessionView, tz: tzinfo) -> Payload:
    when_now = easy_when(view.starts_at, tz)
    return easy_message(
        [f"A {_easy_kind(view)} you signed up for has changed.", "This is how it is now.",
         *_easy_session(view, tz, kind_said=True)],
        text=f"{escape_mrkdwn(view.title)} has changed. It is now on {when_now}",
        sms=easy_lines_with_place(["A session you signed up for has changed.",
                                   f"It is now on {when_now}."], view.place, []))


def easy_cancelled_dm(view: SessionView, tz: tzinfo) -> Payload:
    when_was = easy_when(view.starts_at, tz)
    return easy_message(
        [f"Sorry, *{escape_mrkdwn(view.title)}* will not go ahead.", "We have cancelled it.",
         f"It was going to be on {when_was}."],
        text=f"Sorry, {escape_mrkdwn(view.title)} on {when_was} is cancelled",
        sms=["Sorry, a session will not go ahead.", "We have cancelled it.",
             f"It was going to be on {when_was}."])


def easy_release_alert(found: ReleaseView, tz: tzinfo) -> Payload:
    view = found.session
    state, lines = _easy_state(view)
    soon = ["That is less than 2 days from now."] if found.late else []
    name, title = escape_mrkdwn(found.name), escape_mrkdwn(view.title)
    return easy_message(
        [f"{name} has given up their place.", f"They were going to help run *{title}*.",
         f"It is on {easy_when(view.starts_at, tz)}.", *soon, *lines, *_easy_next(view)],
        actions=session_buttons(view),
        text=f"{name} has given up their place at {title}. {state}")


def easy_offer_dm(view: SessionView, until: datetime, tz: tzinfo) -> Payload:
    title = escape_mrkdwn(view.title)
    return easy_message(
        [f"A place to help run *{title}* is free.", _easy_span(view, tz),
         f"The place is yours until {easy_time(until, tz)}.",
         "After that, we offer it to the next person.", "Do you want it? Tap Take the place."],
        actions=[_offer_buttons(view)],
        text=f"A place to help run {title} is yours if you want it")


_AHEAD = {"7d": "less than a week", "72h": "less than 3 days", "24h": "less than a day"}


def easy_coverage_alert(view: SessionView, label: str, tz: tzinfo) -> Payload:
    """As `coverage_alert`: words for a text only at the last warning."""
    when_on, title = easy_when(view.starts_at, tz), escape_mrkdwn(view.title)
    state, lines = _easy_state(view)
    sms = (["A session does not have the people it needs yet.", f"It is on {when_on}.",
            "Please look at Slack."] if label == "24h" else None)
    return easy_message(
        [f"*{title}* does not have the people it needs yet.", f"It is on {when_on}.",
         f"That is {_AHEAD[label]} from now.", *lines, *_easy_next(view)],
        actions=session_buttons(view), sms=sms,
        text=f"Not covered yet: {title} on {when_on}. {state}")


def easy_call_for_cover(view: SessionView, tz: tzinfo) -> Payload:
    state, lines = _easy_state(view)
    title = escape_mrkdwn(view.title)
    return easy_message(
        [f"Can you help run *{title}*?", f"It is on {easy_when(view.starts_at, tz)}.", *lines,
         *_easy_next(view)],
        actions=session_buttons(view), text=f"Can you help run {title}? {state}")


def easy_call_for_cover_answered(view: SessionView, tz: tzinfo) -> Payload:
    """As `call_for_cover_answered`: why no cover is needed now, with no buttons."""
    title = escape_mrkdwn(view.title)
    on = f"It is on {easy_when(view.starts_at, tz)}."
    if view.cancelled:
        return easy_message([f"*{title}* is cancelled.", on, "So nobody is needed to run it.",
                             "Thank you."], text=f"{title} is cancelled, so no help is needed")
    if view.coverage.covered:
        return easy_message([f"*{title}* has the people it needs now.", on, "Thank you."],
                            text=f"Covered now: {title} has the people it needs")
    return easy_message([f"*{title}* has started.", "So we do not need help now.",
                         "Thank you."], text=f"{title} has started, so no help is needed")


def easy_check_in_dm(view: SessionView, tz: tzinfo) -> Payload:
    return easy_message(
        [f"Thank you for helping to run *{escape_mrkdwn(view.title)}* today.",
         "How are you now?", "A debrief is a talk about how the session went.",
         "Tap I'm OK, or tap I'd like a debrief."],
        actions=[_check_in_buttons(view)],
        text=f"Thank you for running {escape_mrkdwn(view.title)}. How are you now?")


def easy_check_in_answer(debrief: bool) -> Payload:
    if debrief:
        return easy_message(["Thank you for telling us.", "A coordinator will get in touch.",
                             "They will set up a debrief with you.",
                             "That is a talk about how the session went.",
                             "Please take care of yourself until then."])
    return easy_message(["Good to hear you are OK.", "Thank you for all you do.",
                         "Take care."])


check_in_answer_in = in_either_style(check_in_answer, easy_check_in_answer)


def easy_debrief_request(found: DebriefView, tz: tzinfo) -> Payload:
    view, by = found.session, _by(found.handled_by)
    name, title = escape_mrkdwn(found.name), escape_mrkdwn(view.title)
    step = {
        RequestStatus.REQUESTED: ["Can you arrange it? Tap I'll arrange it.",
                                  "If it is arranged already, tap Arranged.",
                                  "If nobody can arrange it, tap Can't arrange."],
        RequestStatus.ACKNOWLEDGED: [f"{by} is arranging it.",
                                     "When it is arranged, tap Arranged.",
                                     "If nobody can arrange it, tap Can't arrange."],
        RequestStatus.ARRANGED: [f"{by} has arranged it."],
        RequestStatus.DECLINED: [f"{by} could not arrange it."],
    }[found.status]
    return easy_message(
        [f"{name} would like a debrief.", "A debrief is a talk about how a session went.",
         f"{name} helped run *{title}*.", f"It was on {easy_when(view.starts_at, tz)}.", *step],
        actions=_debrief_buttons(found),
        text=f"{name} would like a debrief after {title}")


debrief_request_in = in_either_style(debrief_request, easy_debrief_request)


def easy_debrief_step_dm(found: DebriefView, status: RequestStatus) -> Payload:
    title, by = escape_mrkdwn(found.session.title), _by(found.handled_by)
    asked = [f"You asked for a debrief after *{title}*.", "That is a talk about how it went."]
    if status is RequestStatus.ACKNOWLEDGED:
        return easy_message([*asked, f"{by} has seen this.",
                             "They will get in touch to arrange it."],
                            text=f"Your debrief after {title}: your request has been seen")
    if status is RequestStatus.ARRANGED:
        return easy_message([*asked, f"{by} has arranged it.",
                             "They will get in touch with the details."],
                            text=f"Your debrief after {title} is arranged")
    return easy_message([*asked, f"{by} can't arrange it just now.",
                         "It is always fine to ask again.", "Do you still want one?",
                         "Then please ask another coordinator."],
                        text=f"Your debrief after {title} can't be arranged just now")


# -- private answers to a click, in easy read -----------------------------------------------------
def _easy_named(view: SessionView, tz: tzinfo) -> list[str]:
    """The session an answer is about: its name, then when it is."""
    return [f"The session is *{escape_mrkdwn(view.title)}*.",
            f"It is on {easy_when(view.starts_at, tz)}."]


def _easy_induction(needed: InductionNeeded) -> list[str]:
    doing = [f"You need to {INDUCTION_DOING[step]}." for step in needed.steps]
    doing += [f"You need to agree to our {escape_mrkdwn(our_title(title))}."
              for title in needed.policies]
    who = " or ".join(escape_mrkdwn(name) for name in needed.helpers) or "A coordinator"
    return ["Before you help run a session, there are things to do first.", *doing,
            f"{who} can help you with this.",
            "Type /involve policies to read and agree to our policies." if needed.policies
            else ""]


def easy_claim_answer(decision: ClaimDecision | InductionNeeded, view: SessionView,
                      coordinators: tuple[str, ...], tz: tzinfo) -> Payload:
    title = f"*{escape_mrkdwn(view.title)}*"
    about = _easy_named(view, tz)
    if isinstance(decision, InductionNeeded):
        lines = ["Thank you for offering to help run a session.", *about,
                 *_easy_induction(decision)]
    elif decision is ClaimDecision.OK:
        lines = [f"Thank you. You have a place to help run {title}.", about[1],
                 *_easy_cover(view.coverage)[1]]
    elif decision is ClaimDecision.ALREADY:
        lines = [f"You already have a place to help run {title}.", about[1]]
    elif decision is ClaimDecision.FULL:
        lines = ["Sorry, someone has just taken that place.", *about, "It is full now.",
                 "You can join the waiting list.", "Then we will offer you the next place."]
    elif decision is ClaimDecision.HELD_FOR_OFFER:
        lines = ["The free place is offered to someone else for a short time.", *about,
                 "They are on the waiting list.", "If they do not take it, anyone can have it."]
    elif decision is ClaimDecision.KEPT_FOR_TRAINED:
        lines = ["The last place is kept for someone who has done the training.", *about,
                 "A session always needs one person with the training.",
                 "Thank you for offering.", "You can join the waiting list in case things change."]
    elif decision is ClaimDecision.NOT_A_FACILITATOR:
        who = " or ".join(escape_mrkdwn(c) for c in coordinators) or "a coordinator"
        lines = ["The places to help run a session are for facilitators.",
                 "Would you like to be a facilitator? Please ask " + who + ".",
                 "They will be glad to hear from you.",
                 "You can still come along. Tap I'll attend."]
    elif decision is ClaimDecision.CANCELLED:
        lines = [f"{title} is cancelled.", about[1]]
    else:
        lines = [f"{title} has started.", about[1]]
    return easy_message(lines)


def easy_outcome_answer(outcome: Outcome, view: SessionView, tz: tzinfo) -> Payload:
    title = f"*{escape_mrkdwn(view.title)}*"
    on = f"It is on {easy_when(view.starts_at, tz)}."
    lines = {
        Outcome.RELEASED: [f"You have given up your place at {title}.", on,
                           "Thank you for telling us."],
        Outcome.NOT_SIGNED_UP: [f"You do not have a place at {title}.", on,
                                "So there is nothing to give up."],
        Outcome.ATTENDING: [f"Lovely. You are coming to {title}.", on, "See you there."],
        Outcome.NOT_ATTENDING: [f"No problem. We have taken you off the list for {title}.",
                                on],
        Outcome.ATTENDANCE_FULL: [f"Sorry, {title} is full.", on,
                                  "Do you still want to come? Please ask a coordinator."],
        Outcome.NOT_IN_DIRECTORY: ["You are not on our list of members yet.",
                                   "Please ask a coordinator to add you."],
        Outcome.WAITING: [f"You are on the waiting list to help run {title}.", on,
                          "We will message you if a place comes up."],
        Outcome.ALREADY_WAITING: [f"You are already on the waiting list for {title}.", on],
        Outcome.OFFER_GONE: [f"Sorry, the place at {title} is not yours now.",
                             "The time to take it has passed."],
        Outcome.STARTED: [f"{title} has started.", on],
        Outcome.CANCELLED: [f"{title} is cancelled.", on],
        Outcome.CONFIRM_LATE_RELEASE: [f"{title} is less than 2 days away.", on],
    }[outcome]
    return easy_message(lines)


def easy_confirm_release(view: SessionView, tz: tzinfo) -> Payload:
    return easy_message(
        [f"You have a place to help run *{escape_mrkdwn(view.title)}*.",
         f"It is on {easy_when(view.starts_at, tz)}.", "That is less than 2 days from now.",
         "If you give up your place, we will tell the coordinators.",
         "Then they can find someone else.", "That is fine. Life happens.",
         "Do you want to give up your place?"],
        actions=[_release_buttons(view)], text="Do you want to give up your place?")


def easy_gone_answer() -> Payload:
    return easy_message(["That session is not on the list now."])


def easy_kept_answer() -> Payload:
    return easy_message(["You still have your place. Thank you."])


def easy_already_released_answer(view: SessionView, tz: tzinfo, *, kept: bool) -> Payload:
    title = f"*{escape_mrkdwn(view.title)}*"
    on = f"It is on {easy_when(view.starts_at, tz)}."
    if kept:
        return easy_message([f"You have already given up your place at {title}.", on,
                             "So there is no place to keep now.",
                             "Do you want to help run it after all?",
                             "Type /sessions to see if there is a free place."])
    return easy_message(["That is done already.",
                         f"You have already given up your place at {title}.", on,
                         "Thank you for telling us."])


claim_answer_in = in_either_style(claim_answer, easy_claim_answer)
outcome_answer_in = in_either_style(outcome_answer, easy_outcome_answer)
confirm_release_in = in_either_style(confirm_release, easy_confirm_release)
gone_answer_in = in_either_style(gone_answer, easy_gone_answer)
kept_answer_in = in_either_style(kept_answer, easy_kept_answer)
already_released_answer_in = in_either_style(already_released_answer,
                                             easy_already_released_answer)


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


HOME_WORDS = {"nothing": "Nothing booked. `/sessions` shows what's coming up.",
              "cover": "Sessions that need cover"}
EASY_HOME_WORDS = {"nothing": "You are not down for any sessions.\n"
                              "Type /sessions to see what is coming up.",
                   "cover": "Sessions that need more people to run them"}


def home_sessions(mine: list[SessionView], needing_cover: list[SessionView], tz: tzinfo,
                  reader: RotaReader, *, easy_read: bool = False) -> list[Block]:
    """App Home: my next sessions with my own way out, and those needing cover (for the rota's
    people), with the buttons that are mine to press; in easy read, each in short lines with
    what to do last."""
    words = EASY_HOME_WORDS if easy_read else HOME_WORDS
    blocks: list[Block] = [header("Your next sessions")]
    if not mine:
        blocks.append(section(words["nothing"]))
    shown = mine[:5]
    for view in shown:
        # Their own way out: a facilitator releases their place, someone coming says they
        # can't after all (and, if they could run it and it needs cover, may claim a place).
        value = str(view.id)
        facilitating = reader.facilitates(view)
        way_out = (button("Release my place", ActionId.SESSION_RELEASE, value) if facilitating
                   else button("I can't come after all", ActionId.SESSION_CANT_COME, value))
        could_run = (not facilitating and reader.may_facilitate and not view.coverage.covered
                     and view.free_places > 0 and not view.started and not view.cancelled)
        claim = [button("Claim a place", ActionId.SESSION_CLAIM, value, "primary")] \
            if could_run else []
        if easy_read:
            mine_now = HAVE_A_PLACE if facilitating else "You said you are coming."
            help_run = ["Can you help run it? Tap Claim a place."] if could_run else []
            out = (RELEASE_IF_YOU_CANNOT if facilitating
                   else "If you cannot come now, tap I can't come after all.")
            blocks.append(section(easy_summary(view, tz, also=[mine_now, *help_run, out])))
        else:
            blocks.append(section(session_summary(view, tz)
                                  + (f"\n{FACILITATING}" if facilitating else "")))
        blocks.append({"type": "actions", "block_id": f"{BlockId.SESSION_ACTIONS}:mine:{value}",
                       "elements": [*claim, way_out]})
    # A session of theirs shows once, above: its row says how it is covered and has the
    # buttons that are theirs (found in the sandbox trial: a facilitator saw his own session
    # again below, offered "I'll attend").
    yours = {view.id for view in shown}
    cover = [view for view in needing_cover if view.id not in yours]
    if cover:
        blocks.append(header(words["cover"]))
        for view in cover[:8]:
            blocks += session_for(view, tz, reader, easy_read=easy_read)
    return blocks


# -- drawing the notices sessions record ---------------------------------------------------------
session_card_in = in_either_style(session_card, easy_card)


def card_payload(style: Style, card: CardView, services: Services) -> Payload:
    """The card as it stands, in its reader's style: for its channel, and for a card (or an
    alert with the card's buttons) someone just clicked."""
    return session_card_in(style, card.session, services.settings.timezone,
                           services.settings.coprod_public_url, card.calendar_token)


def _draw_card(notice: SessionCard, services: Services, style: Style) -> Payload:
    return card_payload(style, services.sessions.card_for(notice.session_id), services)


def _draw_changed(notice: SessionChanged, services: Services, style: Style) -> Payload:
    draw = easy_changed_dm if style.easy_read else changed_dm
    return draw(services.sessions.get(notice.session_id), services.settings.timezone)


def _draw_cancelled(notice: SessionCancelled, services: Services, style: Style) -> Payload:
    draw = easy_cancelled_dm if style.easy_read else cancelled_dm
    return draw(services.sessions.get(notice.session_id), services.settings.timezone)


def _draw_release_alert(notice: ReleaseAlert, services: Services, style: Style) -> Payload:
    found = services.rota.release_view(notice.session_id, notice.member_id, notice.late)
    draw = easy_release_alert if style.easy_read else release_alert
    return draw(found, services.settings.timezone)


def _draw_offer(notice: PlaceOffered, services: Services, style: Style) -> Payload:
    view = services.rota.offer_view(notice.session_id, notice.member_id)
    draw = easy_offer_dm if style.easy_read else offer_dm
    return draw(view, notice.until, services.settings.timezone)


def _draw_coverage_alert(notice: CoverageAlert, services: Services, style: Style) -> Payload:
    draw = easy_coverage_alert if style.easy_read else coverage_alert
    return draw(services.rota.uncovered_view(notice.session_id), notice.label,
                services.settings.timezone)


def _redraw_coverage_alert(notice: CoverageAlert, services: Services,
                           style: Style) -> Payload:
    """An alert already sent, drawn again as the session changes: still asking while cover is
    needed, and saying so (as its call for cover does) once it is not."""
    view = services.sessions.get(notice.session_id)
    tz = services.settings.timezone
    return _answered(view, tz, style) or (
        easy_coverage_alert if style.easy_read else coverage_alert)(view, notice.label, tz)


def _draw_call_for_cover(notice: CallForCover, services: Services, style: Style) -> Payload:
    draw = easy_call_for_cover if style.easy_read else call_for_cover
    return draw(services.rota.uncovered_view(notice.session_id), services.settings.timezone)


def _redraw_call_for_cover(notice: CallForCover, services: Services, style: Style) -> Payload:
    """A posted call, drawn again as the session changes: still asking while cover is
    needed, and saying it is answered (covered, cancelled, under way) once it is not."""
    view = services.sessions.get(notice.session_id)
    tz = services.settings.timezone
    return _answered(view, tz, style) or (
        easy_call_for_cover if style.easy_read else call_for_cover)(view, tz)


def _answered(view: SessionView, tz: tzinfo, style: Style) -> Payload | None:
    """A call for cover or an alert, once no cover is needed: covered, cancelled or under way
    (None while cover is still needed)."""
    if view.cancelled or view.started or view.coverage.covered:
        answered = easy_call_for_cover_answered if style.easy_read else call_for_cover_answered
        return answered(view, tz)
    return None


def _draw_check_in(notice: CheckIn, services: Services, style: Style) -> Payload:
    draw = easy_check_in_dm if style.easy_read else check_in_dm
    return draw(services.aftercare.check_in_view(notice.session_id),
                services.settings.timezone)


def _draw_debrief_request(notice: DebriefRequested, services: Services, style: Style) -> Payload:
    return debrief_request_in(style, services.aftercare.debrief_view(notice.request_id),
                              services.settings.timezone)


def _draw_debrief_step(notice: DebriefStep, services: Services, style: Style) -> Payload:
    draw = easy_debrief_step_dm if style.easy_read else debrief_step_dm
    return draw(services.aftercare.debrief_view(notice.request_id), notice.status)


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
    CoverageAlert: _redraw_coverage_alert,
}
