"""Blocks and views for feedback: the form, what the team sees, and what the person sees."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from bot.notices import Notice
from bot.rules.communication import Style
from bot.rules.feedback import MAX_TEXT, fit_in_box
from bot.rules.feedback_words import (
    KIND_WORDS,
    MEETING_WORDS,
    STATUS_WORDS,
    TOPIC_WORDS,
    FeedbackKind,
    FeedbackRoute,
    FeedbackStatus,
    FeedbackTopic,
    MeetingStatus,
)
from bot.services.feedback import (
    CaseNotice,
    CaseView,
    MeetingStep,
    MeetingTask,
    MoreWords,
    StatusToSubmitter,
    Submitted,
    TeamReply,
)
from handlers.blocks.easy import (
    EASY_READ_KEY,
    easy_lines,
    easy_when,
    in_easy_read,
    in_either_style,
)
from handlers.blocks.text import (
    Block,
    Payload,
    Renderer,
    View,
    are_you_sure,
    button,
    context,
    crisis_footer,
    divider,
    escape_mrkdwn,
    header,
    option,
    plain,
    section,
    text_sections,
)
from handlers.ids import ActionId, BlockId, CallbackId, OptionValue

if TYPE_CHECKING:
    from bot.services import Services

CODE_EXAMPLE = "ABCD-EFGH-JKLM"


@dataclass(frozen=True)
class FormChoices:
    """What has been picked so far: it decides which questions the form shows."""

    kind: FeedbackKind | None = None
    topic: FeedbackTopic | None = None
    anonymous: bool | None = None


@dataclass(frozen=True)
class FormKept:
    """What the form carries in its private_metadata from one drawing to the next, and on to
    its submission: the note on words that did not fit the box, and whether it is drawn in
    easy read (so a redraw, and the "sent" that follows, keep the words the person opened it
    in, with no read of their profile in between)."""

    left_out: LeftOut | None = None
    easy_read: bool = False

    def as_metadata(self) -> str:
        kept: dict[str, Any] = {EASY_READ_KEY: True} if self.easy_read else {}
        if self.left_out:
            kept |= {"left_out": self.left_out.characters, "starts": self.left_out.starts}
        return json.dumps(kept) if kept else ""

    @classmethod
    def of(cls, metadata: dict[str, Any]) -> FormKept:
        """As the form carried it (anything unexpected in it counts as not there)."""
        count, starts = metadata.get("left_out"), metadata.get("starts")
        left_out = (LeftOut(count, starts[:60])
                    if isinstance(count, int) and count > 0 and isinstance(starts, str) else None)
        return cls(left_out, in_easy_read(metadata))


@dataclass(frozen=True)
class LeftOut:
    """The words after /feedback that did not fit the box: how many characters, and how they
    start, so the person can find where to carry on."""

    characters: int
    starts: str

    @classmethod
    def of(cls, rest: str) -> LeftOut | None:
        if not rest:
            return None
        starts = " ".join(rest.split()[:8])
        return cls(len(rest), starts if len(starts) <= 60 else starts[:60].rstrip())


def _left_out_note(left_out: LeftOut, easy_read: bool) -> Block:
    starts = f"\u201c{escape_mrkdwn(left_out.starts)}\u2026\u201d"
    if easy_read:
        return context(easy_lines([
            "Your words did not all fit in the box.",
            f"The last {left_out.characters:,} letters are not in it.",
            f"They start {starts}",
            "You can add them after you send it.",
            "We will tell you how.",
        ]))
    return context(
        f"Your words were longer than this box holds ({MAX_TEXT:,} characters), so the last "
        f"{left_out.characters:,} characters are not in it: they start "
        f"{starts}. You could shorten what's here, or "
        f"send it and then add the rest with `/feedback reply CODE your words`, using the case "
        f"code you'll be given.")


def _when(moment: datetime, tz: tzinfo) -> str:
    return f"{moment.astimezone(tz):%d %b %Y, %H:%M}"


def _preview(raw: str, length: int) -> str:
    """The start of someone's words, escaped; cut on the raw text so no escape is broken."""
    return escape_mrkdwn(raw[:length]) + ("…" if len(raw) > length else "")


def _mention(slack_id: str | None) -> str:
    return f"<@{slack_id}>" if slack_id else "someone"


