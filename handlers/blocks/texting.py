"""Blocks and words for texts: a member's text relayed to the coordinators, the reply form, and
what we text straight back to a text (standard, or easy read for those who chose it)."""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, assert_never

from bot.notices import Notice, NoticeGone
from bot.rules.communication import Style
from bot.rules.meetings import MEETING_KIND_WORDS, MeetingKind
from bot.rules.policies import our_title
from bot.rules.sessions import SESSION_KIND_WORDS, SessionKind
from bot.rules.sms_text import (
    TWO_PARTS,
    compose_text,
    day_and_time,
    gsm7_length,
    to_gsm7,
    whole_words,
)
from bot.rules.texting import (
    AskWhich,
    Happened,
    RsvpSubject,
    TextBack,
    TextOutcome,
    text_name,
    which_question,
)
from bot.services.texting import RelayedText, ReplyByText, TextGone
from handlers.blocks.easy import easy_day, easy_lines, easy_time, easy_when
from handlers.blocks.meetings import EASY_KIND_WORDS
from handlers.blocks.text import (
    Block,
    Payload,
    Renderer,
    button,
    context,
    escape_mrkdwn,
    plain,
    section,
    text_sections,
)
from handlers.ids import ActionId, BlockId, CallbackId

if TYPE_CHECKING:
    from bot.services import Services


def relayed_text(text_id: int, name: str | None, phone: str, body: str) -> dict[str, Any]:
    who = escape_mrkdwn(name) if name else f"an unknown number ending {phone[-4:]}"
    blocks = [section(f"*Text from {who}:*"), *text_sections(body)]
    if name:
        blocks.append(_reply_button(text_id))
    else:
        blocks.append(context("They are not in the member list, so there is no reply button. "
                              "Add them with `coprod members import` if they should be."))
    return {"text": f"Text from {escape_mrkdwn(name) if name else 'an unknown number'}",
            "blocks": blocks}


def easy_relayed_text(text_id: int, name: str | None, phone: str, body: str) -> Payload:
    if name:
        who = escape_mrkdwn(name)
        said = [f"{who} sent us a text.", "This is what they wrote:"]
        after = ["Tap Reply by text to answer them."]
    else:
        who = "Someone we do not know"
        said = [f"{who} sent us a text.", f"Their phone number ends in {phone[-4:]}.",
                "This is what they wrote:"]
        after = ["They are not on our member list.", "So you cannot reply to them here.",
                 "If they should be on it, add them with `coprod members import`."]
    return {"text": f"{who} sent us a text",
            "blocks": [section(easy_lines(said)), *text_sections(body),
                       section(easy_lines(after)), *([_reply_button(text_id)] if name else [])]}


def _reply_button(text_id: int) -> Block:
    return {"type": "actions", "block_id": f"text_actions:{text_id}",
            "elements": [button("Reply by text", ActionId.TX_REPLY, str(text_id), "primary")]}


def reply_form(text_id: int, name: str) -> dict[str, Any]:
    return {
        "type": "modal", "callback_id": CallbackId.TEXT_REPLY,
        "private_metadata": json.dumps({"text": text_id}),
        "title": plain("Reply by text"), "submit": plain("Send text"), "close": plain("Cancel"),
        "blocks": [
            section(f"To *{escape_mrkdwn(name)}*"),
            {"type": "input", "block_id": BlockId.TX_REPLY_TEXT, "label": plain("Your text"),
             "hint": plain("Kept short and plain; no health details in texts, please."),
             "element": {"type": "plain_text_input", "action_id": ActionId.TX_REPLY_TYPED,
                         "multiline": True, "max_length": TWO_PARTS - 40}},
        ],
    }


def reply_sent_view(name: str) -> dict[str, Any]:
    return {"type": "modal", "callback_id": CallbackId.TEXT_REPLY, "title": plain("Text sent"),
            "close": plain("Done"),
            "blocks": [section(f"Your reply to {escape_mrkdwn(name)} is on its way.")]}


# -- drawing the notices texting records -------------------------------------------------------
def _draw_relayed(notice: RelayedText, services: Services, style: Style) -> Payload:
    try:
        found = services.texting.relayed(notice.text_id)
    except TextGone as gone:
        raise NoticeGone(notice.text_id) from gone
    draw = easy_relayed_text if style.easy_read else relayed_text
    return draw(found.text_id, found.name, found.phone, found.body)


