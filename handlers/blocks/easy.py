"""Easy read, the way every area's renderers write it: short sentences, one idea a line, everyday
words, and what to do next last (just above the buttons).

Easy-read guidance (Mencap, the NHS Accessible Information Standard) asks for whole day names,
times people say ("6pm", not "18:00"), no abbreviations and no jargon; these helpers keep that
the same in every message.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec

from handlers.blocks.text import Block, Payload, View, section

if TYPE_CHECKING:
    from bot.rules.communication import Style

P = ParamSpec("P")


def easy_time(moment: datetime, tz: tzinfo) -> str:
    """"6pm", "6:30pm", "12 noon"."""
    local = moment.astimezone(tz)
    if local.hour == 12 and local.minute == 0:
        return "12 noon"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def easy_day(day: date) -> str:
    """"Tuesday 8 December"."""
    return f"{day:%A} {day.day} {day:%B}"


def easy_when(moment: datetime, tz: tzinfo) -> str:
    """"Tuesday 8 December at 6pm"."""
    return f"{easy_day(moment.astimezone(tz).date())} at {easy_time(moment, tz)}"


def easy_lines(lines: Sequence[str]) -> str:
    """One idea a line, with nothing empty between."""
    return "\n".join(line for line in lines if line)


def easy_message(lines: Sequence[str], *, actions: Sequence[Block] = (), text: str | None = None,
                 sms: Sequence[str] | None = None) -> Payload:
    """An easy-read message: its lines in one section, then the buttons. `text` (what a
    notification and a screen reader say on their own) is the first line unless given; `sms`
    is the lines of the text message, when the notice goes by text too."""
    kept = [line for line in lines if line]
    payload: Payload = {"text": text or kept[0], "blocks": [section(easy_lines(kept)),
                                                            *actions]}
    if sms is not None:
        payload["sms"] = easy_lines(sms)
    return payload


def in_either_style(standard: Callable[P, Payload], easy: Callable[P, Payload]
                    ) -> Callable[Concatenate[Style, P], Payload]:
    """One message in its reader's style: the standard builder or its easy-read twin, chosen in
    one place for the renderer that delivers it and the handler that redraws a clicked copy."""

    def draw(style: Style, /, *args: P.args, **kwargs: P.kwargs) -> Payload:
        return (easy if style.easy_read else standard)(*args, **kwargs)

    return draw


# A form drawn in easy read says so in its private_metadata: its redraws, and the answer to its
# submission, then stay in the words it was opened in without reading the profile again.
EASY_READ_KEY = "easy_read"


def drawn_in(form: View, *, easy_read: bool) -> View:
    """The form, noting that it is in easy read beside whatever else it keeps."""
    if easy_read:
        kept = json.loads(form.get("private_metadata") or "{}")
        form["private_metadata"] = json.dumps({**kept, EASY_READ_KEY: True})
    return form


def in_easy_read(metadata: dict[str, Any]) -> bool:
    """Whether a form's private_metadata (as handlers.payloads.metadata reads it) says easy
    read; anything else there counts as the standard words."""
    return metadata.get(EASY_READ_KEY) is True
