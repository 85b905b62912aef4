"""App Home: what Coprod is; open incidents for those who respond to them; serious incidents
waiting for the trustees' decision, for trustees; my next sessions and those needing cover;
the meetings I'm invited to; for coordinators and HR officers the feedback open for them; and
how we reach you, with Change."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.after_ack import AfterAck
from bot.rules.roles import Role
from bot.services import Services
from bot.services.privacy import NotInDirectory
from bot.services.sessions import RotaReader
from handlers.blocks import feedback as feedback_blocks
from handlers.blocks import incidents as incident_blocks
from handlers.blocks import meetings as meeting_blocks
from handlers.blocks import oversight as oversight_blocks
from handlers.blocks import profiles as profile_blocks
from handlers.blocks import sessions as session_blocks
from handlers.blocks.text import Block, crisis_footer, divider, section
from handlers.ids import Event
from handlers.notices import for_screen_readers
from handlers.payloads import event_user
from handlers.replies import shown_to

TEAM_ROLES = frozenset({Role.COORDINATOR, Role.HR_OFFICER, Role.TRUSTEE})
ROTA_ROLES = frozenset({Role.COORDINATOR, Role.FACILITATOR, Role.TRAINED})
RESPONDER_ROLES = frozenset({Role.COORDINATOR, Role.SAFEGUARDING_LEAD, Role.HR_OFFICER})
log = logging.getLogger(__name__)
# An answer shown on Home is a few blocks; a longer one is read in full in the DM.
MOST_SAID = 10


def register(app: App) -> None:
    app.event(Event.APP_HOME_OPENED.value)(handle_home_opened)
    app.middleware(answer_clicks_on_home)


class HomeAnswer:
    """How a click on App Home is answered. Home has no response_url (Slack gives none for a
    view), so a private answer (or one in place of a private question) comes as a direct
    message and is shown at the top of Home, drawn again with the state now: the person sees
    their click worked, and a question it asks (release a place so near the day?) is answered
    where they are. "Redraw what I clicked" publishes Home again as it is now.

    A question shown on Home is the DM's copy too: its buttons on Home say which DM (see
    with_dm_copy), so the answer given on Home takes the question's place in the DM as well,
    and the DM offers no buttons for a question already answered."""

    def __init__(self, client: WebClient, services: Services, user: str,
                 dm_copy: tuple[str, str] | None = None) -> None:
        self.client, self.services, self.user = client, services, user
        self.dm_copy = dm_copy

    def __call__(self, text: str = "", blocks: list[dict[str, Any]] | None = None, *,
                 replace_original: bool | None = None, response_type: str | None = None,
                 **_: Any) -> None:
        # replace_original alone redraws a card or list; an ephemeral answer replacing the
        # original is the answer to a private question (handlers/replies.py answer_in_place).
        if replace_original and response_type != "ephemeral":
            publish_home(self.client, self.services, self.user)
            return
        copy = self._answer_in_dm(text, blocks, in_place=bool(replace_original))
        said = blocks or ([section(text)] if text else None)
        publish_home(self.client, self.services, self.user,
                     just_said=with_dm_copy(said, copy) if said and copy else said)

    def _answer_in_dm(self, text: str, blocks: list[dict[str, Any]] | None, *,
                      in_place: bool) -> tuple[str, str] | None:
        """The answer in the DM: in place of the question's DM copy when it answers one, or
        as a new message; where it is (channel, ts)."""
        if in_place and self.dm_copy is not None:
            channel, ts = self.dm_copy
            try:
                self.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
                return self.dm_copy
            except SlackApiError:  # gone from the DM (deleted, say): the answer comes anew
                log.info("a question's DM copy could not be answered in place")
        try:
            posted = self.client.chat_postMessage(channel=self.user, text=text, blocks=blocks)
        except SlackApiError as error:  # the answer is still shown on Home, without its copy
            log.warning("an answer shown on Home could not also go to the DM (%s)",
                        error.response.get("error") if error.response else "no response")
            return None
        where, when = posted.get("channel"), posted.get("ts")
        return (where, when) if isinstance(where, str) and isinstance(when, str) else None


# Added to the block id of buttons shown on Home that are a DM's copy too, and taken off again
# before any handler reads it (a handler sees the block id it wrote).
DM_COPY = re.compile(r"\|dm:([A-Z0-9]+)\|([0-9.]+)")


def with_dm_copy(blocks: list[Block], copy: tuple[str, str]) -> list[Block]:
    """An answer's blocks as Home shows them, its buttons saying which DM they are a copy of."""
    channel, ts = copy
    return [{**b, "block_id": f"{b['block_id']}|dm:{channel}|{ts}"}
            if b.get("type") == "actions" and isinstance(b.get("block_id"), str) else b
            for b in blocks]


