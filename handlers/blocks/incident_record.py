"""Blocks for an incident's record (its summary, outcomes, follow-ups, the s42 answers, the
trustees' decision, breach follow-ups and the chronology, with what the reader may do next),
its forms (the outcome asked for on resolving, reopening, a follow-up), and the follow-up
messages."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from bot.notices import Notice, NoticeGone
from bot.rules.communication import DANGER, Style
from bot.rules.incidents import (
    INCIDENT_KIND_WORDS,
    INCIDENT_STATUS_WORDS,
    SEVERITY_WORDS,
    BreachStep,
    IncidentStatus,
)
from bot.rules.lifecycle import RequestStatus
from bot.rules.safeguarding import (
    AGENCY_WORDS,
    ANSWER_WORDS,
    BREACH_OUTCOME_WORDS,
    HARM_WORDS,
    S42_DECISION_WORDS,
    S42_QUESTIONS,
    SPOKEN_WORDS,
    Agency,
    CharityDecision,
    FollowUpStatus,
    Spoken,
    step_words,
)
from bot.services.incident_record import (
    ChronologyEntry,
    FollowUpNotice,
    FollowUpNoticeView,
    OutcomeView,
    RecordView,
)
from handlers.blocks.easy import easy_day, easy_lines
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
    plain,
    section,
    text_sections,
    when,
)
from handlers.ids import ActionId, BlockId, CallbackId

if TYPE_CHECKING:
    from bot.services import Services

MAX_BLOCKS = 100          # Slack's limit for a modal
SECTION_LIMIT = 3000      # and for a section's text
CHRONOLOGY_SHOWN = 40     # the newest steps; the export has them all
FOLLOW_UPS_SHOWN = 10
NO_REFERRAL = "none"

ALREADY_RESOLVED = ("This incident has already been resolved, so there is nothing more to do "
                    "here. Its record shows the outcome.")
ALREADY_RESOLVED_NOTE = "It was already resolved, so nothing was changed."
ALREADY_OPEN_NOTE = "It is already open, so nothing was changed."
ALREADY_DONE_NOTE = "That follow-up was already marked done, so nothing was changed."
MARKED_DONE = "Marked done - thank you."
ALREADY_DONE = "That follow-up was already marked done. Thank you."

BREACH_STEP_WORDS: dict[BreachStep, str] = {
    BreachStep.NONE: "Breach follow-up",
    BreachStep.TALK_IT_THROUGH: "Talk it through",
    BreachStep.HIATUS_REVIEW: "Hiatus review",
}
REQUEST_STATUS_WORDS: dict[RequestStatus, str] = {
    RequestStatus.REQUESTED: "asked for",
    RequestStatus.ACKNOWLEDGED: "acknowledged",
    RequestStatus.ARRANGED: "done",
    RequestStatus.DECLINED: "not going ahead",
}


# -- packing words into sections -----------------------------------------------------------------
def _cut(text: str, limit: int) -> int:
    """Where to cut escaped words to fit `limit`: at a line break or space when there is one
    near, and never inside an escape such as &amp;."""
    cut = limit
    amp = text.rfind("&", max(cut - 6, 0), cut)
    if amp != -1 and ";" not in text[amp:cut]:
        cut = amp
    soft = max(text.rfind("\n", cut - 300, cut), text.rfind(" ", cut - 300, cut))
    return soft + 1 if soft > 0 else cut


def _pack(lines: Sequence[str], limit: int = SECTION_LIMIT) -> list[str]:
    """Lines joined into as few texts as fit in sections, a long line split between them."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        while len(line) > limit:
            cut = _cut(line, limit)
            chunks += [current] if current else []
            chunks.append(line[:cut])
            current, line = "", line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            candidate = line
        current = candidate
    return [*chunks, current] if current else chunks


def _sections(lines: Sequence[str]) -> list[Block]:
    return [section(chunk) for chunk in _pack(lines)]


def _quoted(words: str) -> str:
    """Someone's words, escaped, set apart as a quote."""
    return "\n".join(f">{line}" for line in escape_mrkdwn(words).splitlines() or [""])


