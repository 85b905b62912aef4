"""Blocks for the communication profile: the "How we reach you" form (mine, or someone's for a
coordinator), the answer after saving (in the style just chosen), App Home's short summary, and
the ProfileChanged notice a member gets when a coordinator changed it with them."""

from __future__ import annotations

import json
from datetime import time
from typing import TYPE_CHECKING, Any

from bot.notices import Notice
from bot.rules.communication import QuietHours, Reading, Style
from bot.services.profiles import (
    ChangedForThem,
    MemberChoices,
    ProfileChanged,
    ProfileView,
    TextsQuietHours,
)
from handlers.blocks.easy import easy_lines, easy_message
from handlers.blocks.text import (
    Block,
    Payload,
    Renderer,
    View,
    button,
    context,
    crisis_footer,
    escape_mrkdwn,
    option,
    plain,
    section,
)
from handlers.ids import ActionId, BlockId, CallbackId, OptionValue

if TYPE_CHECKING:
    from bot.services import Services

TITLE = "How we reach you"
THEM_TITLE = "How we reach them"
MOST_TITLE = 24  # Slack's longest modal title
CONTACT_WORDS = {"slack": "Slack messages", "sms": "Texts", "both": "Both"}
# How each way of being reached reads in a sentence ("Messages come by ...").
CONTACT_IN_WORDS = {"slack": "Slack", "sms": "text", "both": "Slack and text"}
EASY_READ_MEANS = "Short sentences, one idea a line, everyday words"
URGENT_STILL_COME = "Urgent safety messages still come in these hours."
URGENT_STILL = "urgent safety messages still come"
BOTH_TIMES = "Choose both times, or No quiet hours."
ADD_MY_NUMBER = "Needs a phone number: a coordinator can add it"
# Someone else's form: where the coordinator adds the number (README, Members CSV).
ADD_THEIR_NUMBER = "Needs their phone number: add it to the members CSV (coprod members import)"
HOURS = tuple(time(hour) for hour in range(24))


# -- words -------------------------------------------------------------------------------------
def clock_words(moment: time) -> str:
    """"21:00 (9pm)", as the hour choices show a time."""
    return f"{moment:%H:%M} ({_easy_clock(moment)})"


def _easy_clock(moment: time) -> str:
    """"9pm", "8:30am", "12 noon", "12 midnight"."""
    if moment.minute == 0 and moment.hour in (0, 12):
        return "12 midnight" if moment.hour == 0 else "12 noon"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def quiet_words(quiet: QuietHours | None, *, easy: bool = False, whose: str = "You") -> str:
    if quiet is None:
        return "none" if not easy else f"{whose} have no quiet hours."
    if easy:
        return (f"We do not send them from {_easy_clock(quiet.start)} to "
                f"{_easy_clock(quiet.end)}.")
    return f"{quiet.start:%H:%M} to {quiet.end:%H:%M}"


def profile_lines(profile: ProfileView, *, mine: bool = True) -> list[str]:
    """The choices in words, standard style: one line each, and the quiet hours that hold
    their messages last (`mine`: said to the person whose they are)."""
    return [f"Messages come by: {CONTACT_IN_WORDS[profile.contact.value]}",
            "Written: " + ("easy read" if profile.reading is Reading.EASY_READ
                           else "standard"),
            "Screen reader: " + ("yes, words only, no emoji" if profile.screen_reader
                                 else "no"),
            *quiet_lines(profile.quiet, profile.texts_quiet, mine=mine)]


def easy_profile_lines(profile: ProfileView, *, mine: bool = True) -> list[str]:
    """The choices in easy read: one short idea a line (`mine`: said to the person whose they
    are; otherwise to a coordinator, about them), the quiet hours that hold them last."""
    your = "your" if mine else "their"
    lines = [f"We send {your} messages by {CONTACT_IN_WORDS[profile.contact.value]}.",
             "They are in easy read." if profile.reading is Reading.EASY_READ
             else "They are written the standard way."]
    if profile.screen_reader:
        lines.append("They have words only, no emoji.")
    return [*lines, *easy_quiet_lines(profile, mine=mine)]


