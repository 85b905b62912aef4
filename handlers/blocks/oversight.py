"""Blocks for trustees: marking an incident as possibly serious, the trustees' messages about
it and their decision, the digest, and their part of App Home. No reporter's or involved
person's name and no words from a report ever appear here: only numbers, kinds and dates."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, tzinfo
from typing import TYPE_CHECKING

from bot.notices import Notice, NoticeGone
from bot.rules.communication import Style
from bot.rules.incidents import INCIDENT_KIND_WORDS, SEVERITY_WORDS, IncidentKind
from bot.rules.safeguarding import (
    HARM_WORDS,
    LONG_TEXT,
    REFERENCE_LENGTH,
    CharityDecision,
    Harm,
    harms_in_words,
)
from bot.services.oversight import (
    DigestView,
    PendingDecision,
    SeriousIncidentNotice,
    SeriousNoticeView,
    TrusteeDigest,
    TrusteesDecided,
    decision_words,
)
from handlers.blocks.easy import easy_day, easy_message, easy_when, in_either_style
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
    when,
)
from handlers.ids import ActionId, BlockId, CallbackId

if TYPE_CHECKING:
    from bot.services import Services

SERIOUS_EXPLAINED = (
    "A charity's trustees must report a *serious incident* to the Charity Commission "
    "promptly: something that has caused, or risks, significant harm to the people the "
    "charity works with, its staff or volunteers; loss of its money or assets; damage to its "
    "property; or harm to its work or reputation. Marking this incident tells the trustees, "
    "and reminds them until they record whether they have reported it. *They decide, not "
    "you.* Their message has no names and nothing from the report; they read it only if they "
    "open the record.")
DECISION_EXPLAINED = (
    "If you have reported it, give the day and the Charity Commission's reference. If the "
    "trustees decided not to report it, say why: the record keeps the reasons, so the "
    "decision can be explained later. The reference and the reasons are seen only in the "
    "record.")
DECISION_OPTIONS = {
    CharityDecision.REPORTED: "Reported to the Charity Commission",
    CharityDecision.NOT_REPORTED: "Not reported",
}


def _incident_metadata(incident_id: int) -> str:
    return json.dumps({"incident": incident_id})


def serious_form(incident_id: int) -> View:
    """A lead marks an incident as possibly serious for the charity."""
    return {
        "type": "modal", "callback_id": CallbackId.INCIDENT_SERIOUS,
        "private_metadata": _incident_metadata(incident_id),
        "title": plain("Possibly serious"), "submit": plain("Tell the trustees"),
        "close": plain("Cancel"),
        "blocks": [
            section(f"*Incident #{incident_id}: possibly serious for the charity?*"),
            context(SERIOUS_EXPLAINED),
            {"type": "input", "block_id": BlockId.SI_HARMS,
             "label": plain("How might it be serious?"),
             "element": {"type": "checkboxes", "action_id": ActionId.IN_RECORD_FIELD,
                         "options": [option(HARM_WORDS[h], h.value) for h in Harm]}},
        ]}


def decision_form(incident_id: int) -> View:
    """A trustee records whether the incident was reported to the Charity Commission."""
    def optional(block_id: str, label: str, element: dict[str, object]) -> Block:
        return {"type": "input", "block_id": block_id, "optional": True,
                "label": plain(label), "element": {**element, "action_id":
                                                   ActionId.IN_RECORD_FIELD}}

    return {
        "type": "modal", "callback_id": CallbackId.CHARITY_DECISION,
        "private_metadata": _incident_metadata(incident_id),
        "title": plain("Trustees' decision"), "submit": plain("Record decision"),
        "close": plain("Cancel"),
        "blocks": [
            section(f"*Incident #{incident_id}: reporting it to the Charity Commission*"),
            context(DECISION_EXPLAINED),
            {"type": "input", "block_id": BlockId.CD_DECISION,
             "label": plain("What did the trustees decide?"),
             "element": {"type": "radio_buttons", "action_id": ActionId.IN_RECORD_FIELD,
                         "options": [option(w, d.value) for d, w in DECISION_OPTIONS.items()]}},
            optional(BlockId.CD_REPORTED_ON, "If reported: the day it was reported",
                     {"type": "datepicker", "placeholder": plain("Choose the day")}),
            optional(BlockId.CD_REFERENCE, "If reported: the Charity Commission's reference",
                     {"type": "plain_text_input", "max_length": REFERENCE_LENGTH}),
            optional(BlockId.CD_REASON, "If not reported: why not",
                     {"type": "plain_text_input", "multiline": True,
                      "max_length": LONG_TEXT}),
        ]}


# -- the trustees' messages -------------------------------------------------------------------
def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _ago(days: int) -> str:
    return "today" if days == 0 else "1 day ago" if days == 1 else f"{days} days ago"


def serious_words(view: SeriousNoticeView, reminder: int) -> str:
    """The message's words, whole on their own (notifications and screen readers read them)."""
    number, harms = view.incident_id, harms_in_words(view.harms)
    if view.decision is not None:
        outcome = ("reported to the Charity Commission on " + _day(view.reported_on)
                   if view.decision is CharityDecision.REPORTED and view.reported_on
                   else decision_words(view.decision, view.reported_on)
                   + " to the Charity Commission")
        return (f"Incident #{number} was marked as possibly serious for the charity. The risk: "
                f"{harms}. The trustees have made their decision: {outcome}.")
    need = "The trustees need to decide whether to report it to the Charity Commission."
    if reminder:
        return (f"Still to decide: incident #{number} was marked as possibly serious for the "
                f"charity {_ago(view.marked_days_ago)}. The risk: {harms}. {need}")
    return (f"Incident #{number} has been marked as possibly serious for the charity. The "
            f"risk: {harms}. {need}")