def _day(moment: datetime, tz: tzinfo) -> str:
    local = moment.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b}"


# -- the record ------------------------------------------------------------------------------
def record_modal(record: RecordView, tz: tzinfo, *, said: str | None = None) -> View:
    """The whole record, within Slack's 100 blocks: the newest steps of the chronology get the
    room the rest leaves, and it says how many earlier ones are not shown. `said`: a line
    about what just happened (nothing changed, say), shown first."""
    incident = record.incident
    if said is None and record.unchanged:
        said = "Nothing was changed: that step had already been taken."
    top = ([context(said)] if said else []) + _summary(record, tz) + _actions(record)
    body = [*_texts(record), *_follow_ups(record, tz), *_outcomes(record.outcomes, tz),
            *_s42(record, tz), *_serious(record, tz), *_breach_tasks(record)]
    fixed = top + body
    if len(fixed) > MAX_BLOCKS - 10:
        fixed = [*fixed[:MAX_BLOCKS - 11], context(
            "There is more to this record than fits here. A safeguarding lead can export it "
            "whole.")]
    blocks = fixed + _chronology(record.chronology, tz, room=MAX_BLOCKS - len(fixed))
    return {"type": "modal", "callback_id": CallbackId.INCIDENT_RECORD,
            "private_metadata": json.dumps({"incident": incident.id}),
            "title": plain(f"Incident #{incident.id}"[:24]), "close": plain("Close"),
            "blocks": blocks[:MAX_BLOCKS]}


def saved_modal(incident_id: int, said: str | None) -> View:
    """A form's answer for someone who opens the record only by choice: saved, and the way in."""
    words = said or "Thank you: that is saved."
    return {"type": "modal", "callback_id": CallbackId.INCIDENT_RECORD,
            "private_metadata": json.dumps({"incident": incident_id}),
            "title": plain(f"Incident #{incident_id}"[:24]), "close": plain("Close"),
            "blocks": [section(words),
                       {"type": "actions", "block_id": f"{BlockId.IN_RECORD_ACTIONS}:saved",
                        "elements": [button("Open the record", ActionId.IN_RECORD,
                                            str(incident_id))]}]}


def _summary(record: RecordView, tz: tzinfo) -> list[Block]:
    incident = record.incident
    fields = [
        f"*Kind*\n{INCIDENT_KIND_WORDS[incident.kind]}",
        f"*How serious*\n{SEVERITY_WORDS[incident.severity][0]}",
        f"*Status*\n{INCIDENT_STATUS_WORDS[incident.status]}",
        f"*Reported*\n{when(incident.created_at, tz)}, by {escape_mrkdwn(record.reporter)}",
    ]
    if incident.session_title:
        fields.append(f"*Session*\n{escape_mrkdwn(incident.session_title)}"[:2000])
    if incident.involved:
        fields.append(("*Involved*\n" + escape_mrkdwn(", ".join(incident.involved)))[:2000])
    blocks: list[Block] = [
        header(f"{INCIDENT_KIND_WORDS[incident.kind]} #{incident.id}"),
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields]}]
    if incident.danger:
        blocks.append(section(f"{DANGER} They said someone may be in immediate danger."))
    return blocks


def _actions(record: RecordView) -> list[Block]:
    incident = record.incident
    value = str(incident.id)
    buttons = []
    if record.may_act:
        buttons.append(button("Add a note", ActionId.IN_NOTE, value))
        if incident.status is IncidentStatus.RESOLVED:
            buttons.append(button("Reopen", ActionId.IN_REOPEN, value))
        else:
            buttons.append(button("Resolve", ActionId.IN_RESOLVE, value, "primary"))
        buttons.append(button("Add a follow-up", ActionId.IN_FOLLOW_UP, value))
        if record.s42_offered:
            buttons.append(button("Safeguarding adults questions", ActionId.IN_S42, value))
        if record.serious is None:
            buttons.append(button("Possibly serious for the charity", ActionId.IN_SERIOUS,
                                  value))
    if record.may_export:
        buttons.append(button("Export for a referral", ActionId.IN_EXPORT, value))
    if record.may_decide and record.serious is not None and record.serious.decision is None:
        buttons.append(button("Record the trustees' decision", ActionId.SI_DECIDE, value,
                              "primary"))
    if not buttons:
        return []
    return [{"type": "actions", "block_id": BlockId.IN_RECORD_ACTIONS, "elements": buttons}]