# -- the form --------------------------------------------------------------------------------
@dataclass(frozen=True)
class FormWords:
    """Every word of the form, in one style. The questions and their answers are the same
    in both, so what comes back is read the same way whichever the person saw."""

    intro: str
    kind: str
    kinds: dict[FeedbackKind, str]
    topic: str
    topics: dict[FeedbackTopic, str]
    about: str
    about_hint: str
    about_placeholder: str
    text: str
    text_placeholder: str
    identity: str
    anonymous: tuple[str, str]  # the answer, and a line under it
    named: tuple[str, str]
    named_options: str
    wants_meeting: str
    wants_acknowledgement: str
    sharing: str
    testimony: tuple[str, str]


STANDARD_FORM = FormWords(
    intro="Thank you for taking the time. A person reads everything sent here.",
    kind="What kind of feedback is it?",
    kinds=KIND_WORDS,
    topic="What is it about?",
    topics=TOPIC_WORDS,
    about="Who is it about?",
    about_hint="They will not be sent it: feedback about someone never goes to them.",
    about_placeholder="Choose a person",
    text="Your feedback",
    text_placeholder="In your own words",
    identity="How would you like to send it?",
    anonymous=("Anonymously", "We won't know it was you. A case code lets you read our replies."),
    named=("With my name", "We can reply to you, and arrange a meeting if you'd like one."),
    named_options="Would you like...",
    wants_meeting="A confidential meeting to talk it through",
    wants_acknowledgement="To be told it was received",
    sharing="Sharing",
    testimony=("You may share this anonymously as a testimony",
               "Without your name. You can say no: it's off unless you tick it."),
)

# Easy read: everyday words, short lines, and each answer saying what it means.
EASY_READ_FORM = FormWords(
    intro="Tell us what you think. A person reads everything you send.",
    kind="What do you want to tell us?",
    kinds={
        FeedbackKind.COMPLIMENT: "Something good",
        FeedbackKind.SUGGESTION: "An idea",
        FeedbackKind.COMPLAINT: "Something went wrong",
        FeedbackKind.CONCERN: "I am worried about something",
        FeedbackKind.BETWEEN_PEOPLE: "A problem between people",
    },
    topic="What is it about?",
    topics={
        FeedbackTopic.SESSION: "A group",
        FeedbackTopic.SERVICE: "How we do things",
        FeedbackTopic.TEAM_MEMBER: "A person in the team",
        FeedbackTopic.OTHER: "Something else",
    },
    about="Who is it about?",
    about_hint="We will not send it to them.",
    about_placeholder="Choose a person",
    text="Tell us here",
    text_placeholder="Use your own words",
    identity="Do you want to give your name?",
    anonymous=("No. Keep my name secret.",
               "We will not know it was you. You get a code to read our answers."),
    named=("Yes. Give my name.", "We can answer you. We can meet you if you want."),
    named_options="Do you want...",
    wants_meeting="To meet us in private and talk about it",
    wants_acknowledgement="A message to say we got it",
    sharing="Can we share it?",
    testimony=("Yes. You can share it without my name.", "Only tick this if you want to."),
)


