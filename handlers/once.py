"""Forms are acted on once. Slack may deliver the same submission twice (a retry, a double
press racing itself, a replayed request within its signing window): the first is handled, and
any copy is told kindly that it was already sent, and changes nothing. A submission answered
with field errors wrote nothing, so the person can fix it and send it again."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack
from sqlalchemy.exc import IntegrityError

from bot.services import Services
from handlers.blocks.text import already_sent_view
from handlers.payloads import NotOurs

ViewListener = Callable[..., None]


def submitted_once(listener: ViewListener, again: ViewListener | None = None) -> ViewListener:
    """Wraps a view-submission listener (ack, body, view, services, ...). `again`, taking the
    same arguments, answers a copy instead of "Already sent" (it must change nothing): for a
    form whose copy can be told what the first did, in the same words."""

    def copy(ack: Ack, view: dict[str, Any], services: Services, rest: dict[str, Any]) -> None:
        if again is not None:
            again(ack=ack, view=view, services=services, **rest)
            return
        ack(response_action="update",
            view=already_sent_view(services.settings.coprod_crisis_line))

    @functools.wraps(listener)
    def once(ack: Ack, view: dict[str, Any], services: Services, **rest: Any) -> None:
        view_id = view.get("id")
        if not isinstance(view_id, str) or not view_id:
            raise NotOurs("a form without its id")
        if services.once.form_done(view_id):
            copy(ack, view, services, rest)
            return
        try:
            with services.once.form(view_id):
                listener(ack=ack, view=view, services=services, **rest)
        except IntegrityError:
            if not services.once.form_done(view_id):
                raise
            # A copy racing this one committed first: this one's record was rolled back.
            copy(ack, view, services, rest)

    return once