def _texts(record: RecordView) -> list[Block]:
    incident = record.incident
    blocks = [section("*What happened*"), *text_sections(incident.what_happened)]
    if incident.done_already.strip():
        blocks += [section("*Done already*"), *text_sections(incident.done_already)]
    return blocks


def _follow_ups(record: RecordView, tz: tzinfo) -> list[Block]:
    if not record.follow_ups:
        return []
    blocks: list[Block] = [section("*Follow-ups*")]
    for follow_up in record.follow_ups[:FOLLOW_UPS_SHOWN]:
        if follow_up.status is FollowUpStatus.DONE:
            state = "done" + (f" by {escape_mrkdwn(follow_up.done_by)}"
                              if follow_up.done_by else "") + (
                f", {_day(follow_up.done_at, tz)}" if follow_up.done_at else "")
        else:
            state = "*overdue*" if follow_up.overdue else "open"
        block = section(f"{escape_mrkdwn(follow_up.what)}\n{escape_mrkdwn(follow_up.who)} · "
                        f"due {_day(follow_up.due_at, tz)} · {state}")
        if follow_up.status is FollowUpStatus.OPEN and record.may_act:
            block["accessory"] = button("Done", ActionId.IN_FOLLOW_UP_DONE, str(follow_up.id))
        blocks.append(block)
    more = len(record.follow_ups) - FOLLOW_UPS_SHOWN
    if more > 0:
        blocks.append(context(f"And {more} more."))
    return blocks


def _outcome_lines(outcome: OutcomeView, tz: tzinfo) -> list[str]:
    lines = [f"*Outcome recorded {when(outcome.at, tz)}, by {escape_mrkdwn(outcome.by)}*",
             "*What was done*", _quoted(outcome.what_was_done),
             f"*Spoken with first:* {spoken_words(outcome.spoken)}"]
    if outcome.views_and_wishes.strip():
        lines += ["*Their views and wishes*", _quoted(outcome.views_and_wishes)]
    lines += ["*Decision*", _quoted(outcome.decision), "*Reasons*", _quoted(outcome.reasons),
              "*Referrals*"]
    lines += [f"• {AGENCY_WORDS[r.agency]}"
              + (f" - reference {escape_mrkdwn(r.reference)}" if r.reference else "")
              for r in outcome.referrals] or ["None"]
    return lines


def spoken_words(spoken: Spoken) -> str:
    """As the record says it: the form's words without their hint."""
    return SPOKEN_WORDS[spoken].split(" (")[0]


def _outcomes(outcomes: Sequence[OutcomeView], tz: tzinfo) -> list[Block]:
    blocks: list[Block] = []
    for outcome in outcomes:
        blocks += _sections(_outcome_lines(outcome, tz))
    return blocks


def _s42(record: RecordView, tz: tzinfo) -> list[Block]:
    s42 = record.s42
    if s42 is None:
        return []
    lines = [f"*Safeguarding adults questions* ({when(s42.at, tz)}, by "
             f"{escape_mrkdwn(s42.by)})"]
    lines += [f"{question}\n*{ANSWER_WORDS[answer]}*"
              for question, answer in zip(S42_QUESTIONS, s42.answers, strict=True)]
    lines += [f"*Decision:* {S42_DECISION_WORDS[s42.decision]}", "*Reasons*",
              _quoted(s42.reasons)]
    # The referral the s42 step made (those made with an outcome are shown with it).
    with_outcomes = {r for o in record.outcomes for r in o.referrals}
    lines += [f"*Referred* to {AGENCY_WORDS[r.agency]} ({when(r.at, tz)})"
              + (f", reference {escape_mrkdwn(r.reference)}" if r.reference else "")
              for r in record.referrals
              if r.agency is Agency.ADULT_SAFEGUARDING and r not in with_outcomes]
    return _sections(lines)


