"""The incident's record: opening it from the alert and App Home, resolving with the
outcome, reopening, follow-ups."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.services import Services
from bot.services.incident_record import RecordView
from handlers.blocks import incident_record as blocks


def register(app: App) -> None:
    """Nothing registered yet."""


def show_record_after(ack: Ack, body: dict[str, Any], client: WebClient, services: Services,
                      record: RecordView) -> None:
    """After a form about an incident is submitted, the person sees the record as it is now:
    a form pushed over the record closes and the record beneath is redrawn; a form opened on
    its own becomes the record."""
    modal = blocks.record_modal(record, services.settings.timezone)
    view = body.get("view") or {}
    root = view.get("root_view_id")
    if root and root != view.get("id"):
        ack()
        client.views_update(view_id=root, view=modal)
    else:
        ack(response_action="update", view=modal)