def feedback_form(choices: FormChoices, *, prefill: str = "", crisis_line: str,
                  kept: FormKept = FormKept()) -> View:
    """The form, in easy read when `kept` says so; words typed after /feedback are
    prefilled, and any that don't fit are named in a line above the box (kept in
    private_metadata with the style, so both stay when it redraws)."""
    prefill, rest = fit_in_box(prefill)
    kept = FormKept(LeftOut.of(rest) or kept.left_out, kept.easy_read)
    words = EASY_READ_FORM if kept.easy_read else STANDARD_FORM
    kinds = [option(words.kinds[k], k.value) for k in FeedbackKind]
    topics = [option(words.topics[t], t.value) for t in FeedbackTopic]
    identity_options = [
        option(words.anonymous[0], OptionValue.ANONYMOUS, words.anonymous[1]),
        option(words.named[0], OptionValue.NAMED, words.named[1]),
    ]
    kind_select: dict[str, Any] = {"type": "static_select", "action_id": ActionId.FB_KIND_CHOSEN,
                                   "placeholder": plain("Choose one"), "options": kinds}
    if choices.kind:
        kind_select["initial_option"] = kinds[list(FeedbackKind).index(choices.kind)]
    topic_select: dict[str, Any] = {"type": "static_select",
                                    "action_id": ActionId.FB_TOPIC_CHOSEN,
                                    "placeholder": plain("Choose one"), "options": topics}
    if choices.topic:
        topic_select["initial_option"] = topics[list(FeedbackTopic).index(choices.topic)]
    text_input: dict[str, Any] = {"type": "plain_text_input", "action_id": ActionId.FB_TEXT_TYPED,
                                  "multiline": True, "max_length": MAX_TEXT,
                                  "placeholder": plain(words.text_placeholder)}
    if prefill:
        text_input["initial_value"] = prefill
    identity: dict[str, Any] = {"type": "radio_buttons", "action_id": ActionId.FB_IDENTITY_CHOSEN,
                                "options": identity_options}
    if choices.anonymous is not None:
        identity["initial_option"] = identity_options[0 if choices.anonymous else 1]

    blocks: list[Block] = [
        section(words.intro),
        {"type": "input", "block_id": BlockId.FB_KIND, "dispatch_action": True,
         "label": plain(words.kind), "element": kind_select},
        {"type": "input", "block_id": BlockId.FB_TOPIC, "dispatch_action": True,
         "label": plain(words.topic), "element": topic_select},
    ]
    if choices.topic is FeedbackTopic.TEAM_MEMBER or choices.kind is FeedbackKind.BETWEEN_PEOPLE:
        blocks.append({
            "type": "input", "block_id": BlockId.FB_ABOUT, "optional": True,
            "label": plain(words.about), "hint": plain(words.about_hint),
            "element": {"type": "users_select", "action_id": ActionId.FB_ABOUT_CHOSEN,
                        "placeholder": plain(words.about_placeholder)},
        })
    if kept.left_out:
        blocks.append(_left_out_note(kept.left_out, kept.easy_read))
    blocks += [
        {"type": "input", "block_id": BlockId.FB_TEXT, "label": plain(words.text),
         "element": text_input},
        {"type": "input", "block_id": BlockId.FB_IDENTITY, "dispatch_action": True,
         "label": plain(words.identity), "element": identity},
    ]
    if choices.anonymous is False:
        blocks.append({
            "type": "input", "block_id": BlockId.FB_NAMED_OPTIONS, "optional": True,
            "label": plain(words.named_options),
            "element": {"type": "checkboxes", "action_id": ActionId.FB_NAMED_OPTIONS_CHOSEN,
                        "options": [
                            option(words.wants_meeting, OptionValue.WANTS_MEETING),
                            option(words.wants_acknowledgement,
                                   OptionValue.WANTS_ACKNOWLEDGEMENT),
                        ]},
        })
    if choices.kind is FeedbackKind.COMPLIMENT:
        blocks.append({
            "type": "input", "block_id": BlockId.FB_TESTIMONY, "optional": True,
            "label": plain(words.sharing),
            "element": {"type": "checkboxes", "action_id": ActionId.FB_TESTIMONY_CHOSEN,
                        "options": [option(words.testimony[0], OptionValue.TESTIMONY,
                                           words.testimony[1])]},
        })
    blocks.append(crisis_footer(crisis_line))
    form: View = {
        "type": "modal",
        "callback_id": CallbackId.FEEDBACK_FORM,
        "title": plain("Feedback"),
        "submit": plain("Send"),
        "close": plain("Cancel"),
        "blocks": blocks,
    }
    if metadata := kept.as_metadata():
        form["private_metadata"] = metadata
    return form


def confirmation_view(submitted: Submitted, *, crisis_line: str, easy_read: bool = False
                      ) -> View:
    code = submitted.code
    if easy_read:
        lines = [
            "*Thank you. We got your feedback.*",
            f"Your case code is *{code}*",
            "Keep your code safe.",
            "We cannot find it for you later.",
            f"To read our answers, type `/feedback status {code}`",
            f"To add more, type `/feedback reply {code}` and then your words.",
        ]
        if submitted.anonymous:
            lines += ["You did not give your name.",
                      "The team will get it in the next 15 minutes."]
        text = easy_lines(lines)
    else:
        text = "\n".join([
            "*Thank you. Your feedback has been sent.*",
            "",
            f"Your case code is *{code}*",
            "Please keep it somewhere safe: it is shown only this once, and we can't look it "
            "up.",
            "",
            f"• To read our replies: `/feedback status {code}`",
            f"• To add more: `/feedback reply {code} your words`",
            *(["", "It was sent anonymously. To keep it that way it reaches the team with the "
                   "next batch of anonymous feedback, within 15 minutes."]
              if submitted.anonymous else []),
        ])
    return {
        "type": "modal",
        "callback_id": CallbackId.FEEDBACK_FORM,
        "title": plain("Feedback sent"),
        "close": plain("Done"),
        "blocks": [section(text), crisis_footer(crisis_line)],
    }


