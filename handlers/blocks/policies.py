"""Blocks for policies and induction: a policy sent to each member (I've read and agree, or YES
by text), the list in /involve policies, the publishing form, who has agreed, and who is still
missing part of the induction for facilitators."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from bot.notices import Notice
from bot.rules.communication import DOCUMENT, DONE, Style
from bot.rules.involvement import INDUCTION_WORDS, AgreedBy
from bot.rules.policies import (
    LINK_LENGTH,
    SUMMARY_LENGTH,
    TEXT_BODY,
    TITLE_LENGTH,
    our_title,
    policy_text,
)
from bot.services.policies import (
    AgreementsView,
    InductionOverview,
    PoliciesList,
    PolicyPublished,
    PolicyView,
    Published,
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
)
from handlers.ids import ActionId, BlockId, CallbackId

if TYPE_CHECKING:
    from bot.services import Services

FACILITATORS_OPTION = "facilitators"
NOT_LISTED = "You're not in our member list yet. Please ask a coordinator to add you."
HOW_WORDS = {AgreedBy.SLACK: "in Slack", AgreedBy.TEXT: "by text",
             AgreedBy.PAPER: "on a signed copy"}
LISTED_AT_MOST = 12
INDUCTION_ROWS = 20


def _day(moment: datetime, tz: tzinfo) -> str:
    local = moment.astimezone(tz)
    return f"{local.day} {local:%b %Y}"


def _name(view: PolicyView) -> str:
    version = f" (version {view.version})" if view.version > 1 else ""
    return f"*{escape_mrkdwn(view.title)}*{version}"


def _link(view: PolicyView) -> str:
    # Links are checked when published: a web address with no spaces and no "|".
    return f"<{escape_mrkdwn(view.link)}|Read it here>" if view.link else ""


def _standing(view: PolicyView, tz: tzinfo) -> str:
    if view.agreed_at is not None:
        return f"{DONE} You agreed to this version on {_day(view.agreed_at, tz)}."
    if view.agreed_before:
        return "This is a new version: you agreed to an earlier one. Please read it again."
    return "You haven't said yet that you've read it."


# -- the policy sent to each member ---------------------------------------------------------
def policy_message(view: PolicyView, tz: tzinfo) -> Payload:
    updated = "updated" if view.version > 1 else "published"
    blocks: list[Block] = [section(
        f"{DOCUMENT} We've {updated} our {_name(view)}. Please read it, and let us know you have.")]
    summary = text_sections(view.summary)
    blocks += summary[:5]
    if view.link:
        blocks.append(section(_link(view)))
    if view.needed_by_facilitators:
        blocks.append(context("Facilitators are asked to agree to this before their first "
                              "session."))
    if not view.latest:
        blocks.append(context("There's a newer version of this policy now: `/involve "
                              "policies` shows it."))
    elif view.agreed_at is not None:
        blocks.append(context(_standing(view, tz)))
    else:
        blocks.append(_agree_button(view))
        blocks.append(context("Take your time. If anything in it is unclear, a coordinator "
                              "will be glad to talk it through."))
    payload: Payload = {"text": f"We've {updated} our {escape_mrkdwn(view.title)}: please read "
                                "it", "blocks": blocks}
    if view.latest and view.agreed_at is None:
        payload["sms"] = policy_text(view.title, view.link, view.version)
    return payload


def easy_policy_message(view: PolicyView, tz: tzinfo) -> Payload:
    title = escape_mrkdwn(view.title)
    if view.version > 1:
        news = [f"We have changed our policy: *{title}*.", f"This is version {view.version}."]
    else:
        news = [f"We have a new policy: *{title}*."]
    lines = [*news, "A policy says how we do things.", "Please read it."]
    summary = text_sections(view.summary)[:5]
    if summary:
        lines.append("This is what it says:")
    after = [_link(view)]
    if view.needed_by_facilitators:
        after.append("Facilitators need to agree to it before their first session.")
    actions: list[Block] = []
    if not view.latest:
        after += ["We have a newer version of this policy now.",
                  "Type /involve policies to see it."]
    elif view.agreed_at is not None:
        agreed_on = easy_day(view.agreed_at.astimezone(tz).date())
        after.append(f"You agreed to this version on {agreed_on}.")
    else:
        after += ["Take your time.", "Is something not clear? A coordinator can talk it "
                  "through with you.", "When you have read it, tap I've read and agree."]
        actions = [_agree_button(view)]
    payload: Payload = {
        "text": (f"We have changed our policy: {title}. Please read it" if view.version > 1
                 else f"We have a new policy: {title}. Please read it"),
        "blocks": [section(easy_lines(lines)), *summary, section(easy_lines(after)), *actions]}
    if view.latest and view.agreed_at is None:
        payload["sms"] = easy_lines(easy_policy_text(view.title, view.link, view.version))
    return payload


def easy_policy_text(title: str, link: str, version: int) -> list[str]:
    """`policy_text` in easy read: never more than the policy's name and link, and YES (which
    the reply parser reads) to agree. The name is cut first; a link too long to leave room
    after it goes last, so that cutting the text to two parts never loses the YES."""
    name = our_title(title)
    spare = max(TEXT_BODY - len(link) - 90, 20)
    name = name if len(name) <= spare else name[:spare].rsplit(" ", 1)[0]
    read = (f"Please read the new version of our {name}." if version > 1
            else f"Please read our {name}.")
    reply = "When you have read it, reply YES."
    if not link:
        return [read, "Text us if you need a copy.", reply]
    if len(read) + len(link) + len(reply) + 14 > TEXT_BODY:
        return [read, reply, link]
    return [read, f"It is here: {link}", reply]


def _agree_button(view: PolicyView) -> Block:
    return {"type": "actions", "block_id": f"{BlockId.PO_ACTIONS}:{view.id}",
            "elements": [button("I've read and agree", ActionId.POLICY_AGREE, str(view.id),
                                "primary")]}


# -- /involve policies ------------------------------------------------------------------------
def policies_list(listing: PoliciesList, tz: tzinfo) -> list[Block]:
    blocks: list[Block] = [header("Our policies")]
    if listing.coordinator:
        blocks.append({"type": "actions", "block_id": "policy_publish_actions", "elements": [
            button("Publish a policy", ActionId.POLICY_PUBLISH, "new", "primary")]})
        blocks.append(context("`/involve induction` shows which facilitators are still "
                              "missing part of their induction."))
    if not listing.listed:
        blocks.append(section(NOT_LISTED))
    if not listing.policies:
        blocks.append(section("No policies have been published yet."))
    for view in listing.policies[:LISTED_AT_MOST]:
        lines = [f"{_name(view)} · published {_day(view.published_at, tz)}"]
        if view.summary:
            lines.append(escape_mrkdwn(view.summary[:400])
                         + ("..." if len(view.summary) > 400 else ""))
        if view.link:
            lines.append(_link(view))
        if listing.listed:
            lines.append(_standing(view, tz))
        if view.needed_by_facilitators:
            lines.append("_Facilitators agree to this before their first session._")
        blocks.append(section("\n".join(lines)))
        buttons = []
        if listing.listed and view.agreed_at is None:
            buttons.append(button("I've read and agree", ActionId.POLICY_AGREE, str(view.id),
                                  "primary"))
        if listing.coordinator:
            buttons.append(button("Who has agreed", ActionId.POLICY_AGREEMENTS, str(view.id)))
        if buttons:
            blocks.append({"type": "actions",
                           "block_id": f"{BlockId.PO_LIST_ACTIONS}:{view.id}",
                           "elements": buttons})
    if len(listing.policies) > LISTED_AT_MOST:
        blocks.append(context(f"And {len(listing.policies) - LISTED_AT_MOST} more: please ask "
                              "a coordinator for them."))
    return blocks


def agreed_words(view: PolicyView) -> str:
    return (f"Thank you - we've noted that you've read and agree to our {_name(view)}. "
            "It's in what `/coprod mydata` shows you.")


# -- publishing -------------------------------------------------------------------------------
def _input(block: BlockId, label: str, element: Block, *, optional: bool = False,
           hint: str | None = None) -> Block:
    made: Block = {"type": "input", "block_id": block, "label": plain(label),
                   "optional": optional, "element": {**element, "action_id": ActionId.PO_FIELD}}
    if hint:
        made["hint"] = plain(hint)
    return made


def publish_form(choices: list[tuple[str, str]]) -> View:
    """A coordinator publishes a policy, or a new version of one (which asks everyone again)."""
    blocks: list[Block] = [section(
        "Everyone will be asked to read it and agree: in Slack, or by text for those who "
        "prefer texts (a text carries only its name and link).")]
    if choices:
        blocks.append(_input(
            BlockId.PO_VERSION_OF, "A new version of",
            {"type": "static_select", "placeholder": plain("Leave empty for a new policy"),
             "options": [option(title[:75], key[:75]) for key, title in choices]},
            optional=True, hint="A new version asks everyone to read and agree again."))
    blocks += [
        _input(BlockId.PO_TITLE, "Name", {"type": "plain_text_input",
                                          "max_length": TITLE_LENGTH},
               optional=bool(choices),
               hint="For a new version, leave it empty to keep the name it has."
               if choices else None),
        _input(BlockId.PO_LINK, "Link to the policy",
               {"type": "plain_text_input", "max_length": LINK_LENGTH,
                "placeholder": plain("https://")}, optional=True),
        _input(BlockId.PO_SUMMARY, "Or its words, if it is short",
               {"type": "plain_text_input", "multiline": True, "max_length": SUMMARY_LENGTH},
               optional=True),
        _input(BlockId.PO_FACILITATORS, "Facilitators",
               {"type": "checkboxes", "options": [option(
                   "Facilitators must agree to this", FACILITATORS_OPTION,
                   "Before their first session as a facilitator")]}, optional=True),
    ]
    return {"type": "modal", "callback_id": CallbackId.POLICY_FORM,
            "title": plain("Publish a policy"), "submit": plain("Publish"),
            "close": plain("Cancel"), "blocks": blocks}


def published_view(published: Published) -> View:
    asked = published.asked
    return {"type": "modal", "callback_id": CallbackId.POLICY_FORM,
            "title": plain("Policy published"), "close": plain("Done"),
            "blocks": [section(
                f"Published: {_name(published.policy)}. We've asked {asked} "
                f"member{'' if asked == 1 else 's'} to read it and agree. `/involve policies` "
                "shows who has.")]}


# -- for coordinators -------------------------------------------------------------------------
def _sections(lines: list[str]) -> list[Block]:
    """Lines as sections, each within Slack's 3000 characters."""
    blocks: list[Block] = []
    chunk = ""
    for line in lines:
        if chunk and len(chunk) + len(line) + 1 > 2900:
            blocks.append(section(chunk))
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    if chunk:
        blocks.append(section(chunk))
    return blocks[:40]