def _draw_reply(notice: ReplyByText, services: Services, style: Style) -> Payload:
    try:
        words = services.texting.reply_words(notice.reply_id)
    except TextGone as gone:
        raise NoticeGone(notice.reply_id) from gone
    if style.easy_read:
        return easy_reply(words, services.settings.coprod_org_name)
    return {"text": escape_mrkdwn(words), "blocks": text_sections(words), "sms": words}


EASY_REPLY_SAYS = "This is our reply to your text:"


def easy_reply(words: str, org_name: str) -> Payload:
    """A coordinator's words can't be put more simply for them, so easy read says first what
    they are; in a text only when that leaves every one of their words in it."""
    framed = f"{EASY_REPLY_SAYS}\n{words}"
    whole = gsm7_length(to_gsm7(f"{org_name}: {framed}")) or TWO_PARTS + 1
    return {"text": f"{EASY_REPLY_SAYS} {escape_mrkdwn(words)}",
            "blocks": [section(EASY_REPLY_SAYS), *text_sections(words)],
            "sms": framed if whole <= TWO_PARTS else words}


RENDERERS: dict[type[Notice], Renderer] = {
    RelayedText: _draw_relayed,
    ReplyByText: _draw_reply,
}


# -- what we text straight back to a text -------------------------------------------------------
def text_back(back: TextBack, *, org_name: str, crisis_line: str, tz: tzinfo) -> str:
    """The reply to someone's text, in their style: the organisation's name first, GSM-7, at
    most two parts. Easy read is one idea a line, and its last line (what to do next) is never
    the one cut. Only kinds of thing, a policy's name, days and times: never a session's or
    meeting's title, never what anyone typed, never a health detail."""
    said = back.said
    if isinstance(said, str):  # a desk's own words, in the standard style
        return compose_text(org_name, said)
    if isinstance(said, AskWhich) and back.style.easy_read:
        lines = _whole_choices(easy_which_lines(said, tz), org_name)
        return compose_text(org_name, easy_lines(lines))
    if isinstance(said, AskWhich):
        return compose_text(org_name, _whole_question(said, org_name))
    if not back.style.easy_read:
        return compose_text(org_name, standard_words(said, crisis_line))
    return compose_text(org_name, easy_lines(easy_words(said, crisis_line, tz)),
                        keep_last_line=True)


def _fits(org_name: str, body: str) -> bool:
    return (gsm7_length(to_gsm7(f"{org_name}: {body}")) or TWO_PARTS + 1) <= TWO_PARTS


def _whole_choices(lines: list[str], org_name: str) -> list[str]:
    """The "which one?" lines that fit in two parts, every choice line whole (a cut one can
    lose what tells two choices apart): the lines above the choices go first, the least
    needed first. The question offers only as many choices as fit whole beside a name of
    NAME_ROOM characters (bot/rules/texting.py `offered_whole`); only beside a longer name do
    the last choices go too, never half of one."""
    kept = list(lines)
    for spare in (MORE_THAN_ONE, WHICH_ONE, lines[0]):
        if _fits(org_name, easy_lines(kept)):
            return kept
        kept.remove(spare)
    while len(kept) > 1 and not _fits(org_name, easy_lines(kept)):
        kept.pop()
    return kept


def _whole_question(ask: AskWhich, org_name: str) -> str:
    """The standard question, its last choice never cut: as `_whole_choices`."""
    choices = ask.choices
    while len(choices) > 1 and not _fits(org_name, which_question(AskWhich(ask.going,
                                                                           choices))):
        choices = choices[:-1]
    return which_question(AskWhich(ask.going, choices))