# -- the form ------------------------------------------------------------------------------------
def _radio(block_id: str, label: str, options: list[dict[str, Any]], chosen: str | None,
           hint: str | None = None) -> Block:
    element: dict[str, Any] = {"type": "radio_buttons", "action_id": ActionId.PR_FIELD,
                               "options": options}
    initial = [o for o in options if o["value"] == chosen]
    if initial:
        element["initial_option"] = initial[0]
    block: Block = {"type": "input", "block_id": block_id, "label": plain(label),
                    "element": element}
    if hint:
        block["hint"] = plain(hint)
    return block


def _tick(block_id: str, label: str, value: str, words: str, ticked: bool, *,
          optional: bool = True) -> Block:
    choice = option(words, value)
    element: dict[str, Any] = {"type": "checkboxes", "action_id": ActionId.PR_FIELD,
                               "options": [choice]}
    if ticked:
        element["initial_options"] = [choice]
    return {"type": "input", "block_id": block_id, "optional": optional, "label": plain(label),
            "element": element}


def _hours(block_id: str, label: str, chosen: time | None, hint: str) -> Block:
    """One end of the quiet hours. Both lists offer "No quiet hours" (either means none) and
    show nothing chosen while there are none, so a time chosen on its own is asked about."""
    moments = sorted({*HOURS, *([chosen] if chosen is not None else [])})
    options = [option("No quiet hours", OptionValue.NO_QUIET_HOURS)]
    options += [option(clock_words(m), f"{m:%H:%M}") for m in moments]
    element: dict[str, Any] = {"type": "static_select", "action_id": ActionId.PR_FIELD,
                               "placeholder": plain("Choose a time"), "options": options}
    if chosen is not None:
        element["initial_option"] = next(o for o in options if o["value"] == f"{chosen:%H:%M}")
    return {"type": "input", "block_id": block_id, "optional": True, "label": plain(label),
            "element": element, "hint": plain(hint)}


def title_for(name: str) -> str:
    """"How we reach Dev Patel", or "How we reach them" when the name is too long for Slack's
    title (the form's first words name them)."""
    title = f"How we reach {name}"
    return title if len(title) <= MOST_TITLE else THEM_TITLE


def why_unreachable(profile: ProfileView) -> str:
    """Why nothing we send can reach them, in a coordinator's words."""
    slack = ("they don't use Slack with us" if not profile.has_slack
             else "they chose texts only")
    texts = ("we have no phone number for them" if not profile.has_phone
             else "they haven't agreed to texts")
    return f"{slack}, and {texts}"


