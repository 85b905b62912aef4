"""Blocks for /coprod: help, who am I, and the coordinators' delivery overview."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from bot.notices import Notice
from bot.rules.communication import Style
from bot.rules.roles import ROLE_WORDS, Role
from bot.services.deliveries import DeliveryOverview
from bot.services.members import MemberView
from bot.services.privacy import ErasureRequested
from bot.services.profiles import TextsQuietHours
from bot.services.texting import Unreachable
from handlers.blocks.easy import easy_message
from handlers.blocks.profiles import quiet_lines
from handlers.blocks.text import (
    Block,
    Payload,
    Renderer,
    context,
    crisis_footer,
    divider,
    escape_mrkdwn,
    header,
    section,
)

if TYPE_CHECKING:
    from bot.services import Services

# How a member asked to be reached (the directory's contact column).
CONTACT_WORDS = {"slack": "Slack", "sms": "text", "both": "Slack and text"}


def _role_words(roles: Sequence[str] | frozenset[Role]) -> str:
    """Roles in the organisation's words, in the order the directory lists them."""
    held = sorted((Role(r) for r in roles), key=list(Role).index)
    return ", ".join(ROLE_WORDS[r] for r in held)


def help_blocks(org_name: str, crisis_line: str, *, unknown: str | None = None) -> list[Block]:
    blocks: list[Block] = []
    if unknown is not None:
        blocks.append(section(
            f"I don't know `{escape_mrkdwn(unknown[:50])}` yet. Here is what I can do:"
        ))
    blocks += [
        header(f"{org_name} on Slack"),
        section(
            "I help us run the organisation together. You can type:\n"
            "• `/feedback` to send a compliment, suggestion, complaint or concern\n"
            "• `/sessions` to see coming sessions and claim a place to facilitate\n"
            "• `/meetings` for forums and meetings: say if you're coming, add to the agenda\n"
            "• `/involve` for ways to get involved, policies to agree, expenses and "
            "declarations\n"
            "• `/incident` to report a safeguarding concern or something that went wrong\n"
            "• `/coprod signpost` for local services and crisis lines\n"
            "• `/coprod whoami` to see the roles you hold here\n"
            "• `/coprod profile` to choose how we reach you: Slack or texts, easy read, "
            "words for screen readers, and hours you'd rather not be messaged\n"
            "• `/coprod mydata` to see everything Coprod holds about you\n"
            "• `/coprod consent` to see or change your consents; `/coprod forget me` to be "
            "erased\n"
            "• `/coprod deliveries` (coordinators) to see messages and texts that could not be "
            "sent\n"
            "• `/coprod profile NAME` (coordinators) to change someone's, with their agreement"
        ),
        section("Only you can see this message."),
        divider(),
        crisis_footer(crisis_line),
    ]
    return blocks


def whoami_blocks(member: MemberView | None, crisis_line: str) -> list[Block]:
    if member is None:
        return [
            section(
                "You're not in our member list yet, so I can't show any roles. "
                "A coordinator can add you - it only takes a minute."
            ),
            crisis_footer(crisis_line),
        ]
    lines = [f"*{escape_mrkdwn(member.name)}*", f"Roles: {_role_words(member.roles)}"]
    if Role.TRAINED in member.roles:
        lines.append(
            f"Training valid until {member.trained_until:%d %B %Y}"
            if member.trained_until
            else "Training: no end date recorded yet"
        )
    lines.append(f"We reach you by: {CONTACT_WORDS.get(member.contact, member.contact)}")
    lines.append("Texts: " + ("you've agreed to receive them" if member.sms_consent
                              else "we won't text you"))
    lines.append(f"Messages: {_profile_words(member.reading.value, member.screen_reader)}")
    lines += quiet_lines(member.quiet, TextsQuietHours() if member.takes_texts else None)
    lines.append("`/coprod profile` changes how we reach you.")
    return [section("\n".join(lines)), crisis_footer(crisis_line)]


def _profile_words(reading: str, screen_reader: bool) -> str:
    words = "easy read" if reading == "easy_read" else "standard"
    return words + (", words only for a screen reader" if screen_reader else "")


