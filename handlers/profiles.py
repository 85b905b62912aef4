"""How we reach you: `/coprod profile` (mine), `/coprod profile NAME` (a coordinator, for
someone, with their agreement) and App Home's Change, each opening the same form."""

from __future__ import annotations

from datetime import time
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.after_ack import AfterAck
from bot.rules.communication import CONTACT_CHOICES, ProfileChoice, ProfileField, Reading
from bot.rules.roles import NotAllowed
from bot.services import Services
from bot.services.privacy import NotInDirectory
from bot.services.profiles import InvalidProfile, ProfileGone
from handlers import payloads
from handlers.blocks import profiles as blocks
from handlers.blocks.text import crisis_footer, section
from handlers.form_state import selected, ticked, values_of
from handlers.home import publish_home_later
from handlers.ids import ActionId, BlockId, CallbackId, OptionValue
from handlers.once import submitted_once

FIELD_BLOCKS = {
    ProfileField.CONTACT: BlockId.PR_CONTACT,
    ProfileField.READING: BlockId.PR_READING,
    ProfileField.SCREEN_READER: BlockId.PR_SCREEN_READER,
    ProfileField.QUIET_FROM: BlockId.PR_QUIET_FROM,
    ProfileField.QUIET_UNTIL: BlockId.PR_QUIET_UNTIL,
    ProfileField.AGREED: BlockId.PR_AGREED,
}
NOT_LISTED = ("You're not in our member list yet, so there is no profile to change. A "
              "coordinator can add you - it only takes a minute.")
ONLY_COORDINATORS = ("Only a coordinator can change someone else's profile, and only with "
                     "their agreement. You can change your own with `/coprod profile`.")
GONE = "They're no longer in our member list, so there is nothing to change."


def register(app: App) -> None:
    """The forms and App Home's button (the /coprod words are routed by handlers/coprod.py)."""
    app.view(CallbackId.PROFILE_FORM.value)(submitted_once(handle_profile_form))
    app.view(CallbackId.PROFILE_FOR_FORM.value)(submitted_once(handle_profile_for_form))
    # Choosing whose profile writes nothing: the form it opens is the one acted on once (an
    # update keeps the view's id, so this step must not count as that form being sent).
    app.view(CallbackId.PROFILE_PICK_FORM.value)(handle_pick_form)
    app.action(ActionId.PROFILE_CHANGE.value)(handle_change_button)


def open_profile(ack: Ack, command: dict[str, Any], client: WebClient, services: Services,
                 words: list[str]) -> None:
    """/coprod profile: my own form. With words after it (a mention or a name), a
    coordinator's form for that member, or a list to choose them from."""
    user, crisis = command["user_id"], services.settings.coprod_crisis_line
    try:
        if not words:
            view = blocks.profile_form(services.profiles.mine(user), crisis_line=crisis)
        else:
            view = _form_for_someone(services, user, " ".join(words), crisis)
    except NotInDirectory:
        ack(text=NOT_LISTED, blocks=[section(NOT_LISTED), crisis_footer(crisis)])
        return
    except NotAllowed:
        ack(text=ONLY_COORDINATORS, blocks=[section(ONLY_COORDINATORS), crisis_footer(crisis)])
        return
    ack()
    client.views_open(trigger_id=payloads.trigger_id(command), view=view)


def _form_for_someone(services: Services, coordinator: str, words: str,
                      crisis: str) -> dict[str, Any]:
    profiles = services.profiles
    named = profiles.find_member(coordinator, words)
    if named.member_id is None:
        return blocks.pick_member_form(profiles.choices_for(coordinator), words,
                                       several=named.several, crisis_line=crisis)
    mine = profiles.mine(coordinator)
    if named.member_id == mine.member_id:
        return blocks.profile_form(mine, crisis_line=crisis)
    return blocks.profile_form(profiles.for_them(coordinator, named.member_id),
                               for_someone=True, crisis_line=crisis)


def handle_change_button(ack: Ack, body: dict[str, Any], client: WebClient,
                         services: Services) -> None:
    """App Home's Change: the same form, which publishes Home again once saved."""
    ack()
    try:
        profile = services.profiles.mine(payloads.actor(body))
    except NotInDirectory:
        return  # Home shows no Change to anyone not in the directory
    client.views_open(trigger_id=payloads.trigger_id(body),
                      view=blocks.profile_form(profile, from_home=True,
                                               crisis_line=services.settings.coprod_crisis_line))