def profile_form(profile: ProfileView, *, crisis_line: str, for_someone: bool = False,
                 from_home: bool = False) -> View:
    """How we reach you (or, for a coordinator, them): how, how messages are written, the
    screen-reader setting and quiet hours, with what they hold now already chosen."""
    me = "them" if for_someone else "me"
    # My own form is in the words I chose: someone who reads easy read changes it in easy read.
    easy = not for_someone and profile.reading is Reading.EASY_READ
    contacts = (["slack", "sms", "both"] if profile.has_slack else ["sms"])
    no_number = ADD_THEIR_NUMBER if for_someone else ADD_MY_NUMBER
    contact_options = [option(CONTACT_WORDS[c], c,
                              None if profile.has_phone or c == "slack" else no_number)
                       for c in contacts]
    name = escape_mrkdwn(profile.name)
    if for_someone:
        intro = (f"How Coprod reaches *{name}*. Change it only with their agreement: "
                 + ("we'll tell them what changed and how to change it back."
                    if profile.can_be_messaged else
                    f"we have no way to message them ({why_unreachable(profile)}), so please "
                    "tell them yourself what you changed, in person if you can."))
    elif easy:
        intro = easy_lines(["Choose how we send you messages.",
                            "You can change this any time."])
    else:
        intro = "Choose how Coprod reaches you. You can change it any time."
    reading_options = [option("Standard", Reading.STANDARD.value),
                       option("Easy read", Reading.EASY_READ.value, EASY_READ_MEANS)]
    blocks: list[Block] = [
        section(intro),
        _radio(BlockId.PR_CONTACT, "How do you want your messages?" if easy
               else f"How we reach {me}", contact_options, profile.contact.value),
        _radio(BlockId.PR_READING, "How should we write them?" if easy
               else "How messages are written", reading_options, profile.reading.value),
        _tick(BlockId.PR_SCREEN_READER, "Screen reader", OptionValue.SCREEN_READER,
              "I use a screen reader. Send words only, no pictures." if easy else
              ("They use" if for_someone else "I use") + " a screen reader: send words, "
              "no emoji", profile.screen_reader),
        _hours(BlockId.PR_QUIET_FROM, "Quiet hours: do not send me messages from" if easy
               else f"Quiet hours: don't message {me} from",
               profile.quiet.start if profile.quiet else None,
               hint=("Choose both times. Or choose No quiet hours. We still send urgent "
                     "safety messages." if easy else f"{BOTH_TIMES} {URGENT_STILL_COME}")),
        _hours(BlockId.PR_QUIET_UNTIL, "Quiet hours: until",
               profile.quiet.end if profile.quiet else None,
               hint="Choose both times. Or choose No quiet hours." if easy else BOTH_TIMES),
    ]
    if for_someone:
        blocks.append(_tick(BlockId.PR_AGREED, "Their agreement", OptionValue.AGREED,
                            "They agreed to this change", False, optional=False))
    blocks.append(crisis_footer(crisis_line))
    metadata = {"member": profile.member_id} if for_someone else {"home": from_home}
    return {"type": "modal",
            "callback_id": CallbackId.PROFILE_FOR_FORM if for_someone
            else CallbackId.PROFILE_FORM,
            "private_metadata": json.dumps(metadata),
            "title": plain(title_for(profile.name) if for_someone else TITLE),
            "submit": plain("Save"), "close": plain("Cancel"), "blocks": blocks}


def pick_member_form(choices: MemberChoices, named: str, *, several: bool,
                     crisis_line: str) -> View:
    """A coordinator chooses whose profile to change (members with no Slack too), after words
    that named nobody, or more than one member."""
    said = escape_mrkdwn(named[:100])
    found = (f"More than one member is called \"{said}\". Choose the one you mean."
             if several else
             f"Nobody called \"{said}\" is in our member list. If they're listed under "
             "another name, choose them here.")
    missing = ("The list shows the first 100 members by name. For anyone else, type "
               "`/coprod profile` and their whole name as the member list has it."
               if choices.more else
               "Not in the list? Then they're not in our member list yet: add them with the "
               "members CSV (`coprod members import`), then come back to this.")
    return {"type": "modal", "callback_id": CallbackId.PROFILE_PICK_FORM,
            "title": plain("How we reach a member"), "submit": plain("Next"),
            "close": plain("Cancel"),
            "blocks": [
                section(f"{found} Change someone's profile only with their agreement."),
                {"type": "input", "block_id": BlockId.PR_MEMBER, "label": plain("Member"),
                 "element": {"type": "static_select", "action_id": ActionId.PR_FIELD,
                             "placeholder": plain("Choose a member"),
                             "options": [option(name[:75], str(member_id))
                                         for member_id, name in choices.people]}},
                context(missing),
                crisis_footer(crisis_line),
            ]}


def refused_view(words: str, *, crisis_line: str) -> View:
    """A coordinator's form that can't be acted on (the role, or the member, has gone)."""
    return {"type": "modal", "title": plain(THEM_TITLE), "close": plain("Close"),
            "blocks": [section(words), crisis_footer(crisis_line)]}


