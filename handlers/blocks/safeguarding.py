"""Blocks for the s42 step (the three Care Act questions, the decision and the council's
contact) and the chronology export."""

from __future__ import annotations

import json
from typing import Any

from bot.notices import Notice
from bot.rules.safeguarding import (
    ANSWER_WORDS,
    LONG_TEXT,
    REFERENCE_LENGTH,
    S42_DECISION_WORDS,
    S42_QUESTIONS,
    Answer,
    S42Decision,
    s42_points_to_referral,
)
from bot.services.safeguarding import S42Start
from bot.signposting import Signpost
from handlers.blocks.text import (
    Block,
    Renderer,
    View,
    context,
    escape_mrkdwn,
    option,
    plain,
    section,
)
from handlers.ids import ActionId, BlockId, CallbackId

S42_INTRO = (
    "*The Care Act s42 questions*\nThe council must make enquiries about an adult when all "
    "three of these are true. Answering them helps you decide whether to refer to the "
    "council's adult safeguarding team. Answer with what you know now: \"not sure\" is a fine "
    "answer.")
REFERRAL_HINT = (
    "When all three are yes or not sure, referring is usual. The person's views and wishes "
    "matter - ask them and record them - but they do not stop a referral when others are at "
    "risk.")
NO_CONTACT = (
    "*Your council's adult safeguarding team*\nNo contact is set up yet. A coordinator can add "
    "it to the signposting file (the one COPROD_SIGNPOSTING_FILE names), as an entry with "
    "`adult_safeguarding: true`. Until then, gov.uk/report-safeguarding-issue finds the council "
    "by postcode.")
S42_BLOCKS = (BlockId.S42_Q1, BlockId.S42_Q2, BlockId.S42_Q3)
SENT = ("I've sent you the chronology of incident #{number} in a direct message, as Markdown "
        "and PDF. It holds people's personal details: please keep it safe, share it only with "
        "the agency you are referring to, and delete your copies when they are no longer "
        "needed.")
ONLY_LEADS = ("A chronology can only be exported by a safeguarding lead the incident was sent "
              "to. If a referral needs one, please ask your safeguarding lead.")


def _contacts(contacts: tuple[Signpost, ...]) -> Block:
    if not contacts:
        return section(NO_CONTACT)
    lines = [f"{escape_mrkdwn(c.name)}: *{escape_mrkdwn(c.contact)}*"
             + (f"\n{escape_mrkdwn(c.when)}" if c.when else "") for c in contacts]
    return section("*Your council's adult safeguarding team*\n" + "\n".join(lines))


def _radio(block_id: str, label: str, options: list[dict[str, Any]],
           initial: str | None) -> Block:
    element: dict[str, Any] = {"type": "radio_buttons", "action_id": ActionId.IN_RECORD_FIELD,
                               "options": options}
    chosen = [o for o in options if o["value"] == initial]
    if chosen:
        element["initial_option"] = chosen[0]
    return {"type": "input", "block_id": block_id, "label": plain(label), "element": element}


def _text(block_id: str, label: str, limit: int, *, multiline: bool, optional: bool = False,
          initial: str = "", hint: str | None = None) -> Block:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": ActionId.IN_RECORD_FIELD,
                               "multiline": multiline, "max_length": limit}
    if initial:
        element["initial_value"] = initial[:limit]
    block: Block = {"type": "input", "block_id": block_id, "label": plain(label),
                    "optional": optional, "element": element}
    if hint:
        block["hint"] = plain(hint)
    return block


def s42_form(start: S42Start) -> View:
    """The three questions, the council's contact, the decision and its reasons. Answering
    again shows the answers given before."""
    before = start.previous
    answers: tuple[Answer | None, ...] = before.answers if before else (None, None, None)
    answer_options = [option(ANSWER_WORDS[a], a.value) for a in Answer]
    blocks: list[Block] = [section(S42_INTRO)]
    for number, (block_id, question, given) in enumerate(
            zip(S42_BLOCKS, S42_QUESTIONS, answers, strict=True), start=1):
        blocks.append(_radio(block_id, f"{number}. {question}", answer_options,
                             given.value if given else None))
    blocks.append(_contacts(start.contacts))
    blocks.append(_radio(BlockId.S42_DECISION, "Your decision",
                         [option(S42_DECISION_WORDS[d], d.value) for d in S42Decision],
                         before.decision.value if before else None))
    hint = REFERRAL_HINT
    if before and s42_points_to_referral(before.answers):
        hint = "The answers given before point to a referral. " + hint
    blocks.append(context(hint))
    blocks.append(_text(BlockId.S42_REASONS, "Why - the reasons for the decision", LONG_TEXT,
                        multiline=True, initial=before.reasons if before else ""))
    blocks.append(_text(BlockId.S42_REFERENCE, "The council's reference", REFERENCE_LENGTH,
                        multiline=False, optional=True, initial=start.reference,
                        hint="If you referred and they gave you one."))
    if before:
        blocks.append(context("Saving replaces the answers given before; both stay on the "
                              "record's chronology."))
    return {"type": "modal", "callback_id": CallbackId.INCIDENT_S42,
            "private_metadata": json.dumps({"incident": start.incident_id}),
            "title": plain("Care Act s42 questions"), "submit": plain("Save"),
            "close": plain("Back"), "blocks": blocks}


def chronology_comment(incident_id: int) -> str:
    """The words that go with the uploaded files, in the lead's DM."""
    return (f"The chronology of incident #{incident_id}, for a referral, as Markdown and PDF. "
            "Please keep these files safe: share them only with the agency you are referring "
            "to, and delete your copies when they are no longer needed.")


RENDERERS: dict[type[Notice], Renderer] = {}