# -- what the team sees ----------------------------------------------------------------------
def case_notice(case: CaseView, tz: tzinfo) -> Payload:
    """The notice a coordinator or HR officer gets, updated in place as the case moves on."""
    about = TOPIC_WORDS[case.topic]
    if case.about_slack_id:
        about += f": {_mention(case.about_slack_id)}"
    sender = "Anonymous" if case.anonymous else _mention(case.submitter_slack_id)
    blocks: list[Block] = [
        header(f"Feedback {case.reference}: {KIND_WORDS[case.kind]}"),
        {"type": "section", "fields": [
            {"type": "mrkdwn", "text": f"*About*\n{about}"},
            {"type": "mrkdwn", "text": f"*From*\n{sender}"},
            {"type": "mrkdwn", "text": f"*Status*\n{STATUS_WORDS[case.status]}"},
            {"type": "mrkdwn", "text": f"*Received*\n{_when(case.created_at, tz)}"},
        ]},
        *text_sections(case.body),
    ]
    notes = []
    if case.route is FeedbackRoute.HR:
        notes.append("Sent to the HR officer: it is about a team member. Please keep it "
                     "confidential.")
    if case.testimony_consent:
        notes.append("They agreed it may be shared anonymously as a testimony.")
    if case.wants_acknowledgement:
        notes.append("They asked to be told it was received.")
    if case.meeting is not MeetingStatus.NOT_ASKED:
        notes.append(MEETING_WORDS[case.meeting] + ".")
    if notes:
        blocks.append(context(" ".join(notes)))
    for message in case.messages[-5:]:
        who = (f"Reply from {_mention(message.author_slack_id)}" if message.from_team
               else "More from the person who raised it")
        blocks.append(section(f"*{who}* ({_when(message.created_at, tz)})\n"
                              f"{_preview(message.body, 500)}"))
    history = [f"{e.change.replace('_', ' ').capitalize()} by {_mention(e.actor_slack_id)}, "
               f"{_when(e.at, tz)}" for e in case.events[-5:]]
    if history:
        blocks.append(context(" · ".join(history)))
    actions = _case_actions(case)
    if actions:
        blocks.append(actions)
    return {"text": f"Feedback {case.reference} for you to look at", "blocks": blocks}


def _case_actions(case: CaseView) -> Block | None:
    buttons = []
    if case.status is FeedbackStatus.NEW:
        buttons.append(button("Acknowledge", ActionId.FB_ACKNOWLEDGE, str(case.id), "primary"))
    if case.status is not FeedbackStatus.RESOLVED:
        buttons.append(button("Reply", ActionId.FB_REPLY, str(case.id)))
        buttons.append(button("Resolve", ActionId.FB_RESOLVE, str(case.id), confirm=are_you_sure(
            "Resolve this feedback?", "It leaves the open list, and the person is told if they "
            "asked to be.", "Resolve")))
    if not buttons:
        return None
    return {"type": "actions", "block_id": f"{BlockId.FB_CASE_ACTIONS}:{case.id}",
            "elements": buttons}