def _serious(record: RecordView, tz: tzinfo) -> list[Block]:
    serious = record.serious
    if serious is None:
        return []
    lines = [f"*Possibly serious for the charity* (marked {when(serious.marked_at, tz)}, by "
             f"{escape_mrkdwn(serious.marked_by)})",
             *(f"• {HARM_WORDS[h]}" for h in serious.harms),
             f"Acknowledged by {escape_mrkdwn(serious.acknowledged_by)}"
             if serious.acknowledged_by else "No trustee has acknowledged it yet."]
    decided = (f" ({when(serious.decided_at, tz)}, by {escape_mrkdwn(serious.decided_by)})"
               if serious.decided_at and serious.decided_by else "")
    if serious.decision is CharityDecision.REPORTED:
        day = f"{serious.reported_on.day} {serious.reported_on:%b %Y}" \
            if serious.reported_on else "a day not given"
        lines.append(f"*The trustees' decision:* reported to the Charity Commission on {day}, "
                     f"reference {escape_mrkdwn(serious.reference)}{decided}")
    elif serious.decision is CharityDecision.NOT_REPORTED:
        lines += [f"*The trustees' decision:* not reported{decided}, because:",
                  _quoted(serious.reason)]
    else:
        lines.append("*The trustees' decision:* not yet recorded.")
    return _sections(lines)


def _breach_tasks(record: RecordView) -> list[Block]:
    if not record.breach_tasks:
        return []
    lines = ["*Breach follow-ups*"]
    for task in record.breach_tasks:
        line = (f"• {BREACH_STEP_WORDS[task.step]} with {escape_mrkdwn(task.member_name)}: "
                f"{REQUEST_STATUS_WORDS[task.status]}")
        if task.outcome is not None:
            line += f" - {BREACH_OUTCOME_WORDS[task.outcome]}"
        if task.acted_by:
            line += f" ({escape_mrkdwn(task.acted_by)})"
        lines.append(line)
        if task.outcome_note.strip():
            lines.append(_quoted(task.outcome_note))
    return _sections(lines)


def _step_line(entry: ChronologyEntry, tz: tzinfo) -> str:
    line = f"*{when(entry.at, tz)}* · {step_words(entry.step)}"
    if entry.who:
        line += f" - {escape_mrkdwn(entry.who)}"
    if entry.detail:
        line += f" ({escape_mrkdwn(entry.detail)})"
    if entry.note:
        line += "\n" + _quoted(entry.note)
    return line


def _chronology(entries: Sequence[ChronologyEntry], tz: tzinfo, room: int) -> list[Block]:
    """The newest steps, oldest first, in the room left (a heading and a line on how many
    earlier steps there are take two)."""
    shown = list(entries[-CHRONOLOGY_SHOWN:])
    sections = _sections([_step_line(e, tz) for e in shown])
    while shown and len(sections) > room - 2:
        shown = shown[1:]
        sections = _sections([_step_line(e, tz) for e in shown])
    blocks: list[Block] = [section("*Chronology*")]
    earlier = len(entries) - len(shown)
    if earlier:
        blocks.append(context(f"{earlier} earlier step{'s' if earlier != 1 else ''} not shown "
                              "here. A safeguarding lead can export the whole chronology."))
    return blocks + sections


# -- the forms -------------------------------------------------------------------------------
def _text_input(block_id: BlockId, label: str, *, optional: bool = False,
                multiline: bool = True, max_length: int = 3000,
                hint: str | None = None) -> Block:
    block: Block = {"type": "input", "block_id": block_id, "optional": optional,
                    "label": plain(label),
                    "element": {"type": "plain_text_input", "action_id": ActionId.IN_RECORD_FIELD,
                                "multiline": multiline, "max_length": max_length}}
    if hint:
        block["hint"] = plain(hint)
    return block


