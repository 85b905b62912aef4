"""/coprod: help for everyone, whoami, my data and consents, how we reach you (the form is in
handlers/profiles.py), and the coordinators' delivery overview."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.rules.roles import NotAllowed
from bot.services import Services
from bot.services.privacy import NotInDirectory
from handlers import profiles
from handlers.blocks import coprod as blocks
from handlers.blocks.incidents import signpost_blocks
from handlers.blocks.text import section
from handlers.ids import CoprodAction, SlashCommand


def register(app: App) -> None:
    app.command(SlashCommand.COPROD.value)(handle_coprod_command)


def handle_coprod_command(ack: Ack, command: dict, client: WebClient,
                          services: Services) -> None:
    words = (command.get("text") or "").split()
    action = words[0].lower() if words else CoprodAction.HELP.value
    user_id = command["user_id"]
    settings = services.settings

    if action == CoprodAction.WHOAMI:
        member = services.members.find_by_slack_id(user_id)
        ack(text="Your roles", blocks=blocks.whoami_blocks(member, settings.coprod_crisis_line))
    elif action == CoprodAction.MYDATA:
        _my_data(ack, user_id, services)
    elif action == CoprodAction.FORGET and [w.lower() for w in words[1:]] == ["me"]:
        _forget_me(ack, user_id, services)
    elif action == CoprodAction.FORGET:
        answer = ("To ask us to erase what Coprod holds about you, type `/coprod forget me`. "
                  "`/coprod mydata` shows what that is first.")
        ack(text=answer, blocks=[section(answer)])
    elif action == CoprodAction.PROFILE:
        profiles.open_profile(ack, command, client, services, words[1:])
    elif action == CoprodAction.CONSENT:
        _consent(ack, user_id, [w.lower() for w in words[1:]], services)
    elif action == CoprodAction.SIGNPOST:
        ack(text="Where to turn", blocks=signpost_blocks(services.incidents.signposts,
                                                          settings.coprod_crisis_line))
    elif action == CoprodAction.DELIVERIES:
        try:
            overview = services.deliveries.overview_for(user_id)
            unreachable = services.texting.unreachable(user_id)
        except NotAllowed as refusal:
            ack(text=str(refusal), blocks=blocks.not_allowed_blocks(str(refusal)))
            return
        ack(text="Deliveries", blocks=blocks.deliveries_blocks(
            overview, settings.timezone, unreachable))
    else:
        unknown = None if action == CoprodAction.HELP else " ".join(words)
        ack(
            text="How to use Coprod",
            blocks=blocks.help_blocks(
                settings.coprod_org_name, settings.coprod_crisis_line, unknown=unknown
            ),
        )


def _not_listed(ack: Ack) -> None:
    words = ("You're not in our member list, so Coprod holds nothing about you beyond what "
             "Slack itself shows. A coordinator can tell you more.")
    ack(text=words, blocks=[section(words)])


def _my_data(ack: Ack, user_id: str, services: Services) -> None:
    try:
        data = services.privacy.my_data(user_id)
    except NotInDirectory:
        _not_listed(ack)
        return
    ack(text="What Coprod holds about you", blocks=blocks.my_data_blocks(data))


def _forget_me(ack: Ack, user_id: str, services: Services) -> None:
    try:
        told = services.privacy.request_erasure(user_id)
    except NotInDirectory:
        _not_listed(ack)
        return
    words = ("We've asked a coordinator to erase what Coprod holds about you. Safeguarding "
             "records are kept, as the law requires; everything else goes."
             if told else "Please ask a coordinator directly: none is set up in Coprod yet.")
    ack(text=words, blocks=[section(words)])


def _consent(ack: Ack, user_id: str, words: list[str], services: Services) -> None:
    privacy = services.privacy
    try:
        if words[:2] == ["stop", "texts"]:
            privacy.set_text_consent(user_id, False)
            answer = ("Done: we won't text you. You can start again with "
                      "`/coprod consent start texts`.")
        elif words[:2] == ["start", "texts"]:
            privacy.set_text_consent(user_id, True)
            answer = ("Done: you've agreed to texts. Stop any time with "
                      "`/coprod consent stop texts`.")
        elif words[:2] == ["withdraw", "testimonies"]:
            count = privacy.withdraw_testimonies(user_id)
            answer = (f"Done: {count} compliment(s) will no longer be shared as testimonies."
                      if count else "None of your compliments was marked to share.")
        else:
            data = privacy.my_data(user_id)
            shown = blocks.consent_blocks(data)
            if words:
                shown.insert(0, section(
                    "To change a consent, type all of it, for example "
                    "`/coprod consent stop texts`. Here is where yours stand:"))
            ack(text="Your consents", blocks=shown)
            return
    except NotInDirectory:
        _not_listed(ack)
        return
    ack(text=answer, blocks=[section(answer)])
