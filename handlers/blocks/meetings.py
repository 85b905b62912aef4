"""Blocks for meetings: reminders with RSVP, the list, the forms, and presenting to trustees."""

from __future__ import annotations

import enum
import json
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from bot.notices import Notice, NoticeGone
from bot.rules.communication import DONE, NEW_DATE, Style
from bot.rules.lifecycle import RequestStatus
from bot.rules.meetings import (
    AGENDA_KINDS,
    EVERYONE,
    MEETING_KIND_WORDS,
    MeetingKind,
    MeetingRepeat,
)
from bot.rules.policies import our_title
from bot.rules.roles import ROLE_WORDS, Role, role_label
from bot.rules.sessions import SESSION_KIND_WORDS
from bot.rules.sms_text import easy_lines_with_place, with_place
from bot.rules.texting import text_name
from bot.services.meetings import (
    MeetingCancelled,
    MeetingGone,
    MeetingInvitation,
    MeetingReminder,
    MeetingView,
    PresentAnswer,
    PresentRequested,
    PresentView,
    RecordChoices,
)
from bot.services.reminders import SessionReminder
from bot.services.sessions import SessionGone
from handlers.blocks.easy import (
    drawn_in,
    easy_day,
    easy_lines,
    easy_message,
    easy_time,
    easy_when,
    in_either_style,
)
from handlers.blocks.sessions import easy_on, easy_place
from handlers.blocks.text import (
    Block,
    Payload,
    Renderer,
    View,
    are_you_sure,
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
    from bot.services.sessions import SessionView


def _sms_when(moment: datetime, tz: tzinfo) -> str:
    return f"{moment.astimezone(tz):%a %d %b at %H:%M}"


def _names_its_kind(view: MeetingView) -> bool:
    """A meeting called just what it is ("Community meeting"): said once, not twice."""
    title = view.title.strip().rstrip(".").casefold()
    return title in (MEETING_KIND_WORDS[view.kind].casefold(),
                     EASY_KIND_WORDS[view.kind].casefold())


def _easy_kind_line(view: MeetingView) -> str:
    return "" if _names_its_kind(view) else f"This is a {EASY_KIND_WORDS[view.kind]}."


# -- where, in a text -------------------------------------------------------------------------
def summary(view: MeetingView, tz: tzinfo) -> str:
    kind = "" if _names_its_kind(view) else f" · {MEETING_KIND_WORDS[view.kind]}"
    return (f"*{escape_mrkdwn(view.title)}*{kind}\n"
            f"{when(view.starts_at, tz)}-{view.ends_at.astimezone(tz):%H:%M} · "
            f"{place_text(view.place)}")


def rsvp_buttons(view: MeetingView, where: BlockId = BlockId.MT_ACTIONS) -> Block:
    return {"type": "actions", "block_id": f"{where}:{view.id}", "elements": [
        button("Going", ActionId.MEETING_GOING, str(view.id), "primary"),
        button("Can't make it", ActionId.MEETING_NOT_GOING, str(view.id)),
    ]}


# What a reminder by text asks, given the answer its reader had given (None: not yet). No more
# than that they are coming or not: never what the meeting is about.
SMS_ASK: dict[bool | None, str] = {
    None: "Coming? Reply YES or NO.",
    True: "You said you're coming. Reply NO if you can't now.",
    False: "You said you can't come. Reply YES if you can now.",
}
EASY_SMS_ASK: dict[bool | None, list[str]] = {
    None: ["Can you come? Reply YES or NO."],
    True: ["You said you are coming.", "If you cannot come now, reply NO."],
    False: ["You said you cannot come.", "If you can come now, reply YES."],
}


def reminder(view: MeetingView, tz: tzinfo, *, with_agenda: bool,
             answered: bool | None = None) -> Payload:
    blocks: list[Block] = [section(f"Reminder: {summary(view, tz)}")]
    if with_agenda and view.kind in (MeetingKind.FORUM, MeetingKind.COMMUNITY):
        items = "\n".join(f"• {escape_mrkdwn(item)}" for item in view.agenda[:20])
        blocks.append(section("*Agenda so far*\n" + (items or "Nothing yet.")
                              + "\nAdd an item with `/meetings agenda`."))
    blocks.append(rsvp_buttons(view))
    kind, on = MEETING_KIND_WORDS[view.kind], _sms_when(view.starts_at, tz)
    return {"text": f"Reminder: {escape_mrkdwn(view.title)}, {when(view.starts_at, tz)}",
            "blocks": blocks,
            "sms": with_place(lambda where: f"{kind} on {on}, {where}. {SMS_ASK[answered]}",
                              view.place)}


def easy_reminder(view: MeetingView, tz: tzinfo, *, with_agenda: bool,
                  now: datetime, answered: bool | None = None) -> Payload:
    """As `reminder`; on the day or the day before it says "today" or "tomorrow"."""
    kind = EASY_KIND_WORDS[view.kind]
    agenda = _EASY_AGENDA if with_agenda and view.kind in AGENDA_KINDS else []
    on = easy_on(view.starts_at, now, tz)
    return easy_message(
        [f"Reminder: *{escape_mrkdwn(view.title)}*.", _easy_kind_line(view), f"It is {on}.",
         easy_place(view.place), *agenda, "Can you come? Tap Going or Can't make it."],
        actions=[rsvp_buttons(view)],
        text=f"Reminder: {escape_mrkdwn(view.title)} is {on}",
        sms=easy_lines_with_place([f"Reminder: {kind}.", f"It is {on}."], view.place,
                                  EASY_SMS_ASK[answered]))


# Easy read names each kind of meeting without abbreviations; each reads after "a".
EASY_KIND_WORDS: dict[MeetingKind, str] = {
    MeetingKind.FORUM: "service-user forum",
    MeetingKind.COMMUNITY: "community meeting",
    MeetingKind.AGM: "yearly meeting (the AGM)",
    MeetingKind.TRUSTEES: "trustees' meeting",
    MeetingKind.OTHER: "meeting",
}
# Who a meeting is for, as easy read says it ("It is for our ..."): no abbreviations.
EASY_INVITED: dict[Role, str] = {
    Role.MEMBER: "members",
    Role.FACILITATOR: "facilitators",
    Role.TRAINED: "trained facilitators, who have had a safety check",
    Role.COORDINATOR: "coordinators",
    Role.SAFEGUARDING_LEAD: "safeguarding leads",
    Role.HR_OFFICER: "human resources (HR) officers",
    Role.TRUSTEE: "trustees",
}
_EASY_AGENDA = ["You can add something to talk about.", "Type /meetings agenda to do it."]


def _easy_ends(view: MeetingView, tz: tzinfo) -> str:
    return f"It ends at {easy_time(view.ends_at, tz)}."


def invitation(view: MeetingView, tz: tzinfo) -> Payload:
    """A meeting just set up, in its channel and to each person invited."""
    who = ("Everyone is invited." if view.invited == EVERYONE
           else f"Invited: everyone with the {ROLE_WORDS[Role(view.invited)]} role."
           if view.invited in set(Role) else "")
    kind = MEETING_KIND_WORDS[view.kind]
    blocks: list[Block] = [section(f"{NEW_DATE} New: {summary(view, tz)}\n{who} "
                                   "Can you come? Let us know below.")]
    if view.kind in (MeetingKind.FORUM, MeetingKind.COMMUNITY):
        blocks.append(context("`/meetings agenda` adds an item to its agenda."))
    blocks.append(rsvp_buttons(view))
    on = _sms_when(view.starts_at, tz)
    return {"text": f"New: {escape_mrkdwn(view.title)}, {when(view.starts_at, tz)}",
            "blocks": blocks,
            "sms": with_place(lambda where: f"You're invited: {kind} on {on}, {where}. "
                                             "Coming? Reply YES or NO.", view.place)}


def easy_invitation(view: MeetingView, tz: tzinfo) -> Payload:
    kind = EASY_KIND_WORDS[view.kind]
    title = escape_mrkdwn(view.title)
    who = ("Everyone is invited." if view.invited == EVERYONE
           else f"It is for our {EASY_INVITED[Role(view.invited)]}."
           if view.invited in set(Role) else "")
    agenda = _EASY_AGENDA if view.kind in AGENDA_KINDS else []
    return easy_message(
        [f"You are invited to a new meeting: *{title}*.", _easy_kind_line(view),
         f"It is on {easy_when(view.starts_at, tz)}.", _easy_ends(view, tz),
         easy_place(view.place), who, *agenda, "Can you come? Tap Going or Can't make it."],
        actions=[rsvp_buttons(view)],
        text=f"You are invited to {title} on {easy_when(view.starts_at, tz)}",
        sms=easy_lines_with_place([f"You are invited to a {kind}.",
                       f"It is on {easy_when(view.starts_at, tz)}."], view.place,
                      ["Can you come? Reply YES or NO."]))


def _session_kind(view: SessionView) -> str:
    """What a text calls a session: its kind ("Peer group", "Session"), never its title, which
    can say more than a lock screen should ("Hearing voices group")."""
    return text_name(SESSION_KIND_WORDS[view.kind])


def session_reminder(view: SessionView, tz: tzinfo, *, facilitating: bool) -> Payload:
    role = "you're facilitating" if facilitating else "you're coming to"
    text = (f"Reminder: {role} *{escape_mrkdwn(view.title)}*.\n"
            f"It's on {when(view.starts_at, tz)} · {place_text(view.place)}")
    kind, on = _session_kind(view), _sms_when(view.starts_at, tz)

    def sms(where: str) -> str:
        if facilitating:
            return f"Reminder: you're facilitating the {our_title(kind)} on {on}, {where}."
        return f"Reminder: {kind} on {on}, {where}. Still coming? Reply YES or NO."

    return {"text": f"Reminder: {escape_mrkdwn(view.title)}", "blocks": [section(text)],
            "sms": with_place(sms, view.place)}


def easy_session_reminder(view: SessionView, tz: tzinfo, *, facilitating: bool,
                          now: datetime) -> Payload:
    """As `session_reminder`; on the day or the day before it says "today" or "tomorrow"."""
    title = escape_mrkdwn(view.title)
    on = easy_on(view.starts_at, now, tz)
    when_words = f"It is {on}."
    role = (f"Reminder: you are helping to run *{title}*." if facilitating
            else f"Reminder: you are coming to *{title}*.")
    kind = our_title(_session_kind(view))
    texted = (f"Reminder: you are helping to run the {kind}." if facilitating
              else f"Reminder: you are coming to the {kind}.")
    answer = [] if facilitating else ["Are you still coming? Reply YES or NO."]
    return easy_message(
        [role, when_words, easy_place(view.place),
         "Thank you for helping." if facilitating else "See you there."],
        text=f"Reminder: {title} is {on}",
        sms=easy_lines_with_place([texted, when_words], view.place, answer))


def cancelled_notice(view: MeetingView, tz: tzinfo) -> Payload:
    text = (f"Sorry - *{escape_mrkdwn(view.title)}* on {when(view.starts_at, tz)} has been "
            "cancelled.")
    return {"text": text, "blocks": [section(text)],
            "sms": f"The {MEETING_KIND_WORDS[view.kind].lower()} on "
                   f"{_sms_when(view.starts_at, tz)} is cancelled."}


def easy_cancelled(view: MeetingView, tz: tzinfo) -> Payload:
    title = escape_mrkdwn(view.title)
    was = f"It was due to be on {easy_when(view.starts_at, tz)}."
    return easy_message(
        [f"Sorry, we have cancelled *{title}*.", was, "It will not happen now."],
        text=f"Cancelled: {title} on {easy_when(view.starts_at, tz)}",
        sms=[f"Sorry, we have cancelled the {EASY_KIND_WORDS[view.kind]}.", was,
             "It will not happen now."])


def cancelled_copy(view: MeetingView, tz: tzinfo, *, reminder: bool) -> Payload:
    """An invitation or reminder already posted, once its meeting is cancelled: the old
    message marked off, so it reads apart from the one notice that tells them (which says
    sorry), and offers no Going / Can't make it."""
    what = "reminder" if reminder else "invitation"
    title = f"*{escape_mrkdwn(view.title)}* ({when(view.starts_at, tz)})"
    words = (f"This {what} is for a meeting that has been cancelled: {title}. "
             + ("There's nothing to do." if reminder else "There's no need to answer it."))
    return {"text": f"This {what} is for a meeting that has been cancelled",
            "blocks": [context(words)]}


def easy_cancelled_copy(view: MeetingView, tz: tzinfo, *, reminder: bool) -> Payload:
    title = escape_mrkdwn(view.title)
    first = (f"This was a reminder about *{title}*." if reminder
             else f"This was an invitation to *{title}*.")
    return easy_message(
        [first, f"It was going to be on {easy_when(view.starts_at, tz)}.",
         "We have cancelled that meeting.",
         "You do not need to do anything." if reminder else "You do not need to answer."],
        text=f"This {'reminder' if reminder else 'invitation'} is for a meeting that has "
             "been cancelled")


def meetings_list(views: list[MeetingView], tz: tzinfo, *, coordinator: bool,
                  easy_read: bool = False) -> list[Block]:
    """/meetings: what's coming, each with my answer; in easy read each meeting in short
    lines (what coordinators see of everyone's answers stays as it is)."""
    blocks: list[Block] = [header("Coming meetings")]
    if coordinator:
        blocks.append({"type": "actions", "block_id": "meeting_list_actions", "elements": [
            button("New meeting", ActionId.MEETING_NEW, "new", "primary")]})
    if not views:
        blocks.append(section("There are no meetings planned yet." if easy_read
                              else "No meetings are planned yet."))
    for view in views[:12]:
        lines = easy_summary(view, tz) if easy_read else [summary(view, tz), your_answer(view)]
        if coordinator:
            names = ", ".join(escape_mrkdwn(n) for n in view.going[:15])
            lines.append(f"Going ({len(view.going)}): {names or 'nobody yet'}"
                         + (f" · can't make it: {view.not_going}" if view.not_going else ""))
            lines.extend(recorded_lines(view))
        blocks.append(section(easy_lines([*lines, _EASY_ASK]) if easy_read
                              else "\n".join(lines)))
        actions = rsvp_buttons(view, BlockId.MT_LIST_ACTIONS)
        if coordinator:
            # Slack asks before it goes: one click would tell everyone invited.
            cancel = button("Cancel meeting", ActionId.MEETING_CANCEL, str(view.id), "danger",
                            confirm=are_you_sure(
                                "Cancel this meeting?",
                                f"*{escape_mrkdwn(view.title)}* on {when(view.starts_at, tz)} "
                                "will be cancelled, and everyone invited will be told. This "
                                "can't be undone.", "Yes, cancel it"))
            actions["elements"].append(button("Record an answer",
                                              ActionId.MEETING_RECORD_ANSWER, str(view.id)))
            actions["elements"].append(cancel)
        blocks.append(actions)
    blocks.append(context(_EASY_LIST_FOOT if easy_read else
                          "`/meetings agenda` adds an item to the next forum or community "
                          "meeting; `/meetings present` asks to present to the trustees."))
    return blocks


_EASY_LIST_FOOT = ("Type /meetings agenda to add something to talk about.\n"
                   "Type /meetings present to ask to speak to the trustees.")


def your_answer(view: MeetingView) -> str:
    return {True: f"{DONE} You're going", False: "You can't make it",
            None: "You haven't said yet"}[view.my_rsvp]


EASY_ANSWER = {True: "You said you are going.", False: "You said you can't make it.",
               None: "You have not said yet if you can come."}


_EASY_ASK = "Can you come? Tap Going or Can't make it."


def easy_summary(view: MeetingView, tz: tzinfo) -> list[str]:
    """One meeting in a list or on App Home, as easy read says it: what, when, where and my
    answer (what to do goes last, after anything else said of it)."""
    return [f"*{escape_mrkdwn(view.title)}*", _easy_kind_line(view),
            f"It is on {easy_when(view.starts_at, tz)}.", _easy_ends(view, tz),
            easy_place(view.place), EASY_ANSWER[view.my_rsvp]]


def home_meetings(views: list[MeetingView], tz: tzinfo, *,
                  easy_read: bool = False) -> list[Block]:
    """App Home: the next meetings this person is invited to, their answer, and the buttons to
    give or change it (a click redraws Home)."""
    if not views:
        return []
    blocks: list[Block] = [header("Coming meetings")]
    for view in views[:5]:
        blocks.append(section(easy_lines([*easy_summary(view, tz), _EASY_ASK]) if easy_read
                              else f"{summary(view, tz)}\n{your_answer(view)}"))
        blocks.append(rsvp_buttons(view, BlockId.MT_LIST_ACTIONS))
    if len(views) > 5:
        blocks.append(context("Type /meetings to see them all." if easy_read
                              else "`/meetings` shows them all."))
    return blocks


# -- private answers to a click, in the clicker's style (handlers/replies.py answer_privately) --
def rsvp_answer(view: MeetingView, going: bool, tz: tzinfo) -> Payload:
    meeting = f"{escape_mrkdwn(view.title)} ({when(view.starts_at, tz)})"
    words = (f"Thanks - you're down for {meeting}." if going
             else f"Thanks for letting us know you can't make {meeting}.")
    return {"text": words, "blocks": [section(words)]}


def easy_rsvp_answer(view: MeetingView, going: bool, tz: tzinfo) -> Payload:
    title = f"*{escape_mrkdwn(view.title)}*"
    on = f"It is on {easy_when(view.starts_at, tz)}."
    if going:
        return easy_message([f"Thank you. We have you down as going to {title}.", on])
    return easy_message([f"Thank you for telling us you can't make {title}.", on])


rsvp_answer_in = in_either_style(rsvp_answer, easy_rsvp_answer)

class Refusal(enum.Enum):
    """Why a member's answer to a meeting can't be taken."""

    NOT_LISTED = "not listed"
    NOT_INVITED = "not invited"
    CANCELLED = "cancelled"


# What a member is told when their answer can't be taken: the standard words, then easy read.
REFUSALS: dict[Refusal, tuple[str, str]] = {
    Refusal.NOT_LISTED: (
        "You're not in our member list yet. Please ask a coordinator to add you.",
        "You are not on our list of members yet.\nPlease ask a coordinator to add you."),
    Refusal.NOT_INVITED: (
        "Sorry, that meeting isn't one you're invited to. If you think it should be, a "
        "coordinator can help.",
        "Sorry, you are not invited to that meeting.\n"
        "Do you think you should be? A coordinator can help."),
    Refusal.CANCELLED: ("Sorry, that meeting has been cancelled.",
                        "Sorry, that meeting is cancelled."),
}


def refusal(why: Refusal) -> Payload:
    words = REFUSALS[why][0]
    return {"text": words, "blocks": [section(words)]}


def easy_refusal(why: Refusal) -> Payload:
    return easy_message(REFUSALS[why][1].split("\n"))


refusal_in = in_either_style(refusal, easy_refusal)


def recorded_lines(view: MeetingView) -> list[str]:
    """For coordinators: the answers a coordinator recorded, and who recorded each."""
    answer = {True: "going", False: "can't make it"}
    return [f"{escape_mrkdwn(name)}: {answer[going]}, recorded by <@{by}>"
            for name, going, by in view.recorded[:10]]


def record_answer_form(choices: RecordChoices, tz: tzinfo) -> View:
    """A coordinator records an answer someone gave by phone or in person."""
    people = [option(name[:75], str(member_id)) for member_id, name in choices.members]
    meeting = choices.meeting
    return {
        "type": "modal", "callback_id": CallbackId.RECORD_ANSWER_FORM,
        "private_metadata": json.dumps({"meeting": meeting.id}),
        "title": plain("Record an answer"), "submit": plain("Save"), "close": plain("Cancel"),
        "blocks": [
            section(f"For *{escape_mrkdwn(meeting.title)}*, {when(meeting.starts_at, tz)}: an "
                    "answer someone gave by phone or in person. It will show that you "
                    "recorded it."),
            {"type": "input", "block_id": BlockId.RA_MEMBER, "label": plain("Who"),
             "element": {"type": "static_select", "action_id": ActionId.MT_FIELD,
                         "placeholder": plain("Choose a member"), "options": people}},
            {"type": "input", "block_id": BlockId.RA_GOING, "label": plain("Their answer"),
             "element": {"type": "radio_buttons", "action_id": ActionId.MT_FIELD,
                         "options": [option("Going", "yes"), option("Can't make it", "no")]}},
        ],
    }


def recorded_words(name: str, going: bool, view: MeetingView, tz: tzinfo) -> str:
    meeting = f"{escape_mrkdwn(view.title)} ({when(view.starts_at, tz)})"
    return (f"Recorded: {escape_mrkdwn(name)} is going to {meeting}." if going
            else f"Recorded: {escape_mrkdwn(name)} can't make {meeting}.")


def meeting_form() -> View:
    kinds = [option(MEETING_KIND_WORDS[k], k.value) for k in MeetingKind]
    invited = [option("Everyone", EVERYONE)] + [option(role_label(r), r.value)
                                                 for r in Role if r is not Role.MEMBER]
    repeats = [option("Just once", MeetingRepeat.NONE),
               option("Every month, same weekday", MeetingRepeat.MONTHLY),
               option("Every third month, same weekday", MeetingRepeat.QUARTERLY),
               option("Every year, same weekday", MeetingRepeat.YEARLY)]

    def field(block: BlockId, label: str, element: dict[str, Any], optional: bool = False,
              hint: str | None = None) -> Block:
        made: Block = {"type": "input", "block_id": block, "label": plain(label),
                       "optional": optional, "element": {**element,
                                                         "action_id": ActionId.MT_FIELD}}
        if hint:
            made["hint"] = plain(hint)
        return made

    return {
        "type": "modal", "callback_id": CallbackId.MEETING_FORM, "title": plain("New meeting"),
        "submit": plain("Save"), "close": plain("Cancel"),
        "blocks": [
            field(BlockId.MT_TITLE, "Name", {"type": "plain_text_input", "max_length": 150}),
            field(BlockId.MT_KIND, "Kind", {"type": "static_select", "options": kinds}),
            field(BlockId.MT_DAY, "Day", {"type": "datepicker"},
                  hint="A series keeps this weekday: the second Tuesday stays the second "
                       "Tuesday."),
            field(BlockId.MT_START, "Starts", {"type": "timepicker"}),
            field(BlockId.MT_END, "Ends", {"type": "timepicker"}),
            field(BlockId.MT_PLACE, "Where (or the online link)",
                  {"type": "plain_text_input", "max_length": 300}),
            field(BlockId.MT_CHANNEL, "Channel for reminders",
                  {"type": "conversations_select",
                   "filter": {"include": ["public", "private"], "exclude_bot_users": True}},
                  optional=True),
            field(BlockId.MT_INVITED, "Who is invited",
                  {"type": "static_select", "options": invited, "initial_option": invited[0]}),
            field(BlockId.MT_REPEAT, "Repeat",
                  {"type": "static_select", "options": repeats, "initial_option": repeats[0]}),
        ],
    }


def saved_view(views: list[MeetingView], tz: tzinfo, pattern: str) -> View:
    first = views[0]
    lines = [f"*{escape_mrkdwn(first.title)}* is set up: {when(first.starts_at, tz)} ({pattern})."]
    if len(views) > 1:
        lines.append(f"{len(views)} meetings are made, up to {when(views[-1].starts_at, tz)}.")
    lines.append("Reminders go out before each one, with Going / Can't make it.")
    return {"type": "modal", "callback_id": CallbackId.MEETING_FORM,
            "title": plain("Meeting saved"), "close": plain("Done"),
            "blocks": [section("\n".join(lines))]}


def agenda_form(choices: list[MeetingView], tz: tzinfo, *, easy_read: bool = False) -> View:
    def day(v: MeetingView) -> str:
        local = v.starts_at.astimezone(tz)
        return easy_day(local.date()) if easy_read else f"{local:%a %d %b}"

    options = [option(f"{v.title[:40]}, {day(v)}", str(v.id)) for v in choices]
    anonymous = (option("Yes. Keep my name secret.", "anonymous", "We will not know it was you.")
                 if easy_read else
                 option("Add it anonymously", "anonymous",
                        "We won't know it was you, as with anonymous feedback."))
    return drawn_in({
        "type": "modal", "callback_id": CallbackId.AGENDA_FORM, "title": plain("Agenda item"),
        "submit": plain("Add"), "close": plain("Cancel"),
        "blocks": [
            {"type": "input", "block_id": BlockId.AG_MEETING,
             "label": plain("Which meeting is it for?" if easy_read else "For which meeting"),
             "element": {"type": "static_select", "action_id": ActionId.MT_FIELD,
                         "options": options, "initial_option": options[0]}},
            {"type": "input", "block_id": BlockId.AG_TEXT,
             "label": plain("What do you want to talk about?" if easy_read else "Your item"),
             "element": {"type": "plain_text_input", "action_id": ActionId.MT_FIELD,
                         "multiline": True, "max_length": 500}},
            {"type": "input", "block_id": BlockId.AG_ANONYMOUS, "optional": True,
             "label": plain("Do you want to keep your name secret?" if easy_read
                            else "Your name"),
             "element": {"type": "checkboxes", "action_id": ActionId.MT_FIELD,
                         "options": [anonymous]}},
        ],
    }, easy_read=easy_read)


def agenda_item_added(title: str, *, easy_read: bool) -> str:
    if easy_read:
        return easy_lines(["Thank you. We added your item.", f"It is for {escape_mrkdwn(title)}.",
                           "We send the agenda out a week before the meeting."])
    return (f"Thank you. Your item is on the agenda for {escape_mrkdwn(title)}; it goes out "
            "with the reminder a week before.")


def present_form(*, easy_read: bool = False) -> View:
    intro = (easy_lines(["Any member can ask to talk at a trustees' meeting.",
                         "You can talk in the first 15 minutes.",
                         "Tell us what you want to talk about.",
                         "A coordinator will tell you if it is OK."]) if easy_read else
             "Any member can ask to speak in the first fifteen minutes of a trustees' "
             "meeting. Tell us the subject, and a coordinator will confirm.")
    return drawn_in({
        "type": "modal", "callback_id": CallbackId.PRESENT_FORM,
        "title": plain("Present to trustees"), "submit": plain("Ask"), "close": plain("Cancel"),
        "blocks": [
            section(intro),
            {"type": "input", "block_id": BlockId.PR_SUBJECT,
             "label": plain("What do you want to talk about?" if easy_read
                            else "Your subject"),
             "element": {"type": "plain_text_input", "action_id": ActionId.MT_FIELD,
                         "max_length": 300}},
        ],
    }, easy_read=easy_read)


def present_asked(title: str, *, easy_read: bool) -> str:
    if easy_read:
        return easy_lines(["Thank you. We sent your request to the coordinators.",
                           f"It is for {escape_mrkdwn(title)}.",
                           "They will tell you if it is OK."])
    return (f"Thank you. Your request to present at {escape_mrkdwn(title)} has gone to the "
            "coordinators, who will confirm.")


def simple_view(callback: CallbackId, title: str, text: str) -> View:
    return {"type": "modal", "callback_id": callback, "title": plain(title),
            "close": plain("Done"), "blocks": [section(text)]}


PRESENT_STEP_WORDS = {
    RequestStatus.ACKNOWLEDGED: "Seen",
    RequestStatus.ARRANGED: "Accepted",
    RequestStatus.DECLINED: "Another date suggested",
}


def present_request(view: PresentView, tz: tzinfo) -> Payload:
    who = f"<@{view.member_slack_id}>" if view.member_slack_id else escape_mrkdwn(view.member_name)
    blocks: list[Block] = [section(
        f"{who} would like to present at *{escape_mrkdwn(view.meeting.title)}* "
        f"({when(view.meeting.starts_at, tz)}), in the first fifteen minutes.\n"
        f"Subject: {escape_mrkdwn(view.subject)}")]
    if view.status is not RequestStatus.REQUESTED:
        by = f"<@{view.decided_by}>" if view.decided_by else "a coordinator"
        blocks.append(context(f"{PRESENT_STEP_WORDS[view.status]} by {by}."))
    blocks += present_buttons(view)
    return {"text": f"Request to present from {escape_mrkdwn(view.member_name)}",
            "blocks": blocks}


def present_buttons(view: PresentView) -> list[Block]:
    """The answers left to give to a request to present (none once it is closed)."""
    if view.status not in (RequestStatus.REQUESTED, RequestStatus.ACKNOWLEDGED):
        return []
    buttons = [button("Accept", ActionId.PRESENT_ACCEPT, str(view.id), "primary"),
               button("Suggest another date", ActionId.PRESENT_ANOTHER_DATE, str(view.id))]
    if view.status is RequestStatus.REQUESTED:
        buttons.insert(0, button("Seen - looking into it", ActionId.PRESENT_ACKNOWLEDGE,
                                 str(view.id)))
    return [{"type": "actions", "block_id": f"present:{view.id}", "elements": buttons}]


# What easy read says each coordinator did with a request, and what is left to do.
EASY_PRESENT_STEP = {
    RequestStatus.ACKNOWLEDGED: "{by} has seen it and is looking into it.",
    RequestStatus.ARRANGED: "{by} has said yes.",
    RequestStatus.DECLINED: "{by} has asked them to choose another date.",
}
EASY_PRESENT_NEXT = {
    RequestStatus.REQUESTED: "Please answer with one of the buttons below.",
    RequestStatus.ACKNOWLEDGED: "Tap Accept to give them the time, or Suggest another date.",
}


def easy_present_request(view: PresentView, tz: tzinfo) -> Payload:
    who = f"<@{view.member_slack_id}>" if view.member_slack_id else escape_mrkdwn(view.member_name)
    meeting = view.meeting
    done = ""
    if view.status in EASY_PRESENT_STEP:
        by = f"<@{view.decided_by}>" if view.decided_by else "A coordinator"
        done = EASY_PRESENT_STEP[view.status].format(by=by)
    return easy_message(
        [f"{who} would like to speak to the trustees.",
         f"They want to speak at *{escape_mrkdwn(meeting.title)}*.",
         f"It is on {easy_when(meeting.starts_at, tz)}.",
         "They would speak in the first 15 minutes.",
         f"What they want to talk about: {escape_mrkdwn(view.subject)}", done,
         EASY_PRESENT_NEXT.get(view.status, "")],
        actions=present_buttons(view),
        text=f"{escape_mrkdwn(view.member_name)} would like to speak to the trustees")


present_request_in = in_either_style(present_request, easy_present_request)


def present_answer(view: PresentView, step: RequestStatus, tz: tzinfo) -> Payload:
    """What the member who asked to present is told at each step."""
    meeting = f"*{escape_mrkdwn(view.meeting.title)}* ({when(view.meeting.starts_at, tz)})"
    on = _sms_when(view.meeting.starts_at, tz)
    if step is RequestStatus.ARRANGED:
        text = f"Good news: you're on for the first fifteen minutes of {meeting}. Thank you."
        sms = f"Good news: you're on for the first 15 minutes of the trustees' meeting on {on}."
    elif step is RequestStatus.DECLINED:
        text = (f"Thank you for asking to present at {meeting}. That one is full, so a "
                "coordinator will be in touch to find another date with you.")
        sms = (f"The trustees' meeting on {on} is full, so a coordinator will be in touch to "
               "find another date for you to present.")
    else:
        text = (f"A coordinator has seen your request to present at {meeting} and will "
                "confirm soon.")
        sms = ""
    return {"text": text, "blocks": [section(text)], **({"sms": sms} if sms else {})}


_EASY_NEW_DATE = "They will help you find a new date to speak."


def easy_present_answer(view: PresentView, step: RequestStatus, tz: tzinfo) -> Payload:
    title = f"*{escape_mrkdwn(view.meeting.title)}*"
    on = f"It is on {easy_when(view.meeting.starts_at, tz)}."
    if step is RequestStatus.ARRANGED:
        return easy_message(
            [f"Good news: you can speak at {title}.", on,
             "You will speak in the first 15 minutes.", "Thank you."],
            text=f"Good news: you can speak at {escape_mrkdwn(view.meeting.title)}",
            sms=["Good news: you can speak at the trustees' meeting.", on,
                 "You will speak in the first 15 minutes."])
    if step is RequestStatus.DECLINED:
        return easy_message(
            [f"Thank you for asking to speak at {title}.", on, "Sorry, that meeting is full.",
             "A coordinator will get in touch with you.", _EASY_NEW_DATE],
            text=f"Thank you for asking to speak at {escape_mrkdwn(view.meeting.title)}",
            sms=["Sorry, the trustees' meeting is full.", on, "A coordinator will get in touch.",
                 _EASY_NEW_DATE])
    return easy_message(
        ["A coordinator has seen your request.", f"You asked to speak at {title}.", on,
         "They will tell you soon if you can speak."],
        text="A coordinator has seen your request to speak")


# -- drawing the notices meetings and reminders record ------------------------------------------
def _meeting(services: Services, meeting_id: int, *, live: bool) -> MeetingView:
    """The meeting now; a live notice (a reminder) has nothing to say once it is cancelled."""
    try:
        view = services.meetings.get(meeting_id)
    except MeetingGone as gone:
        raise NoticeGone(meeting_id) from gone
    if live and view.cancelled:
        raise NoticeGone(meeting_id)
    return view


def _draw_meeting_reminder(notice: MeetingReminder, services: Services, style: Style) -> Payload:
    view = _meeting(services, notice.meeting_id, live=True)
    tz = services.settings.timezone
    if style.easy_read:
        return easy_reminder(view, tz, with_agenda=notice.with_agenda, now=services.clock(),
                             answered=notice.answered)
    return reminder(view, tz, with_agenda=notice.with_agenda, answered=notice.answered)


def _draw_invitation(notice: MeetingInvitation, services: Services, style: Style) -> Payload:
    view = _meeting(services, notice.meeting_id, live=True)
    if view.starts_at <= services.clock():
        raise NoticeGone(notice.meeting_id)  # an invitation to something begun says nothing
    draw = easy_invitation if style.easy_read else invitation
    return draw(view, services.settings.timezone)


def _redraw_invitation_or_reminder(notice: MeetingInvitation | MeetingReminder,
                                   services: Services, style: Style) -> Payload:
    """A copy already posted, drawn again: once the meeting is cancelled it says so and offers
    no Going / Can't make it; until then it is drawn as it was first."""
    view = _meeting(services, notice.meeting_id, live=False)
    if view.cancelled:
        draw = easy_cancelled_copy if style.easy_read else cancelled_copy
        return draw(view, services.settings.timezone,
                    reminder=isinstance(notice, MeetingReminder))
    if isinstance(notice, MeetingInvitation):
        return _draw_invitation(notice, services, style)
    return _draw_meeting_reminder(notice, services, style)


def _draw_session_reminder(notice: SessionReminder, services: Services, style: Style) -> Payload:
    try:
        view = services.sessions.get(notice.session_id)
    except SessionGone as gone:
        raise NoticeGone(notice.session_id) from gone
    if view.cancelled:
        raise NoticeGone(notice.session_id)
    tz = services.settings.timezone
    if style.easy_read:
        return easy_session_reminder(view, tz, facilitating=notice.facilitating,
                                     now=services.clock())
    return session_reminder(view, tz, facilitating=notice.facilitating)


def _draw_cancelled(notice: MeetingCancelled, services: Services, style: Style) -> Payload:
    draw = easy_cancelled if style.easy_read else cancelled_notice
    return draw(_meeting(services, notice.meeting_id, live=False), services.settings.timezone)


def _present(services: Services, request_id: int) -> PresentView:
    try:
        return services.meetings.present_view(request_id)
    except MeetingGone as gone:
        raise NoticeGone(request_id) from gone


def _draw_present_request(notice: PresentRequested, services: Services, style: Style) -> Payload:
    return present_request_in(style, _present(services, notice.request_id),
                              services.settings.timezone)


def _draw_present_answer(notice: PresentAnswer, services: Services, style: Style) -> Payload:
    draw = easy_present_answer if style.easy_read else present_answer
    return draw(_present(services, notice.request_id), notice.step, services.settings.timezone)


RENDERERS: dict[type[Notice], Renderer] = {
    MeetingReminder: _draw_meeting_reminder,
    MeetingInvitation: _draw_invitation,
    SessionReminder: _draw_session_reminder,
    MeetingCancelled: _draw_cancelled,
    PresentRequested: _draw_present_request,
    PresentAnswer: _draw_present_answer,
}
# For a redraw (an update of a copy already posted), where it differs from the first drawing.
REDRAWERS: dict[type[Notice], Renderer] = {
    MeetingInvitation: _redraw_invitation_or_reminder,
    MeetingReminder: _redraw_invitation_or_reminder,
}