def follow_up_inputs(*, optional: bool) -> list[Block]:
    """What, who and by when: optional on the outcome form, all needed on their own."""
    return [
        _text_input(BlockId.FU_WHAT, "What needs doing?", optional=optional, max_length=500),
        {"type": "input", "block_id": BlockId.FU_WHO, "optional": optional,
         "label": plain("Who will do it?"),
         "hint": plain("A safeguarding lead, coordinator or HR officer."),
         "element": {"type": "users_select", "action_id": ActionId.IN_RECORD_FIELD,
                     "placeholder": plain("Choose someone")}},
        {"type": "input", "block_id": BlockId.FU_BY, "optional": optional,
         "label": plain("By when?"),
         "hint": plain("They get a reminder that morning. If it is missed, the safeguarding "
                       "leads are told too."),
         "element": {"type": "datepicker", "action_id": ActionId.IN_RECORD_FIELD,
                     "placeholder": plain("Choose a day")}},
    ]


def _form(callback: CallbackId, incident_id: int, title: str, submit: str,
          blocks: list[Block]) -> View:
    return {"type": "modal", "callback_id": callback,
            "private_metadata": json.dumps({"incident": incident_id}),
            "title": plain(title[:24]), "submit": plain(submit[:24]),
            "close": plain("Cancel"), "blocks": blocks}


def outcome_form(incident_id: int) -> View:
    referrals = [option(AGENCY_WORDS[a], a.value) for a in Agency]
    referrals.append(option("None", NO_REFERRAL))
    return _form(CallbackId.INCIDENT_OUTCOME, incident_id, f"Resolve #{incident_id}", "Resolve", [
        context("Resolving records what was done, kept with the incident's record and seen "
                "only by the people it was sent to."),
        _text_input(BlockId.OC_DONE, "What was done?"),
        {"type": "input", "block_id": BlockId.OC_SPOKEN,
         "label": plain("Was the person spoken with before any action was taken?"),
         "element": {"type": "radio_buttons", "action_id": ActionId.IN_RECORD_FIELD,
                     "options": [option(SPOKEN_WORDS[s], s.value) for s in Spoken]}},
        _text_input(BlockId.OC_WISHES, "Their views and wishes", optional=True,
                    hint="What they said they wanted, in their words where you can."),
        _text_input(BlockId.OC_DECISION, "What was decided?"),
        _text_input(BlockId.OC_REASONS, "The reasons for the decision"),
        {"type": "input", "block_id": BlockId.OC_REFERRALS, "label": plain("Referrals made"),
         "element": {"type": "checkboxes", "action_id": ActionId.IN_RECORD_FIELD,
                     "options": referrals}},
        _text_input(BlockId.OC_REFERENCES, "Reference numbers", optional=True, max_length=500,
                    hint="One a line, in the order above - or like \"Police: 1234\"."),
        section("*A follow-up* (if there is one): something someone will do by a day."),
        *follow_up_inputs(optional=True),
    ])


def reopen_form(incident_id: int) -> View:
    return _form(CallbackId.INCIDENT_REOPEN, incident_id, f"Reopen #{incident_id}", "Reopen", [
        _text_input(BlockId.IN_REOPEN_WHY, "Why is it being reopened?"),
        context("It goes back to being open, and why is kept on its chronology."),
    ])


def follow_up_form(incident_id: int) -> View:
    return _form(CallbackId.INCIDENT_FOLLOW_UP, incident_id, f"Follow-up on #{incident_id}",
                 "Add follow-up", follow_up_inputs(optional=False))


