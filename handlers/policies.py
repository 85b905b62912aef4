"""Policies and induction in Slack: reading and agreeing, publishing a version, who has agreed,
and who is missing what."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.rules.involvement import InductionStep
from bot.rules.policies import InvalidPolicy, PolicyDraft, PolicyField
from bot.rules.roles import NotAllowed
from bot.services import Services
from bot.services.policies import InductionOverview, NewerVersion, PolicyGone
from handlers import payloads
from handlers.blocks import policies as blocks
from handlers.blocks.text import section
from handlers.form_state import field, selected, ticked, values_of
from handlers.ids import ActionId, BlockId, CallbackId
from handlers.once import submitted_once
from handlers.replies import say_privately

FIELD_BLOCKS = {
    PolicyField.VERSION_OF: BlockId.PO_VERSION_OF,
    PolicyField.TITLE: BlockId.PO_TITLE,
    PolicyField.LINK: BlockId.PO_LINK,
    PolicyField.SUMMARY: BlockId.PO_SUMMARY,
}
ONLY_COORDINATORS_PUBLISH = (
    "Only a coordinator can publish a policy. If there's one you think we need, or one that "
    "could be clearer, a coordinator will be glad to hear from you.")
ONLY_COORDINATORS_INDUCTION = (
    "Only a coordinator can see and record induction steps. `/involve policies` shows our "
    "policies, and which you've agreed to.")
GONE = "That policy is no longer there."
NEWER = ("There's a newer version of this policy now: `/involve policies` shows it, so you can "
         "read that one.")


def register(app: App) -> None:
    """Buttons and forms of this area (the /involve words are routed by handlers/involve.py)."""
    app.view(CallbackId.POLICY_FORM.value)(submitted_once(handle_publish_form))
    app.action(ActionId.POLICY_PUBLISH.value)(handle_publish_button)
    app.action(ActionId.POLICY_AGREE.value)(handle_agree)
    app.action(ActionId.POLICY_AGREEMENTS.value)(handle_agreements)
    app.action(ActionId.INDUCTION_RECORD.value)(handle_induction_step)
    app.action(ActionId.INDUCTION_SIGNED.value)(handle_induction_step)


def _say(ack: Ack, words: str) -> None:
    ack(text=words, blocks=[section(words)])


# -- /involve policies, publish, induction ------------------------------------------------------
def show_policies(ack: Ack, command: dict[str, Any], client: WebClient, services: Services,
                  words: list[str]) -> None:
    """/involve policies: each current policy, and whether you have agreed to it."""
    listing = services.policies.current_for(command["user_id"])
    ack(text="Our policies", blocks=blocks.policies_list(listing, services.settings.timezone))


def open_publish_policy(ack: Ack, command: dict[str, Any], client: WebClient,
                        services: Services, words: list[str]) -> None:
    """/involve publish: the form, for coordinators."""
    try:
        choices = services.policies.publish_choices(command["user_id"])
    except NotAllowed:
        _say(ack, ONLY_COORDINATORS_PUBLISH)
        return
    ack()
    client.views_open(trigger_id=payloads.trigger_id(command), view=blocks.publish_form(choices))


def show_induction(ack: Ack, command: dict[str, Any], client: WebClient, services: Services,
                   words: list[str]) -> None:
    """/involve induction: who is missing what, for coordinators."""
    try:
        overview = services.policies.induction(command["user_id"])
    except NotAllowed:
        _say(ack, ONLY_COORDINATORS_INDUCTION)
        return
    ack(**blocks.induction_payload(overview))


# -- buttons and the form ---------------------------------------------------------------------
def handle_publish_button(ack: Ack, body: dict, client: WebClient, respond: Respond,
                          services: Services) -> None:
    ack()
    try:
        choices = services.policies.publish_choices(payloads.actor(body))
    except NotAllowed:
        say_privately(respond, ONLY_COORDINATORS_PUBLISH)
        return
    client.views_open(trigger_id=payloads.trigger_id(body), view=blocks.publish_form(choices))


def parse_policy_form(state: dict[str, Any]) -> PolicyDraft:
    return PolicyDraft(
        title=field(state, BlockId.PO_TITLE).get("value") or "",
        link=field(state, BlockId.PO_LINK).get("value") or "",
        summary=field(state, BlockId.PO_SUMMARY).get("value") or "",
        needed_by_facilitators=blocks.FACILITATORS_OPTION in ticked(state,
                                                                    BlockId.PO_FACILITATORS),
        version_of=selected(state, BlockId.PO_VERSION_OF) or None)


def handle_publish_form(ack: Ack, body: dict, view: dict, services: Services) -> None:
    try:
        published = services.policies.publish(payloads.actor(body),
                                              parse_policy_form(values_of(view)))
    except InvalidPolicy as invalid:
        ack(response_action="errors", errors={FIELD_BLOCKS[PolicyField(f)]: words
                                              for f, words in invalid.errors.items()})
        return
    except NotAllowed:
        ack(response_action="errors", errors={BlockId.PO_TITLE: ONLY_COORDINATORS_PUBLISH})
        return
    ack(response_action="update", view=blocks.published_view(published))


def handle_agree(ack: Ack, body: dict, action: dict, respond: Respond,
                 services: Services) -> None:
    """I've read and agree: from the policy sent to me (its copies are redrawn through the
    outbox), or from /involve policies (the list is redrawn here)."""
    ack()
    actor = payloads.actor(body)
    try:
        agreed = services.policies.agree(payloads.button_number(body), actor)
    except NotAllowed:
        say_privately(respond, blocks.NOT_LISTED)
        return
    except PolicyGone:
        say_privately(respond, GONE)
        return
    except NewerVersion:
        say_privately(respond, NEWER)
        return
    if str(action.get("block_id", "")).startswith(BlockId.PO_LIST_ACTIONS):
        listing = services.policies.current_for(actor)
        respond(replace_original=True, text="Our policies",
                blocks=blocks.policies_list(listing, services.settings.timezone))
    say_privately(respond, blocks.agreed_words(agreed))


def handle_agreements(ack: Ack, body: dict, respond: Respond, services: Services) -> None:
    ack()
    try:
        found = services.policies.agreements(payloads.actor(body), payloads.button_number(body))
    except NotAllowed:
        say_privately(respond, "Only a coordinator can see who has agreed to a policy.")
        return
    except PolicyGone:
        say_privately(respond, GONE)
        return
    respond(replace_original=False, response_type="ephemeral", text="Who has agreed",
            blocks=blocks.agreements_blocks(found, services.settings.timezone))


def _step_value(body: dict[str, Any]) -> tuple[int, str]:
    """(member id, what) from an induction button: "12:boundaries_training" or "12:3"."""
    member, _, what = payloads.button_value(body).partition(":")
    return payloads.number(member), what


def handle_induction_step(ack: Ack, body: dict, action: dict, respond: Respond,
                          services: Services) -> None:
    """A coordinator records a step someone has done, or a policy they signed on paper; the
    list is redrawn without it."""
    ack()
    actor = payloads.actor(body)
    member_id, what = _step_value(body)
    try:
        if action["action_id"] == ActionId.INDUCTION_SIGNED:
            overview = services.policies.record_signed(actor, member_id, payloads.number(what))
        elif what in set(InductionStep):
            overview = services.policies.record_step(actor, member_id, InductionStep(what))
        else:
            raise payloads.NotOurs("an induction step")
    except NotAllowed:
        say_privately(respond, ONLY_COORDINATORS_INDUCTION)
        return
    except (PolicyGone, NewerVersion):
        say_privately(respond, "That policy has a newer version now, so this list is out of "
                               "date. `/involve induction` shows it afresh.")
        return
    _redraw(respond, overview)


def _redraw(respond: Respond, overview: InductionOverview) -> None:
    payload = blocks.induction_payload(overview)
    respond(replace_original=True, text=payload["text"], blocks=payload["blocks"])