def standard_words(said: TextOutcome, crisis_line: str) -> str:
    """What happened, in one plain line or two."""
    match said.happened:
        case Happened.STOPPED:
            return "You won't get any more texts from us. Text START to begin again."
        case Happened.STARTED:
            return "You'll get texts from us again. Text STOP to stop, HELP for help."
        case Happened.HELP:
            return ("We text about sessions and meetings. Text STOP to stop. In danger now? "
                    f"Call 999. To talk: {crisis_line}")
        case Happened.PASSED_ON:  # a message may be someone struggling: help now, too
            return ("Thank you, we've passed your message to the team. In danger now? Call "
                    f"999. To talk: {crisis_line}")
        case Happened.UNKNOWN_NUMBER:  # a stranger may be struggling too: help now, too
            return ("Thank you for your text. We don't know this number yet, so we've passed "
                    f"it to the team. In danger now? Call 999. To talk: {crisis_line}")
        case Happened.UNKNOWN_START:
            return ("Thank you. This number isn't on our member list, so we don't send it "
                    "texts. To ask about joining, just text us.")
        case Happened.NO_LONGER_OPEN:
            return ("Sorry, that one has started or been cancelled, so we can't take an answer "
                    "for it now.")
        case Happened.COMING:
            return f"Thanks, you're down for {_standard_name(said)}. See you there."
        case Happened.NOT_COMING:
            return f"Thanks for letting us know you can't come to {_standard_name(said)}."
        case Happened.FULL:
            return f"Sorry, {_standard_name(said)} is full. A coordinator will be in touch."
        case Happened.CANCELLED:
            return f"Sorry, that {our_title(said.what)} has been cancelled."
        case Happened.NOT_INVITED:
            return ("Sorry, we couldn't match your reply to a meeting you're invited to. "
                    "A coordinator can help if you think you should be.")
        case Happened.AGREED:
            return (f"Thank you. We've noted that you've read and agree to our "
                    f"{our_title(said.what)}.")
        case Happened.NOT_AGREED:
            return ("Thank you for letting us know. That's fine - if you'd like to talk about "
                    f"our {our_title(said.what)}, a coordinator will be glad to.")
        case Happened.POLICY_UPDATED:
            return "Thank you. That policy has since been updated, so we'll send you the new one."
        case Happened.CHECK_NOT_UNDERSTOOD:
            return "Sorry, we didn't catch that. Please reply 1, 2 or 3."
        case Happened.CONTACT_ASKED:
            return ("Thank you. We've asked someone to get in touch with you today. In danger "
                    "now? Call 999.")
        case Happened.CONTACT_ALREADY_ASKED:
            return "Thank you. We've already asked someone to get in touch with you."
        case Happened.CHECK_MIXED:
            return ("Thank you for telling us. If you'd like someone to get in touch, just "
                    "reply 3.")
        case Happened.CHECK_WELL:
            return "Thank you for letting us know. Take care."
        case _:
            assert_never(said.happened)


def _standard_name(said: TextOutcome) -> str:
    """"the community meeting on Tue 8 Dec at 18:00"."""
    name = f"the {our_title(text_name(said.what))}"
    return f"{name} on {day_and_time(said.when)}" if said.when else name