# -- follow-up messages ----------------------------------------------------------------------
def follow_up_message(view: FollowUpNoticeView, notice: FollowUpNotice, tz: tzinfo) -> Payload:
    """To the person doing it (theirs; due today; missed), or chasing a safeguarding lead;
    redrawn as done once it is."""
    number, day, who = view.incident_id, _day(view.due_at, tz), escape_mrkdwn(view.who)
    if view.done:
        by = f" by {escape_mrkdwn(view.done_by)}" if view.done_by else ""
        text = f"Done: the follow-up on incident #{number} was marked done{by}."
    elif notice.chase:
        text = (f"Missed: a follow-up on incident #{number} was due {day} and is not yet "
                f"marked done. It is {who}'s to do.")
    elif notice.number == 0:
        text = f"A follow-up on incident #{number} is yours, due {day}."
    elif notice.number == 1:
        text = f"Due today: your follow-up on incident #{number}. This is what to do:"
    else:
        text = (f"Missed: your follow-up on incident #{number} was due {day} and is not yet "
                "marked done.")
    blocks: list[Block] = [section(text)]
    if not notice.chase and not view.done:
        blocks.append(section(_quoted(view.what)[:SECTION_LIMIT]))
    blocks.append(_follow_up_actions(view))
    return {"text": text, "blocks": blocks}


def _follow_up_actions(view: FollowUpNoticeView) -> Block:
    buttons = [button("Open the record", ActionId.IN_RECORD, str(view.incident_id))]
    if not view.done:
        buttons.append(button("Done", ActionId.IN_FOLLOW_UP_DONE, str(view.id), "primary"))
    return {"type": "actions", "block_id": f"{BlockId.IN_RECORD_ACTIONS}:{view.id}",
            "elements": buttons}


def easy_follow_up_message(view: FollowUpNoticeView, notice: FollowUpNotice,
                           tz: tzinfo) -> Payload:
    """Easy read: the same follow-up, a line each, kindly (a missed one is not a telling-off);
    what to do next last."""
    number, who = view.incident_id, escape_mrkdwn(view.who)
    day = easy_day(view.due_at.astimezone(tz).date())
    explain = "It is a follow-up: a job to do after an incident."
    if view.done:
        by = escape_mrkdwn(view.done_by) if view.done_by else "Someone"
        text = f"Done: the job for incident {number}"
        lines = [f"*{text}.*", f"{by} marked it as done.", "Thank you."]
    elif notice.chase:
        text = f"A job for incident {number} is not done yet"
        lines = [f"*{text}.*", explain, f"It was due on {day}.", f"{who} is the one doing it.",
                 "You can see it in the record.", "Tap Open the record."]
    elif notice.number == 0:
        text = f"You have a new job for incident {number}"
        lines = [f"*{text}.*", explain, f"Please do it by {day}."]
    elif notice.number == 1:
        text = f"Your job for incident {number} is due today"
        lines = [f"*{text}.*", explain]
    else:
        text = f"Your job for incident {number} is not done yet"
        lines = [f"*{text}.*", explain, f"It was due on {day}."]
    blocks: list[Block] = [section(easy_lines(lines))]
    if not notice.chase and not view.done:
        blocks += [section("*The job:*"), section(_quoted(view.what)[:SECTION_LIMIT]),
                   section("Tap Done when you have done it.")]
    blocks.append(_follow_up_actions(view))
    return {"text": text, "blocks": blocks}


def _draw_follow_up(notice: FollowUpNotice, services: Services, style: Style) -> Payload:
    view = services.incident_record.follow_up_notice(notice.follow_up_id)
    if view.done:
        raise NoticeGone(notice.follow_up_id)  # a reminder not yet sent is not needed now
    draw = easy_follow_up_message if style.easy_read else follow_up_message
    return draw(view, notice, services.settings.timezone)


def _redraw_follow_up(notice: FollowUpNotice, services: Services, style: Style) -> Payload:
    view = services.incident_record.follow_up_notice(notice.follow_up_id)
    draw = easy_follow_up_message if style.easy_read else follow_up_message
    return draw(view, notice, services.settings.timezone)


RENDERERS: dict[type[Notice], Renderer] = {
    FollowUpNotice: _draw_follow_up,
}
# A follow-up done: a reminder still waiting is not sent, but each one posted says it is done.
REDRAWERS: dict[type[Notice], Renderer] = {
    FollowUpNotice: _redraw_follow_up,
}