# Easy read: what each kind, topic, state and step is, in everyday words.
EASY_KIND: dict[FeedbackKind, str] = {
    FeedbackKind.COMPLIMENT: "It is a compliment: something they liked.",
    FeedbackKind.SUGGESTION: "It is a suggestion: an idea to make things better.",
    FeedbackKind.COMPLAINT: "It is a complaint: something they are not happy about.",
    FeedbackKind.CONCERN: "It is a concern: something they are worried about.",
    FeedbackKind.BETWEEN_PEOPLE: "It is about something between people.",
}
EASY_TOPIC: dict[FeedbackTopic, str] = {
    FeedbackTopic.SESSION: "It is about a session.",
    FeedbackTopic.SERVICE: "It is about the service in general.",
    FeedbackTopic.TEAM_MEMBER: "It is about a team member.",
    FeedbackTopic.OTHER: "It is about something else.",
}
EASY_STATUS: dict[FeedbackStatus, str] = {
    FeedbackStatus.NEW: "Nobody has picked it up yet.",
    FeedbackStatus.ACKNOWLEDGED: "Someone is looking at it.",
    FeedbackStatus.RESOLVED: "It is marked as resolved.",
}
EASY_MEETING: dict[MeetingStatus, str] = {
    MeetingStatus.NOT_ASKED: "",
    MeetingStatus.REQUESTED: "They would like a private meeting about it.",
    MeetingStatus.ACKNOWLEDGED: "Someone on the team will get in touch about a meeting.",
    MeetingStatus.ARRANGED: "The meeting is arranged.",
    MeetingStatus.DECLINED: "We could not arrange a meeting this time.",
}
EASY_CHANGE: dict[str, str] = {
    FeedbackStatus.ACKNOWLEDGED.value: "picked it up",
    FeedbackStatus.RESOLVED.value: "marked it as resolved",
    f"meeting_{MeetingStatus.ACKNOWLEDGED.value}": "saw the meeting request",
    f"meeting_{MeetingStatus.ARRANGED.value}": "arranged the meeting",
    f"meeting_{MeetingStatus.DECLINED.value}": "could not arrange the meeting",
}


def _easy_case_next(case: CaseView) -> list[str]:
    if case.status is FeedbackStatus.NEW:
        return ["Tap Acknowledge to say you are looking at it.",
                "Then tap Reply to answer, or Resolve when it is sorted."]
    if case.status is FeedbackStatus.ACKNOWLEDGED:
        return ["Tap Reply to answer, or Resolve when it is sorted."]
    return []


def easy_case_notice(case: CaseView, tz: tzinfo) -> Payload:
    """Easy read: the same facts as `case_notice`, a line each; an anonymous case stays
    anonymous (nothing here that the standard notice doesn't show)."""
    about = (f"The person it is about: {_mention(case.about_slack_id)}."
             if case.about_slack_id else "")
    intro = [f"*Feedback {case.reference}, for you to look at.*", EASY_KIND[case.kind],
             EASY_TOPIC[case.topic], about,
             "The person did not give their name." if case.anonymous
             else f"It is from {_mention(case.submitter_slack_id)}.",
             f"It came in on {easy_when(case.created_at, tz)}.", EASY_STATUS[case.status]]
    if case.route is FeedbackRoute.HR:
        intro += ["It came to the HR officer, because it is about a team member.",
                  "Please keep it private."]
    if case.testimony_consent:
        intro.append("They said we may share it with others, without their name.")
    if case.wants_acknowledgement:
        intro.append("They asked us to tell them we got it.")
    intro += [EASY_MEETING[case.meeting], "*What they wrote:*"]
    blocks: list[Block] = [section(easy_lines(intro)), *text_sections(case.body)]
    for message in case.messages[-5:]:
        who = (f"{_mention(message.author_slack_id)} replied" if message.from_team
               else "The person who sent it added more")
        blocks.append(section(f"*{who} on {easy_when(message.created_at, tz)}:*\n"
                              f"{_preview(message.body, 500)}"))
    after = [f"{_mention(e.actor_slack_id)} {EASY_CHANGE.get(e.change, e.change.replace('_', ' '))}"
             f" on {easy_when(e.at, tz)}." for e in case.events[-5:]]
    after += _easy_case_next(case)
    if after:
        blocks.append(section(easy_lines(after)))
    actions = _case_actions(case)
    if actions:
        blocks.append(actions)
    return {"text": f"Please look at feedback {case.reference}", "blocks": blocks}


case_notice_in = in_either_style(case_notice, easy_case_notice)


def meeting_task(case: CaseView) -> Payload:
    state = MEETING_WORDS[case.meeting]
    blocks: list[Block] = [
        section(f"*{_mention(case.submitter_slack_id)} would like a confidential meeting* "
                f"to talk through feedback {case.reference}."),
        context(state),
    ]
    actions = _meeting_actions(case)
    if actions:
        blocks.append(actions)
    return {"text": f"Meeting request about feedback {case.reference}", "blocks": blocks}