def serious_message(view: SeriousNoticeView, reminder: int, tz: tzinfo) -> Payload:
    words = serious_words(view, reminder)
    notes = [f"Marked {when(view.marked_at, tz)}"]
    if view.acknowledged_by:
        notes.append(f"Acknowledged by {escape_mrkdwn(view.acknowledged_by)}")
    if view.decided_by:
        notes.append(f"Decision recorded by {escape_mrkdwn(view.decided_by)}")
    blocks: list[Block] = [
        section(words), context(" · ".join(notes)),
        context("This message has nothing from the report in it. The record has it, and each "
                "time it is opened is noted."),
        _serious_actions(view, reminder)]
    return {"text": words, "blocks": blocks}


def _serious_actions(view: SeriousNoticeView, reminder: int) -> Block:
    value = str(view.incident_id)
    buttons = []
    if view.decision is None and view.acknowledged_by is None:
        buttons.append(button("Acknowledge", ActionId.SI_ACKNOWLEDGE, value, "primary"))
    buttons.append(button("Open the record", ActionId.IN_RECORD, value))
    if view.decision is None:
        buttons.append(button("Record the decision", ActionId.SI_DECIDE, value))
    # The reminder's number is in the block's id, so a click redraws this copy as it was.
    return {"type": "actions", "block_id": f"{BlockId.SI_ACTIONS}:{value}:{reminder}",
            "elements": buttons}


def _easy_year_day(day: date) -> str:
    """"Tuesday 24 November 2026"."""
    return f"{easy_day(day)} {day.year}"


def _easy_decision(decision: CharityDecision, reported_on: date | None) -> list[str]:
    if decision is CharityDecision.REPORTED:
        return ["They told the Charity Commission.",
                f"That was on {_easy_year_day(reported_on)}." if reported_on else ""]
    return ["They chose not to tell the Charity Commission."]


# Each harm in everyday words ("reputation": its good name).
EASY_HARM_WORDS: dict[Harm, str] = {
    Harm.PEOPLE: "harm to people",
    Harm.LOSS: "losing money or things it owns",
    Harm.DAMAGE: "damage to its buildings or things",
    Harm.REPUTATION: "harm to its work or good name",
}


def _easy_harms(harms: Sequence[Harm], *, now: bool) -> list[str]:
    """One harm a line: all four in one sentence would be too long to read easily."""
    named = [EASY_HARM_WORDS[h] for h in Harm if h in harms]
    if len(named) == 1:
        return [f"The worry {'is' if now else 'was'} {named[0]}."]
    return [f"The worries {'are' if now else 'were'}:", *(f"• {words}" for words in named)]