def take_dm_copy(body: dict[str, Any]) -> tuple[str, str] | None:
    """Which DM the clicked buttons on Home are a copy of, if any; the click's block id is
    left as its handler wrote it."""
    actions = body.get("actions")
    action = actions[0] if isinstance(actions, list) and actions else None
    block_id = action.get("block_id") if isinstance(action, dict) else None
    found = DM_COPY.search(block_id) if isinstance(block_id, str) else None
    if found is None or not isinstance(action, dict) or not isinstance(block_id, str):
        return None
    action["block_id"] = block_id[:found.start()] + block_id[found.end():]
    return found.group(1), found.group(2)


def answer_clicks_on_home(body: dict[str, Any], context: BoltContext,
                          next: Callable[[], None]) -> None:
    container = body.get("container")
    view = body.get("view")
    who = body.get("user")
    user = who.get("id") if isinstance(who, dict) else None
    if (body.get("type") == "block_actions" and not body.get("response_url")
            and isinstance(container, dict) and container.get("type") == "view"
            and isinstance(view, dict) and view.get("type") == "home"
            and isinstance(user, str) and context.client is not None):
        context["respond"] = HomeAnswer(context.client, context["services"], user,
                                        take_dm_copy(body))
    next()


def handle_home_opened(event: dict, client: WebClient, services: Services,
                       after_ack: AfterAck) -> None:
    if event.get("tab", "home") != "home":
        return
    publish_home_later(after_ack, client, services, event_user(event))


def publish_home_later(after_ack: AfterAck, client: WebClient, services: Services,
                       user: str) -> None:
    """Home drawn afresh once Slack has its answer: Home's reads are the heaviest of any
    request, and nothing in the answer waits for them (a failure is logged; Home stays as it
    was until it is next opened)."""
    after_ack.in_background("drawing App Home", f"home:{user}",
                            lambda: publish_home(client, services, user))


def publish_home(client: WebClient, services: Services, user: str, *,
                 just_said: list[Block] | None = None) -> None:
    """Home as its one reader reads it: easy read where its builders write it (its own words,
    sessions and meetings), and only words for a screen reader (see handlers/replies.py).
    `just_said`: the answer to a click on Home, shown at the top until Home is next drawn."""
    style = services.profiles.style_of(user)
    easy = style.easy_read
    cases = list(services.feedback.open_cases_for(user))
    roles = services.members.roles_of(user)
    settings = services.settings
    view = feedback_blocks.home_view(cases, on_the_team=bool(cases) or bool(roles & TEAM_ROLES),
                                     tz=settings.timezone, org_name=settings.coprod_org_name,
                                     crisis_line=settings.coprod_crisis_line, easy_read=easy)
    needing_cover = services.sessions.needing_cover() if roles & ROTA_ROLES else []
    rota = session_blocks.home_sessions(services.sessions.mine(user), needing_cover,
                                        settings.timezone, RotaReader.of(user, roles),
                                        easy_read=easy)
    meetings = meeting_blocks.home_meetings(services.meetings.upcoming_for(user),
                                            settings.timezone, easy_read=easy)
    responders = services.incidents.open_for(user)
    urgent = (incident_blocks.home_incidents(responders, services.clock())
              if responders or roles & RESPONDER_ROLES else [])
    if Role.TRUSTEE in roles:  # asked only for trustees: nobody else's Home does more work
        urgent += oversight_blocks.home_serious(services.oversight.pending_for(user),
                                                settings.timezone)
    try:
        reach = [divider(), *profile_blocks.home_profile(services.profiles.mine(user))]
    except NotInDirectory:
        reach = []
    # Open incidents (and the trustees' decisions) first, then sessions and meetings; how we
    # reach you and the crisis footer stay last, even when Home is full (Slack takes 100).
    answer = _as_answer(just_said or [], settings.coprod_crisis_line,
                        taken=[*view["blocks"], *urgent, *rota, *meetings, *reach])
    body = view["blocks"][:1] + answer + view["blocks"][1:2] + urgent + rota + meetings \
        + view["blocks"][2:-2]
    tail = reach + view["blocks"][-2:]
    view["blocks"] = body[:100 - len(tail)] + tail
    client.views_publish(user_id=user, view=shown_to(view, style))


def _as_answer(said: list[Block], crisis_line: str, taken: list[Block]) -> list[Block]:
    """An answer's blocks as Home shows them under its header, set apart by a divider: without
    the message's crisis line (Home ends with its own), and with a block id Home already uses
    made its own (Slack refuses a view with one twice), its start kept for the handlers that
    read it."""
    if not said:
        return []
    footer = crisis_footer(crisis_line)
    used = {b.get("block_id") for b in taken}
    shown = []
    for block in said:
        if block in (footer, for_screen_readers({"blocks": [footer]})["blocks"][0]):
            continue
        block_id = block.get("block_id")
        while block_id is not None and block_id in used:
            block_id += ":said"
        used.add(block_id)
        shown.append(block if block_id is None else {**block, "block_id": block_id})
    return [*shown[:MOST_SAID], divider()]