def _meeting_actions(case: CaseView) -> Block | None:
    buttons = []
    if case.meeting is MeetingStatus.REQUESTED:
        buttons.append(button("Acknowledge", ActionId.FB_MEETING_ACKNOWLEDGE, str(case.id),
                              "primary"))
    if case.meeting in (MeetingStatus.REQUESTED, MeetingStatus.ACKNOWLEDGED):
        buttons.append(button("Arranged", ActionId.FB_MEETING_ARRANGED, str(case.id)))
        buttons.append(button("Can't arrange", ActionId.FB_MEETING_DECLINE, str(case.id)))
    if not buttons:
        return None
    return {"type": "actions", "block_id": f"{BlockId.FB_MEETING_ACTIONS}:{case.id}",
            "elements": buttons}


def easy_meeting_task(case: CaseView) -> Payload:
    lines = [f"*{_mention(case.submitter_slack_id)} would like a private meeting.*",
             f"It is to talk about feedback {case.reference}.",
             EASY_MEETING[case.meeting] if case.meeting is not MeetingStatus.REQUESTED else ""]
    if case.meeting is MeetingStatus.REQUESTED:
        lines += ["Tap Acknowledge to say you have seen it.",
                  "Then tap Arranged or Can't arrange."]
    elif case.meeting is MeetingStatus.ACKNOWLEDGED:
        lines.append("Tap Arranged or Can't arrange.")
    actions = _meeting_actions(case)
    return {"text": f"Someone would like a meeting about feedback {case.reference}",
            "blocks": [section(easy_lines(lines)), *([actions] if actions else [])]}


meeting_task_in = in_either_style(meeting_task, easy_meeting_task)


def more_words_notice(case: CaseView, text: str) -> Payload:
    return {
        "text": f"More words on feedback {case.reference}",
        "blocks": [section(f"*More words on feedback {case.reference}* "
                           f"({KIND_WORDS[case.kind].lower()})"),
                   *text_sections(text)],
    }


def easy_more_words_notice(case: CaseView, text: str) -> Payload:
    lines = [f"*The person who sent feedback {case.reference} added more.*",
             EASY_KIND[case.kind], "*What they wrote:*"]
    return {"text": f"The person who sent feedback {case.reference} added more",
            "blocks": [section(easy_lines(lines)), *text_sections(text)]}


def reply_form(case: CaseView) -> View:
    return {
        "type": "modal",
        "callback_id": CallbackId.FEEDBACK_REPLY,
        "private_metadata": json.dumps({"case": case.id}),
        "title": plain(f"Reply to {case.reference}"[:24]),
        "submit": plain("Send reply"),
        "close": plain("Cancel"),
        "blocks": [
            context("Your reply is kept with the case. "
                    + ("The person can read it with their case code." if case.anonymous
                       else "It is also sent to the person as a direct message.")),
            {"type": "input", "block_id": BlockId.FB_REPLY_TEXT, "label": plain("Your reply"),
             "element": {"type": "plain_text_input", "action_id": ActionId.FB_REPLY_TYPED,
                         "multiline": True, "max_length": MAX_TEXT}},
        ],
    }


def reply_sent_view(case: CaseView) -> View:
    return {
        "type": "modal",
        "callback_id": CallbackId.FEEDBACK_REPLY,
        "title": plain("Reply sent"),
        "close": plain("Done"),
        "blocks": [section(f"Your reply was added to feedback {case.reference}.")],
    }


# -- what the person who raised it sees ------------------------------------------------------
def status_dm(case_id: int, status: FeedbackStatus) -> Payload:
    if status is FeedbackStatus.RESOLVED:
        words = (f"Your feedback (case #{case_id}) has been marked as resolved. Thank you for "
                 "raising it. If anything still isn't right, you're always welcome to say so.")
    else:
        words = (f"Your feedback (case #{case_id}) has been received, and someone is looking "
                 "at it now. Thank you.")
    return {"text": words, "blocks": [section(words)]}


def reply_dm(case_id: int, text: str) -> Payload:
    return {
        "text": f"A reply about your feedback (case #{case_id})",
        "blocks": [section(f"*A reply about your feedback (case #{case_id})*"),
                   *text_sections(text),
                   context("To answer, use `/feedback reply` with your case code.")],
    }