def easy_serious_message(view: SeriousNoticeView, reminder: int, tz: tzinfo) -> Payload:
    """Easy read: the same numbers, harms, dates and trustees' names, a line each."""
    number = view.incident_id
    marked = f"Someone marked it on {easy_when(view.marked_at, tz)}."
    if view.decision is not None:
        text = f"The trustees have made their choice about incident {number}"
        lines = [f"*{text}.*", marked, "They said it may be serious for the charity.",
                 *_easy_harms(view.harms, now=False),
                 "Then the trustees chose what to do.",
                 *_easy_decision(view.decision, view.reported_on)]
    else:
        text = (f"Still to decide: incident {number} may be serious for the charity"
                if reminder else f"Incident {number} may be serious for the charity")
        lines = [f"*{text}.*", *_easy_harms(view.harms, now=True), marked]
        if reminder:
            lines.append(f"That was {_ago(view.marked_days_ago)}.")
        lines += ["The trustees need to choose what to do.",
                  "Should they tell the Charity Commission?"]
    if view.acknowledged_by:
        lines.append(f"{escape_mrkdwn(view.acknowledged_by)} said they have seen it.")
    if view.decided_by:
        lines.append(f"{escape_mrkdwn(view.decided_by)} wrote down the choice.")
    lines += ["There is nothing from the report in this message.",
              "It is in the record. We note each time someone opens it."]
    if view.decision is not None:
        lines.append("Tap Open the record to see more.")
    else:
        choose = "when you have made your choice, tap Record the decision."
        if view.acknowledged_by is None:
            lines += ["Tap Acknowledge to say you have seen this.", f"Then, {choose}"]
        else:
            lines.append(choose[:1].upper() + choose[1:])
    return easy_message(lines, actions=[_serious_actions(view, reminder)], text=text)


serious_message_in = in_either_style(serious_message, easy_serious_message)


def decided_message(view: SeriousNoticeView) -> Payload:
    """To the lead who marked it."""
    outcome = (decision_words(view.decision, view.reported_on) if view.decision
               else "not yet recorded")
    words = (f"The trustees have made their decision on incident #{view.incident_id}. You "
             f"said it may be serious for the charity. Their decision: {outcome}.")
    return {"text": words, "blocks": [section(words), _decided_actions(view)]}


def _decided_actions(view: SeriousNoticeView) -> Block:
    return {"type": "actions", "block_id": f"{BlockId.SI_ACTIONS}:{view.incident_id}:decided",
            "elements": [button("Open the record", ActionId.IN_RECORD, str(view.incident_id))]}


def easy_decided_message(view: SeriousNoticeView) -> Payload:
    lines = [f"*News about incident {view.incident_id}.*",
             "You told the trustees it may be serious for the charity.",
             "They have made their choice now." if view.decision
             else "They have not written down their choice yet.",
             *(_easy_decision(view.decision, view.reported_on) if view.decision else []),
             "You can read more in the record.", "Tap Open the record."]
    return easy_message(lines, actions=[_decided_actions(view)],
                        text=f"News about incident {view.incident_id}: the trustees have "
                             "made their choice")


# -- the digest -------------------------------------------------------------------------------
def _period(start: date, end: date) -> str:
    last = date(end.year - (end.month == 1), (end.month - 2) % 12 + 1, 1)
    if last == start:
        return f"{start:%B %Y}"
    first = f"{start:%B}" if start.year == last.year else f"{start:%B %Y}"
    return f"{first} to {last:%B %Y}"


def _incident_lines(view: DigestView) -> str:
    lines: dict[IncidentKind, list[str]] = {}
    for kind, severity, count in view.incidents:
        lines.setdefault(kind, []).append(f"{count} {SEVERITY_WORDS[severity][0].lower()}")
    return "\n".join(f"• {INCIDENT_KIND_WORDS[k]}: {', '.join(v)}" for k, v in lines.items())


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


def digest_message(view: DigestView) -> Payload:
    period = _period(view.start, view.end)
    incidents = sum(n for _, _, n in view.incidents)
    median = view.median_days_to_resolve
    speed = f", in a median of {median:g} days" if median is not None else ""
    words = (f"Trustee digest for {period}: {_plural(incidents, 'incident')}, "
             f"{_plural(view.decisions_pending, 'serious-incident decision')} waiting, "
             f"{view.feedback_received} feedback received, "
             f"{_plural(view.sessions_without_cover, 'session')} run without cover.")
    blocks: list[Block] = [
        header(f"Trustee digest: {period}"),
        section(f"*Incidents: {incidents}*" + (f"\n{_incident_lines(view)}" if incidents
                                                else "")),
        section(f"*Guideline breaches:* {view.breaches} in the period. Hiatus reviews open "
                f"now: {view.hiatus_reviews_open}"),
        section(f"*Follow-ups open now:* {view.follow_ups_open}. Of these, overdue: "
                f"{view.follow_ups_overdue}"),
        section(f"*Serious incidents the trustees still have to decide on:* "
                f"{view.decisions_pending}"),
        section(f"*Feedback:* {view.feedback_received} came in, {view.feedback_resolved} "
                f"were resolved{speed}"),
        section(f"*Sessions:* {view.sessions_ran} ran. Of these, {view.sessions_without_cover} "
                "had too few facilitators or no trained one"),
        context("These are counts only. There are no names here, and nothing anyone wrote. "
                "What is open is counted as it is now."),
    ]
    return {"text": words, "blocks": blocks}