def deliveries_blocks(overview: DeliveryOverview, tz: tzinfo,
                      unreachable: Sequence[Unreachable] = ()) -> list[Block]:
    blocks: list[Block] = [
        header("Deliveries"),
        section(
            f"Waiting to send: *{overview.pending}*   Sent: *{overview.sent}*   "
            f"Could not send: *{overview.failed}*"
        ),
    ]
    if unreachable:
        people = "\n".join(f"• {escape_mrkdwn(u.name)}: {escape_mrkdwn(u.reason)}"
                           for u in unreachable[:30])
        blocks.append(section("*Members who want texts but can't get them*\n" + people))
    if not overview.recent_failures:
        blocks.append(section("Nothing has failed: everything has gone out or is on its way."))
        return blocks
    lines = [
        f"• {f.created_at.astimezone(tz):%d %b %H:%M} - {f.what} to {escape_mrkdwn(f.recipient)}: "
        f"{escape_mrkdwn(f.reason)}"
        for f in overview.recent_failures
    ]
    blocks.append(section("*Most recent that could not be sent*\n" + "\n".join(lines)))
    return blocks


def not_allowed_blocks(message: str) -> list[Block]:
    return [section(f"{message} If you think you should have access, please ask a coordinator.")]


def my_data_blocks(data: dict[str, Any]) -> list[Block]:
    """A readable summary, then the whole record as JSON (split to fit Slack's limits)."""
    person = data["member"]
    lines = [f"*{escape_mrkdwn(person['name'])}*",
             f"Roles: {_role_words(person['roles'])}",
             f"Phone: {person['phone'] or 'none'} · "
             f"We reach you by: {CONTACT_WORDS.get(person['contact'], person['contact'])}",
             f"Messages: {_profile_words(person['reading'], person['screen_reader'])} · "
             f"Quiet hours: {(person['quiet_hours'] or 'none').replace('-', ' to ')}",
             f"Text consent changes: {len(data['text_consent'])}",
             f"Sessions: facilitating {len(data['sessions_facilitating'])}, "
             f"coming to {len(data['sessions_attending'])}",
             f"Meeting answers: {len(data['meeting_answers'])} · Agenda items: "
             f"{len(data['agenda_items'])}",
             f"Feedback with your name: {len(data['feedback_with_your_name'])} · "
             f"Texts you sent us: {len(data['texts_you_sent_us'])}",
             f"Incidents you reported: {len(data['incidents_you_reported'])}"]
    blocks: list[Block] = [header("What Coprod holds about you"), section("\n".join(lines)),
                           context(escape_mrkdwn(data["note"]))]
    export = escape_mrkdwn(json.dumps(data, indent=1, ensure_ascii=False))
    for start in range(0, min(len(export), 40 * 2900), 2900):
        blocks.append(section("```" + export[start:start + 2900] + "```"))
    blocks.append(context("`/coprod consent` shows and changes your consents; "
                          "`/coprod forget me` asks us to erase you."))
    return blocks[:50]


def consent_blocks(data: dict[str, Any]) -> list[Block]:
    history = [f"• {c['when'][:16].replace('T', ' ')} - {'agreed' if c['given'] else 'stopped'} "
               f"({escape_mrkdwn(c['how'])})" for c in data["text_consent"]]
    testimonies = [c for c in data["feedback_with_your_name"] if c["may_share_as_testimony"]]
    return [
        section("*Texts*\n" + ("\n".join(history) or "No consent to texts recorded.")
                + "\n`/coprod consent stop texts` or `/coprod consent start texts`"),
        section(f"*Testimonies*\n{len(testimonies)} compliment(s) you said we may share "
                "anonymously.\n`/coprod consent withdraw testimonies` takes that back."),
    ]


def erasure_request(name: str, slack_user_id: str) -> Payload:
    words = (f"{escape_mrkdwn(name)} has asked to be forgotten. Please erase them with "
             f"`coprod members erase {slack_user_id}` (safeguarding records are kept, as the "
             "law requires).")
    return {"text": words, "blocks": [section(words)]}


def easy_erasure_request(name: str, slack_user_id: str) -> Payload:
    who = escape_mrkdwn(name)
    return easy_message(
        [f"{who} has asked us to forget them.",
         "This means we erase what Coprod holds about them.",
         "We keep safeguarding records. The law says we must.",
         "To do it, type this on the server:", f"`coprod members erase {slack_user_id}`"],
        text=f"{who} has asked us to forget them")


def _draw_erasure_request(notice: ErasureRequested, services: Services, style: Style) -> Payload:
    draw = easy_erasure_request if style.easy_read else erasure_request
    return draw(*services.privacy.erasure_request_view(notice.member_id))


RENDERERS: dict[type[Notice], Renderer] = {
    ErasureRequested: _draw_erasure_request,
}