def meeting_dm(case_id: int, step: MeetingStatus) -> Payload:
    if step is MeetingStatus.ARRANGED:
        words = (f"Your meeting about feedback #{case_id} has been arranged. Thank you for your "
                 "patience.")
    elif step is MeetingStatus.DECLINED:
        words = (f"We're sorry: we can't arrange a meeting about feedback #{case_id} this time. "
                 "Your feedback is still with the team, and you can add to it at any time with "
                 "`/feedback reply` and your case code.")
    else:
        words = (f"Someone on the team has seen your request for a meeting about feedback "
                 f"#{case_id} and will be in touch to find a time that suits you.")
    return {"text": words, "blocks": [section(words)]}


def easy_status_dm(case_id: int, status: FeedbackStatus) -> Payload:
    if status is FeedbackStatus.RESOLVED:
        lines = [f"We have marked your feedback as resolved. It is case {case_id}.",
                 "Thank you for telling us.", "Is something still not right?",
                 "You can always tell us."]
    else:
        lines = [f"We got your feedback. It is case {case_id}.",
                 "Someone is looking at it now.", "Thank you."]
    return {"text": lines[0], "blocks": [section(easy_lines(lines))]}


def easy_reply_dm(case_id: int, text: str) -> Payload:
    first = f"The team replied to your feedback, case {case_id}."
    return {"text": first, "blocks": [
        section(easy_lines([f"*{first}*", "*They wrote:*"])), *text_sections(text),
        section(easy_lines(["Do you want to answer?",
                            "Type /feedback reply, then your case code, then your words."]))]}


def easy_meeting_dm(case_id: int, step: MeetingStatus) -> Payload:
    if step is MeetingStatus.ARRANGED:
        lines = [f"We have arranged your meeting about feedback {case_id}.",
                 "Thank you for waiting."]
    elif step is MeetingStatus.DECLINED:
        lines = [f"Sorry. We cannot arrange a meeting about feedback {case_id} this time.",
                 "The team still has your feedback.", "You can add to it at any time.",
                 "Type /feedback reply, then your case code, then your words."]
    else:
        lines = [f"Someone on the team saw you want a meeting about feedback {case_id}.",
                 "They will get in touch to find a time that suits you."]
    return {"text": lines[0], "blocks": [section(easy_lines(lines))]}


def case_status_blocks(case: CaseView, tz: tzinfo, crisis_line: str) -> list[Block]:
    lines = [
        f"*Your feedback, case {case.reference}*",
        f"{KIND_WORDS[case.kind]} · {TOPIC_WORDS[case.topic]}",
        f"Status: *{STATUS_WORDS[case.status]}*",
    ]
    if case.meeting is not MeetingStatus.NOT_ASKED:
        lines.append(MEETING_WORDS[case.meeting])
    blocks: list[Block] = [section("\n".join(lines))]
    if not case.messages:
        blocks.append(context("No replies yet. We'll add them here."))
    for message in case.messages[-10:]:
        who = "From the team" if message.from_team else "You wrote"
        blocks.append(section(f"*{who}* ({_when(message.created_at, tz)})"))
        blocks += text_sections(message.body)
    blocks.append(crisis_footer(crisis_line))
    return blocks


def wrong_code_blocks() -> list[Block]:
    return [section(
        "That code doesn't match a case we hold. Please check it and try again: codes look "
        f"like `{CODE_EXAMPLE}`. If it's lost, you're always welcome to send new feedback "
        "with `/feedback`.")]


def needs_a_code(asked: str) -> str:
    """`/feedback status` or `/feedback reply` typed without the case code."""
    if asked == "status":
        return ("To see your feedback and our replies, add the case code you were given, for "
                f"example: `/feedback status {CODE_EXAMPLE}`")
    return ("To add to feedback you've sent, put its case code and then your words, for "
            f"example: `/feedback reply {CODE_EXAMPLE} thank you for replying`")


def needs_words(code: str) -> str:
    """`/feedback reply CODE` with nothing after the code."""
    return ("Please put your words after the code, for example: "
            f"`/feedback reply {escape_mrkdwn(code[:20])} thank you for replying`")


def too_many_guesses_blocks() -> list[Block]:
    return [section(
        "A few codes in a row didn't match, so please wait 15 minutes before trying again. "
        "If your code is lost, you're always welcome to send new feedback with `/feedback`.")]