def easy_words(said: TextOutcome, crisis_line: str, tz: tzinfo) -> list[str]:
    """What happened in easy read: short sentences, one idea a line, whole day names and
    times as people say them, what to do next last."""
    match said.happened:
        case Happened.STOPPED:  # carriers ask for what it did and how to undo it
            return ["You will not get any more texts from us.",
                    "To get texts again, text START."]
        case Happened.STARTED:
            return ["You will get texts from us again.", "To stop them, text STOP.",
                    "For help, text HELP."]
        case Happened.HELP:
            return ["We send texts about groups and meetings.", "To stop them, text STOP.",
                    "Are you in danger now? Call 999.", f"To talk to someone: {crisis_line}"]
        case Happened.PASSED_ON:
            return ["Thank you for your text.", "We have passed it on to our team.",
                    "Are you in danger now? Call 999.", f"To talk to someone: {crisis_line}"]
        case Happened.UNKNOWN_NUMBER:  # a number we don't know has no style: standard
            return [standard_words(said, crisis_line)]
        case Happened.UNKNOWN_START:  # as above, for now; worded should that ever change
            return ["Thank you.", "This phone number is not on our list.",
                    "So we do not send texts to it.", "Do you want to join us?",
                    "Just send us a text."]
        case Happened.NO_LONGER_OPEN:
            return ["Sorry.", "That one has started, or it is not going ahead.",
                    "So we cannot take your answer for it now."]
        case Happened.COMING:
            return ["Thank you.", f"You are coming to the {_easy_name(said.what)}.",
                    _easy_on(said, tz), "See you there."]
        case Happened.NOT_COMING:
            return ["Thank you for telling us.",
                    f"You cannot come to the {_easy_name(said.what)}.", _easy_on(said, tz),
                    "That is fine."]
        case Happened.FULL:
            return ["Sorry.", f"The {_easy_name(said.what)} is full.", _easy_on(said, tz),
                    "Someone from our team will get in touch."]
        case Happened.CANCELLED:
            return ["Sorry.", f"That {_easy_name(said.what)} is not going ahead now.",
                    "So you do not need to come."]
        case Happened.NOT_INVITED:
            return ["Sorry.", "We could not find a meeting you are invited to.",
                    "Do you think you should be invited?", "Please ask someone in our team."]
        case Happened.AGREED:
            return ["Thank you.", f"You have read our {our_title(said.what)}.",
                    "And you agree with it.", "We have made a note of that."]
        case Happened.NOT_AGREED:
            return ["Thank you for telling us.", "That is fine.",
                    f"Do you want to talk about our {our_title(said.what)}?",
                    "Someone from our team will be glad to.", "Just text us."]
        case Happened.POLICY_UPDATED:
            return ["Thank you.", "We have changed that policy since we sent it.",
                    "We will send you the new one."]
        case Happened.CHECK_NOT_UNDERSTOOD:
            return ["Sorry, we did not understand.", "Please text 1, 2 or 3."]
        case Happened.CONTACT_ASKED:
            return ["Thank you.", "We have asked someone to get in touch with you today.",
                    "Are you in danger now? Call 999."]
        case Happened.CONTACT_ALREADY_ASKED:
            return ["Thank you.", "We have already asked someone to get in touch with you."]
        case Happened.CHECK_MIXED:
            return ["Thank you for telling us.", "Would you like someone to get in touch?",
                    "If you would, text 3."]
        case Happened.CHECK_WELL:
            return ["Thank you for telling us.", "Take care."]
        case _:
            assert_never(said.happened)


# Kinds of meeting and session as easy read names them: no abbreviations, nothing vague.
EASY_NAMES: dict[str, str] = {
    **{MEETING_KIND_WORDS[kind]: EASY_KIND_WORDS[kind] for kind in MeetingKind},
    SESSION_KIND_WORDS[SessionKind.OTHER]: "session",
}


def _easy_name(what: str) -> str:
    """"community meeting", "yearly meeting (the AGM)"."""
    return EASY_NAMES.get(what, our_title(what))


def _easy_on(said: TextOutcome, tz: tzinfo) -> str:
    return f"It is on {easy_when(said.when, tz)}." if said.when else ""


MORE_THAN_ONE = "We sent you more than one."
WHICH_ONE = "Which one is it for?"


def easy_which_lines(ask: AskWhich, tz: tzinfo) -> list[str]:
    """"You said YES." / ... / "Which one is it for?" / "Text 1 for the community meeting on
    Tuesday 8 December." ... one choice a line, with the time too when two share a day."""
    days = [_easy_choice(i.rsvp.subject, i.label, i.starts_at) for i in ask.choices]
    choices = [f"{day} at {easy_time(i.starts_at, tz)}" if days.count(day) > 1 else day
               for day, i in zip(days, ask.choices, strict=True)]
    return [f"You said {'YES' if ask.going else 'NO'}.", MORE_THAN_ONE, WHICH_ONE,
            *(f"Text {n} for {choice}{'' if choice.endswith('.') else '.'}"
              for n, choice in enumerate(choices, start=1))]


def _easy_choice(subject: RsvpSubject, label: str, starts_at: datetime) -> str:
    """"the community meeting on Tuesday 8 December", "our ground rules": names and titles
    cut to whole words, so that three choice lines always fit whole in a text."""
    if subject is RsvpSubject.POLICY:  # its day is when we sent it: not worth a line's room
        return f"our {whole_words(our_title(label), 40) or 'policy'}"
    return f"the {whole_words(_easy_name(label), 30)} on {easy_day(starts_at.date())}"