def _hour(value: str | None) -> time | None:
    if value is None:
        return None
    try:
        found = time.fromisoformat(value)
    except ValueError:
        raise payloads.NotOurs("quiet hours") from None
    if len(value) != 5:
        raise payloads.NotOurs("quiet hours")
    return found


def parse_profile_form(state: dict[str, Any]) -> ProfileChoice:
    contact = selected(state, BlockId.PR_CONTACT)
    if contact is not None and contact not in CONTACT_CHOICES:
        raise payloads.NotOurs("contact")
    reading = selected(state, BlockId.PR_READING)
    if reading is not None and reading not in {r.value for r in Reading}:
        raise payloads.NotOurs("reading")
    starts, ends = selected(state, BlockId.PR_QUIET_FROM), selected(state, BlockId.PR_QUIET_UNTIL)
    if OptionValue.NO_QUIET_HOURS in (starts, ends):
        quiet_from = quiet_until = None  # in either list, whatever the other still shows
    else:
        quiet_from, quiet_until = _hour(starts), _hour(ends)
    return ProfileChoice(
        contact=contact, reading=Reading(reading) if reading is not None else None,
        screen_reader=OptionValue.SCREEN_READER in ticked(state, BlockId.PR_SCREEN_READER),
        quiet_from=quiet_from, quiet_until=quiet_until)


def _field_errors(ack: Ack, invalid: InvalidProfile) -> None:
    ack(response_action="errors",
        errors={FIELD_BLOCKS[field]: words for field, words in invalid.errors.items()})


def handle_profile_form(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
                        services: Services, after_ack: AfterAck) -> None:
    """My own choices, saved; the answer is written in the style just chosen."""
    user = payloads.actor(body)
    try:
        profile = services.profiles.set_mine(user, parse_profile_form(values_of(view)))
    except InvalidProfile as invalid:
        _field_errors(ack, invalid)
        return
    except NotInDirectory:
        ack(response_action="errors", errors={BlockId.PR_CONTACT: NOT_LISTED})
        return
    ack(response_action="update", view=blocks.saved_view(
        profile, crisis_line=services.settings.coprod_crisis_line))
    if payloads.metadata(view).get("home") is True:
        publish_home_later(after_ack, client, services, user)


def handle_profile_for_form(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                            services: Services) -> None:
    """A coordinator's change to someone's profile, only with the box "They agreed" ticked."""
    state, crisis = values_of(view), services.settings.coprod_crisis_line
    try:
        changed = services.profiles.set_for(
            payloads.actor(body), payloads.metadata_number(view, "member"),
            parse_profile_form(state), agreed=OptionValue.AGREED in ticked(state,
                                                                           BlockId.PR_AGREED))
    except InvalidProfile as invalid:
        _field_errors(ack, invalid)
        return
    except (NotAllowed, ProfileGone) as refused:
        words = GONE if isinstance(refused, ProfileGone) else ONLY_COORDINATORS
        ack(response_action="update", view=blocks.refused_view(words, crisis_line=crisis))
        return
    ack(response_action="update", view=blocks.saved_for_them_view(changed, crisis_line=crisis))


def handle_pick_form(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                     services: Services) -> None:
    """Whose profile: the form for them takes this one's place."""
    chosen = selected(values_of(view), BlockId.PR_MEMBER)
    if chosen is None:
        ack(response_action="errors", errors={BlockId.PR_MEMBER: "Please choose a member."})
        return
    actor, member_id = payloads.actor(body), payloads.number(chosen)
    crisis = services.settings.coprod_crisis_line
    try:
        mine = services.profiles.mine(actor)
        if member_id == mine.member_id:  # their own: no agreement to ask, no one to tell
            ack(response_action="update", view=blocks.profile_form(mine, crisis_line=crisis))
            return
        profile = services.profiles.for_them(actor, member_id)
    except (NotAllowed, NotInDirectory):
        ack(response_action="errors", errors={BlockId.PR_MEMBER: ONLY_COORDINATORS})
        return
    except ProfileGone:
        ack(response_action="errors", errors={BlockId.PR_MEMBER: GONE})
        return
    ack(response_action="update", view=blocks.profile_form(profile, for_someone=True,
                                                           crisis_line=crisis))