# -- after saving ----------------------------------------------------------------------------
def saved_view(profile: ProfileView, *, crisis_line: str) -> View:
    """The answer to my own change, written in the style I just chose."""
    if profile.reading is Reading.EASY_READ:
        lines = ["Saved. Thank you.", *easy_profile_lines(profile),
                 "You can change this any time.", "Type /coprod profile to do it."]
        words = easy_lines(lines)
    else:
        words = ("*Saved.* Here is how we reach you now:\n"
                 + "\n".join(f"• {line}" for line in profile_lines(profile))
                 + "\nChange it any time with `/coprod profile` or on the Coprod Home tab.")
    return {"type": "modal", "title": plain(TITLE), "close": plain("Done"),
            "blocks": [section(words), crisis_footer(crisis_line)]}


def _told_them(changed: ChangedForThem) -> str:
    """What the coordinator may truly say about telling them: the notice is queued, not yet
    sent (it may wait for their quiet hours), or there is no way to send it."""
    if not changed.changed:
        return "Nothing changed, so we won't message them."
    if changed.told:
        return "We'll tell them what changed and how to change it back."
    return (f"We have no way to message them: {why_unreachable(changed.profile)}. Please tell "
            "them yourself what changed, in person if you can.")


def _easy_told_them(changed: ChangedForThem) -> list[str]:
    if not changed.changed:
        return ["Nothing changed.", "So we will not send them a message."]
    if changed.told:
        return ["We will tell them what changed.", "And how to change it back."]
    return ["We cannot send them a message.", "Please tell them yourself.",
            "Tell them in person if you can."]


def saved_for_them_view(changed: ChangedForThem, *, crisis_line: str) -> View:
    """The coordinator's answer, in their own style."""
    profile = changed.profile
    name = escape_mrkdwn(profile.name)
    if changed.coordinator_style.easy_read:
        words = easy_lines([f"Saved for {name}.", *easy_profile_lines(profile, mine=False),
                            *_easy_told_them(changed)])
    else:
        words = (f"*Saved.* How we reach {name} now:\n"
                 + "\n".join(f"• {line}" for line in profile_lines(profile, mine=False))
                 + f"\n{_told_them(changed)}")
    return {"type": "modal", "title": plain(title_for(profile.name)), "close": plain("Done"),
            "blocks": [section(words), crisis_footer(crisis_line)]}


# -- App Home --------------------------------------------------------------------------------
def _texts_quiet_words(texts: TextsQuietHours) -> str:
    """"21:00 to 09:00, 10:00 at weekends"."""
    return (f"{texts.start:%H:%M} to {texts.weekday_end:%H:%M}, "
            f"{texts.weekend_end:%H:%M} at weekends")


def quiet_lines(quiet: QuietHours | None, texts: TextsQuietHours | None, *,
                mine: bool = True) -> list[str]:
    """The quiet hours that hold someone's messages, standard style: their own if they chose
    some (`quiet`); for texts, the organisation's too (`texts`, when texts come to them),
    which hold texts whatever they chose."""
    own = "your own" if mine else "their own"
    if quiet is not None:
        lines = [f"Quiet hours: {quiet_words(quiet)} ({own}; {URGENT_STILL})"]
        if texts is not None:
            lines.append("Texts also wait for the organisation's quiet hours: "
                         + _texts_quiet_words(texts))
        return lines
    if texts is not None:
        return [f"Quiet hours: {_texts_quiet_words(texts)} (the organisation's, for texts; "
                f"{URGENT_STILL})"]
    return ["Quiet hours: none"]


def easy_quiet_lines(profile: ProfileView, *, mine: bool = True) -> list[str]:
    """As quiet_lines, in easy read."""
    texts = profile.texts_quiet
    lines = [] if profile.quiet is None else [quiet_words(profile.quiet, easy=True)]
    if texts is not None:
        lines += [f"We do not send texts from {_easy_clock(texts.start)} to "
                  f"{_easy_clock(texts.weekday_end)}.",
                  f"At weekends we wait until {_easy_clock(texts.weekend_end)}."]
    if not lines:
        return [quiet_words(None, easy=True, whose="You" if mine else "They")]
    return [*lines, "We still send urgent safety messages."]


