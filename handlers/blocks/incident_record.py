"""Blocks for an incident's record and its forms."""

from __future__ import annotations

import json
from datetime import tzinfo

from bot.notices import Notice
from bot.rules.incidents import INCIDENT_KIND_WORDS
from bot.services.incident_record import RecordView
from handlers.blocks.text import Renderer, View, escape_mrkdwn, plain, section, when
from handlers.ids import CallbackId


def record_modal(record: RecordView, tz: tzinfo) -> View:
    """A first, plain drawing of the record: its chronology."""
    incident = record.incident
    lines = [f"{when(e.at, tz)}: {e.step}" + (f" - {escape_mrkdwn(e.who)}" if e.who else "")
             for e in record.chronology]
    return {"type": "modal", "callback_id": CallbackId.INCIDENT_RECORD,
            "private_metadata": json.dumps({"incident": incident.id}),
            "title": plain(f"Incident #{incident.id}"[:24]), "close": plain("Close"),
            "blocks": [section(f"*{INCIDENT_KIND_WORDS[incident.kind]}*"),
                       section("\n".join(lines)[:3000] or "Nothing yet.")]}


RENDERERS: dict[type[Notice], Renderer] = {}
