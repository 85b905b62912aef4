"""An incident's timeline: every step, who by, when. Everything an incident's areas do (the
report, escalation, outcomes, the s42 step, serious incidents, breach tasks) is written here, so
the record's chronology is whole. `detail` is plain words chosen by Coprod, never anything
typed (it is not encrypted); a note's words go in `note`, which is."""

from __future__ import annotations

from datetime import datetime

from storage.models import Incident, IncidentStep


def record_step(incident: Incident, at: datetime, step: str, *, detail: str = "",
                actor: str | None = None, note: str | None = None) -> None:
    incident.timeline.append(IncidentStep(at=at, step=step, detail=detail[:200],
                                          actor_slack_id=actor, note=note))