def home_profile(profile: ProfileView) -> list[Block]:
    """A short "How we reach you" on App Home, with Change. Its quiet hours are all that hold
    their messages, the organisation's for texts included (the form shows their own choice)."""
    lines = (easy_profile_lines(profile) if profile.reading is Reading.EASY_READ
             else profile_lines(profile))
    return [{"type": "section", "block_id": BlockId.PR_HOME,
             "text": {"type": "mrkdwn", "text": f"*{TITLE}*\n" + "\n".join(lines)},
             "accessory": button("Change", ActionId.PROFILE_CHANGE, "mine")}]


# -- the notice: a coordinator changed it, with them ----------------------------------------------
def profile_changed(profile: ProfileView, by: str | None) -> Payload:
    who = f"*{escape_mrkdwn(by)}*" if by else "A coordinator"
    how_back = ("type `/coprod profile`, or use *How we reach you* on the Coprod Home tab"
                if profile.has_slack else "reply to a text from us")
    lines = "\n".join(f"• {line}" for line in profile_lines(profile))
    words = (f"{who} has changed how Coprod reaches you, as you agreed with them. "
             f"Here is how it is now:\n{lines}\n"
             f"If you want it another way, {how_back}, or ask a coordinator.")
    text = f"{by or 'A coordinator'} changed how Coprod reaches you, as you agreed"
    return {"text": escape_mrkdwn(text), "blocks": [section(words)],
            "sms": f"{by or 'A coordinator'} changed how we contact you, as you agreed. "
                   f"{_sms_summary(profile)} To change it back, reply to this text or ask a "
                   "coordinator."}


def easy_profile_changed(profile: ProfileView, by: str | None) -> Payload:
    who = escape_mrkdwn(by) if by else "A coordinator"
    how_back = (["Want to change it?", "Type /coprod profile.", "Or ask a coordinator."]
                if profile.has_slack else
                ["Want to change it?", "Reply to a text from us.", "Or ask a coordinator."])
    return easy_message(
        [f"{who} changed how we send you messages.", "You agreed to this.",
         *easy_profile_lines(profile), *how_back],
        text=f"{who} changed how we send you messages",
        sms=[f"{by or 'A coordinator'} changed how we send you messages.",
             "You agreed to this.", *_easy_sms_summary(profile),
             "Want to change it? Reply to this text.", "Or ask a coordinator."])


def _sms_summary(profile: ProfileView) -> str:
    """What a text may say about it: how we reach them and quiet hours. Not the reading style
    or the screen reader: others may see a text on a shared phone, and either can say something
    about a person's health or disability (the Slack DM, theirs alone, keeps both)."""
    quiet = (f", no messages {profile.quiet.start:%H:%M}-{profile.quiet.end:%H:%M}"
             if profile.quiet else "")
    return f"Now: by {CONTACT_IN_WORDS[profile.contact.value]}{quiet}."


def _easy_sms_summary(profile: ProfileView) -> list[str]:
    """The easy-read text's words about it: as _sms_summary, how and quiet hours only."""
    lines = [f"We send your messages by {CONTACT_IN_WORDS[profile.contact.value]}."]
    if profile.quiet is not None:
        lines.append(quiet_words(profile.quiet, easy=True))
    return lines


def _draw_profile_changed(notice: ProfileChanged, services: Services, style: Style) -> Payload:
    profile, by = services.profiles.change_view(notice)
    return (easy_profile_changed if style.easy_read else profile_changed)(profile, by)


RENDERERS: dict[type[Notice], Renderer] = {
    ProfileChanged: _draw_profile_changed,
}