def added_words_blocks(case: CaseView) -> list[Block]:
    when = ("with the next batch of anonymous feedback" if case.anonymous else "straight away")
    return [section(f"Thank you. Your words were added to case {case.reference}, and the team will "
                    f"see them {when}.")]


def feedback_help_blocks(crisis_line: str) -> list[Block]:
    return [
        section(
            "*Feedback*\n"
            "• `/feedback` opens the form (you can add your words straight after it)\n"
            f"• `/feedback status {CODE_EXAMPLE}` shows your case and our replies\n"
            f"• `/feedback reply {CODE_EXAMPLE} your words` adds to your case"),
        divider(),
        crisis_footer(crisis_line),
    ]


def not_allowed_blocks(message: str) -> list[Block]:
    return [section(f"{message} This case was sent to other people, so only they can act on it.")]


# -- App Home --------------------------------------------------------------------------------
# App Home's first words, in easy read: what Coprod is for, one idea a line.
EASY_HOME_INTRO = ("Type /feedback to tell us what you think.\n"
                   "You can say thank you, give an idea, or tell us a worry.\n"
                   "You do not have to give your name.\n"
                   "Type /coprod help to see what else you can do.")


def home_view(cases: list[CaseView], *, on_the_team: bool, tz: tzinfo, org_name: str,
              crisis_line: str, easy_read: bool = False) -> View:
    """App Home's frame: the organisation, what to type, the feedback open for the team, and
    the crisis line last (handlers/home.py puts the other areas' sections in between)."""
    blocks: list[Block] = [
        header(org_name),
        section(EASY_HOME_INTRO if easy_read else
                "Type `/feedback` to send a compliment, suggestion, complaint or concern - "
                "anonymously if you like. Type `/coprod help` for everything else."),
    ]
    if on_the_team:
        blocks += [divider(), header(f"Open feedback for you ({len(cases)})")]
        if not cases:
            blocks.append(section("Nothing open. Thank you for keeping on top of it."))
        for case in cases[:20]:
            preview = _preview(case.body, 200)
            blocks.append(section(
                f"*{case.reference} · {KIND_WORDS[case.kind]}* · {TOPIC_WORDS[case.topic]} · "
                f"{STATUS_WORDS[case.status]} · received {_when(case.created_at, tz)}\n{preview}"))
            notice = case_notice(case, tz)["blocks"]
            blocks += [b for b in notice if b.get("type") == "actions"]
        if len(cases) > 20:
            blocks.append(context(f"And {len(cases) - 20} more, oldest first."))
    blocks += [divider(), crisis_footer(crisis_line)]
    return {"type": "home", "blocks": blocks}


# -- drawing the notices feedback records -------------------------------------------------------
def _draw_case(notice: CaseNotice, services: Services, style: Style) -> Payload:
    return case_notice_in(style, services.feedback.notice_view(notice.case_id),
                          services.settings.timezone)


def _draw_meeting_task(notice: MeetingTask, services: Services, style: Style) -> Payload:
    return meeting_task_in(style, services.feedback.notice_view(notice.case_id))


def _draw_status(notice: StatusToSubmitter, services: Services, style: Style) -> Payload:
    draw = easy_status_dm if style.easy_read else status_dm
    return draw(services.feedback.notice_view(notice.case_id).id, notice.status)


def _draw_team_reply(notice: TeamReply, services: Services, style: Style) -> Payload:
    case = services.feedback.notice_view(notice.case_id)
    draw = easy_reply_dm if style.easy_read else reply_dm
    return draw(case.id, case.message(notice.message_id).body)


def _draw_meeting_step(notice: MeetingStep, services: Services, style: Style) -> Payload:
    draw = easy_meeting_dm if style.easy_read else meeting_dm
    return draw(services.feedback.notice_view(notice.case_id).id, notice.step)


def _draw_more_words(notice: MoreWords, services: Services, style: Style) -> Payload:
    case = services.feedback.notice_view(notice.case_id)
    draw = easy_more_words_notice if style.easy_read else more_words_notice
    return draw(case, case.message(notice.message_id).body)


RENDERERS: dict[type[Notice], Renderer] = {
    CaseNotice: _draw_case,
    MeetingTask: _draw_meeting_task,
    StatusToSubmitter: _draw_status,
    TeamReply: _draw_team_reply,
    MeetingStep: _draw_meeting_step,
    MoreWords: _draw_more_words,
}
