"""Forms are acted on once. Slack may deliver the same submission twice (a retry, a double
press racing itself, a replayed request within its signing window): the first is handled, and
any copy is told kindly that it was already sent, and changes nothing. A submission answered
with field errors, or that failed, is let go, so the person can fix it and send it again."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack

from bot.services import Services
from handlers.blocks.text import already_sent_view
from handlers.payloads import NotOurs

ViewListener = Callable[..., None]


def submitted_once(listener: ViewListener) -> ViewListener:
    """Wraps a view-submission listener (ack, body, view, services, ...)."""

    @functools.wraps(listener)
    def once(ack: Ack, view: dict[str, Any], services: Services, **rest: Any) -> None:
        view_id = view.get("id")
        if not isinstance(view_id, str) or not view_id:
            raise NotOurs("a form without its id")
        if not services.once.claim_form(view_id):
            ack(response_action="update",
                view=already_sent_view(services.settings.coprod_crisis_line))
            return
        answers: list[dict[str, Any]] = []

        def ack_and_note(*args: Any, **kwargs: Any) -> None:
            answers.append(kwargs)
            ack(*args, **kwargs)

        try:
            listener(ack=ack_and_note, view=view, services=services, **rest)
        except BaseException:
            services.once.release_form(view_id)
            raise
        if not answers or answers[-1].get("response_action") == "errors":
            services.once.release_form(view_id)

    return once