def agreements_blocks(view: AgreementsView, tz: tzinfo) -> list[Block]:
    total = len(view.agreed) + len(view.not_yet)
    lines = [f"{_name(view.policy)}: agreed by {len(view.agreed)} of {total}."]
    if not view.policy.latest:
        lines.append("_This is an earlier version: a newer one has been published._")
    lines += [f"• {escape_mrkdwn(a.name)} - {_day(a.agreed_at, tz)}, {HOW_WORDS[a.how]}"
              for a in view.agreed]
    if view.not_yet:
        lines.append("Not yet: " + ", ".join(escape_mrkdwn(n) for n in view.not_yet))
    return _sections(lines)


def _value(member_id: int, what: object) -> str:
    return f"{member_id}:{what}"


def induction_blocks(overview: InductionOverview) -> list[Block]:
    """Each facilitator still missing part of the induction, with a button per missing step
    to record it (and per policy, a copy they signed on paper)."""
    blocks: list[Block] = [header("Induction for facilitators")]
    asked = [INDUCTION_WORDS[s] for s in overview.steps] + [
        f"agreeing to our {escape_mrkdwn(t)}" for t in overview.policies]
    if not asked:
        blocks.append(section("Nothing is asked of facilitators before their first session: "
                              "no induction steps are set, and no policy is marked for them."))
        return blocks
    blocks.append(context("Before their first session, facilitators are asked for: "
                          + "; ".join(asked) + "."))
    if not overview.missing:
        blocks.append(section("Every facilitator has everything. Thank you."))
    for row in overview.missing[:INDUCTION_ROWS]:
        missing = [INDUCTION_WORDS[s] for s in row.steps] + [
            f"agree to our {escape_mrkdwn(title)}" for _, title in row.policies]
        blocks.append(section(f"*{escape_mrkdwn(row.name)}* still needs: "
                              + "; ".join(missing)))
        buttons = [button(f"Done: {INDUCTION_WORDS[s]}"[:75], ActionId.INDUCTION_RECORD,
                          _value(row.member_id, s.value)) for s in row.steps]
        buttons += [button(f"Signed on paper: {title}"[:75], ActionId.INDUCTION_SIGNED,
                           _value(row.member_id, policy_id)) for policy_id, title in row.policies]
        blocks.append({"type": "actions",
                       "block_id": f"{BlockId.PO_INDUCTION_ACTIONS}:{row.member_id}",
                       "elements": buttons[:25]})
    if len(overview.missing) > INDUCTION_ROWS:
        blocks.append(context(f"And {len(overview.missing) - INDUCTION_ROWS} more: record "
                              "these first, then look again."))
    if overview.ready:
        names = ", ".join(escape_mrkdwn(n) for n in overview.ready)
        blocks.append(context(f"Ready to facilitate: {names}"[:2900]))
    return blocks


def induction_payload(overview: InductionOverview) -> Payload:
    return {"text": "Induction for facilitators", "blocks": induction_blocks(overview)}


# -- drawing the notices policies record -------------------------------------------------------
def _draw_published(notice: PolicyPublished, services: Services, style: Style) -> Payload:
    draw = easy_policy_message if style.easy_read else policy_message
    return draw(services.policies.notice_view(notice.policy_id, notice.member_id),
                services.settings.timezone)


RENDERERS: dict[type[Notice], Renderer] = {
    PolicyPublished: _draw_published,
}