def easy_digest_message(view: DigestView) -> Payload:
    """Easy read: the same counts, one a line, with what each one counts in everyday words."""
    period = _period(view.start, view.end)
    incidents = sum(n for _, _, n in view.incidents)
    median = view.median_days_to_resolve
    lines = [f"*Trustee digest for {period}*", "This has numbers only.",
             "It has no names, and nothing anyone wrote.",
             f"*Incidents: {incidents}*", _easy_incident_lines(view),
             f"*Times someone broke our guidelines: {view.breaches}*",
             f"Hiatus reviews still open: {view.hiatus_reviews_open}.",
             "That is a talk about a break from an active role.",
             f"*Follow-ups still open: {view.follow_ups_open}*",
             f"Of these, late: {view.follow_ups_overdue}.",
             f"*Serious incidents still for you to decide on: {view.decisions_pending}*",
             f"*Feedback that came in: {view.feedback_received}*",
             f"Feedback we dealt with: {view.feedback_resolved}.",
             f"Half of these took {median:g} days or less." if median is not None else "",
             f"*Sessions that ran: {view.sessions_ran}*",
             f"Of these, {view.sessions_without_cover} had too few people to run them, "
             "or nobody trained.",
             "We count open things as they are today."]
    text = (f"Trustee digest for {period}: {_plural(incidents, 'incident')}, "
            f"{view.decisions_pending} for the trustees to decide")
    return easy_message(lines, text=text)


def _easy_incident_lines(view: DigestView) -> str:
    counts: dict[IncidentKind, list[str]] = {}
    for kind, severity, count in view.incidents:
        counts.setdefault(kind, []).append(f"{count} {SEVERITY_WORDS[severity][0].lower()}")
    return "\n".join(f"{INCIDENT_KIND_WORDS[k]}: {' and '.join(v)}." for k, v in counts.items())


# -- App Home ---------------------------------------------------------------------------------
def home_serious(pending: Sequence[PendingDecision], tz: tzinfo) -> list[Block]:
    blocks: list[Block] = [header(f"Serious incidents to decide ({len(pending)})")]
    if not pending:
        blocks.append(section("None waiting for the trustees."))
    for item in pending[:10]:
        value = str(item.incident_id)
        blocks += [
            section(f"*#{item.incident_id} {INCIDENT_KIND_WORDS[item.kind]}* · marked "
                    f"{when(item.marked_at, tz)}"),
            {"type": "actions", "block_id": f"{BlockId.SI_ACTIONS}:{value}:home", "elements": [
                button("Open the record", ActionId.IN_RECORD, value),
                button("Record the decision", ActionId.SI_DECIDE, value)]}]
    return blocks


# -- drawing the notices oversight records ------------------------------------------------------
def _draw_serious(notice: SeriousIncidentNotice, services: Services, style: Style) -> Payload:
    view = services.oversight.notice_view(notice.incident_id)
    if notice.reminder and view.decision is not None:
        raise NoticeGone(notice.incident_id)  # a reminder that comes too late says nothing
    return serious_message_in(style, view, notice.reminder, services.settings.timezone)


def _redraw_serious(notice: SeriousIncidentNotice, services: Services, style: Style) -> Payload:
    """A copy already posted, reminders too, shows the state now: acknowledged, decided."""
    return serious_message_in(style, services.oversight.notice_view(notice.incident_id),
                              notice.reminder, services.settings.timezone)


def _draw_decided(notice: TrusteesDecided, services: Services, style: Style) -> Payload:
    draw = easy_decided_message if style.easy_read else decided_message
    return draw(services.oversight.notice_view(notice.incident_id))


def _draw_digest(notice: TrusteeDigest, services: Services, style: Style) -> Payload:
    draw = easy_digest_message if style.easy_read else digest_message
    return draw(services.oversight.digest(notice.first_month, notice.months))


RENDERERS: dict[type[Notice], Renderer] = {
    SeriousIncidentNotice: _draw_serious,
    TrusteesDecided: _draw_decided,
    TrusteeDigest: _draw_digest,
}
# Drawn differently when a posted copy is redrawn (handlers/notices.py REDRAWERS).
REDRAWERS: dict[type[Notice], Renderer] = {
    SeriousIncidentNotice: _redraw_serious,
}
