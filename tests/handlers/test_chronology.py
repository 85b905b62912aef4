"""A lead's chronology export holds up with long notes: a cell can't run past a page."""

from __future__ import annotations

from bot.wiring import Runtime
from handlers.chronology import chronology_markdown, chronology_pdf
from storage.models import Incident
from tests.conftest import SlackDriver
from tests.handlers.test_incidents import LEAD, report


def test_a_long_note_is_cut_in_the_table_and_given_whole_after_it(
    slack: SlackDriver, members: Runtime
) -> None:
    report(slack)
    members.dispatcher().deliver_due()
    with members.sessions() as session:
        incident_id = session.query(Incident).one().id
    long_note = ("Spoke with them at length about what happened and what they want. " * 45)[:3000]
    members.services.incidents.acknowledge(incident_id, LEAD)
    members.services.incident_record.add_note(incident_id, LEAD, long_note)
    record = members.services.safeguarding.chronology(incident_id, LEAD)
    tz = members.settings.timezone

    pdf = chronology_pdf(record, tz)
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
    markdown = chronology_markdown(record, tz)
    assert "Notes in full" in markdown
    assert long_note.rstrip()[-60:] in markdown.replace("\\", "")
