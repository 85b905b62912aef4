"""Answering one person after a click or a command: privately, or by redrawing the message
they clicked. Whose style each answer is in is decided here: a private answer, a list or App
Home is read by one person only, so it is in theirs wherever they are; a redrawn message is in
its readers' (see style_of_clicked)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.rules.communication import STANDARD, Style
from bot.services import Services
from handlers.blocks.text import Payload, View, plain, section
from handlers.notices import as_read, for_screen_readers, with_crisis_line
from handlers.payloads import actor, clicked_in_dm, trigger_id

P = ParamSpec("P")


def say_privately(respond: Respond, words: str) -> None:
    """An ephemeral message only the person who acted sees, beside what they clicked."""
    respond(replace_original=False, response_type="ephemeral", text=words,
            blocks=[section(words)])


def words_with_crisis_line(words: str, crisis_line: str) -> dict[str, Any]:
    """Kind words only the person sees, with 999 and the crisis line at their foot, as every
    message a person reads has: for an ack's or a respond's keyword arguments."""
    return {"text": words, "blocks": with_crisis_line([section(words)], crisis_line)}


def tell_privately(respond: Respond, words: str, crisis_line: str) -> None:
    """As say_privately, with the crisis line."""
    respond(replace_original=False, response_type="ephemeral",
            **words_with_crisis_line(words, crisis_line))


def in_a_modal(body: dict[str, Any]) -> bool:
    """Whether the click came from inside an open modal (the record) rather than a message or
    App Home (whose clicks carry a view too, of type "home": nothing can be pushed over it)."""
    view = body.get("view")
    return isinstance(view, dict) and view.get("type") == "modal"


def open_form(client: WebClient, body: dict[str, Any], view: View) -> None:
    """A form opened by a button: pushed over the modal the button is in, so closing it goes
    back there, or opened afresh from a message or App Home."""
    if in_a_modal(body):
        client.views_push(trigger_id=trigger_id(body), view=view)
    else:
        client.views_open(trigger_id=trigger_id(body), view=view)


def say_to_clicker(client: WebClient, body: dict[str, Any], respond: Respond,
                   words: str) -> None:
    """Kind words to the person who clicked: beside the message, or, inside a modal (which
    has nowhere to put them), as a small modal over it."""
    if in_a_modal(body):
        client.views_push(trigger_id=trigger_id(body), view={
            "type": "modal", "title": plain("Coprod"), "close": plain("OK"),
            "blocks": [section(words)]})
    else:
        say_privately(respond, words)


def style_of_clicked(body: dict[str, Any], services: Services) -> Style:
    """The style of the message someone clicked: a DM is in its one reader's, the person who
    clicked; a channel's message is in the standard style everyone reads."""
    return services.profiles.style_of(actor(body)) if clicked_in_dm(body) else STANDARD


def redraw_clicked(body: dict[str, Any], respond: Respond, services: Services,
                   draw: Callable[Concatenate[Style, P], Payload],
                   *args: P.args, **kwargs: P.kwargs) -> None:
    """The clicked message, drawn again at once from the state now, as delivery draws that
    copy: in its reader's style, the crisis line kept, only words for a screen reader. Where
    the outbox redraws the copy a moment later with the others, the two are the same, so an
    easy-read DM never flickers to the standard words and back. (Clicked on App Home, Home
    itself is published again: see handlers/home.py.)"""
    style = style_of_clicked(body, services)
    message = as_read(draw(style, *args, **kwargs), style, services.settings.coprod_crisis_line)
    respond(replace_original=True, text=message["text"], blocks=message["blocks"])


def style_of_clicker(body: dict[str, Any], services: Services) -> Style:
    """The style of a private answer to a click: only the person who clicked reads it, so it
    is in theirs wherever the click was (a channel's card, their DM, App Home)."""
    return services.profiles.style_of(actor(body))


def answer_privately(body: dict[str, Any], respond: Respond, services: Services,
                     say: Callable[Concatenate[Style, P], Payload],
                     *args: P.args, **kwargs: P.kwargs) -> None:
    """An answer only the person who clicked sees, drawn by `say` in their style (see
    in_either_style) and ending as delivery ends a message they read: the crisis line at its
    foot, only words for a screen reader."""
    _answer(body, respond, services, say, args, kwargs, replace=False)


def answer_in_place(body: dict[str, Any], respond: Respond, services: Services,
                    say: Callable[Concatenate[Style, P], Payload],
                    *args: P.args, **kwargs: P.kwargs) -> None:
    """As answer_privately, in place of the private question they answered (only they saw
    it, so it is in their style too)."""
    _answer(body, respond, services, say, args, kwargs, replace=True)


def _answer(body: dict[str, Any], respond: Respond, services: Services,
            say: Callable[..., Payload], args: tuple[Any, ...], kwargs: dict[str, Any], *,
            replace: bool) -> None:
    style = style_of_clicker(body, services)
    message = as_read(say(style, *args, **kwargs), style, services.settings.coprod_crisis_line)
    respond(replace_original=replace, response_type="ephemeral", text=message["text"],
            blocks=message["blocks"])


def shown_to(message: Payload, style: Style, crisis_line: str | None = None) -> Payload:
    """What one person is shown that is no notice (App Home, the list a command answers with),
    as they read it: only words for a screen reader. Its builders write easy read where they
    can. Given `crisis_line`, a message ends with it, as every message a person reads does
    (App Home has its own, and more blocks than a message may)."""
    if crisis_line is not None:
        message = {**message, "blocks": with_crisis_line(message.get("blocks"), crisis_line)}
    return for_screen_readers(message) if style.screen_reader else message
