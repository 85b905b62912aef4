"""A notification's top-level `text` is mrkdwn too (Slack shows it in notifications and reads
`<!channel>` there): names and typed words are escaped in it as in the blocks."""

from __future__ import annotations

import json
from datetime import date, time

from bot.rules.incidents import IncidentForm, IncidentKind, Severity
from bot.rules.meetings import MeetingDraft, MeetingKind
from bot.wiring import Runtime
from tests.fakes.slack import FakeSlack

KIM = "U0KIM0010"
KIM_PHONE = "+447700900110"
KIM_ROW = ("name,slack_user_id,phone,roles,contact,sms_consent\n"
           f"<!channel> Kim,{KIM},07700 900110,coordinator;safeguarding_lead;trained,both,yes\n")
SAFE = "&lt;!channel&gt; Kim"


def test_no_notification_text_pings_a_channel_whatever_someone_is_called(
    members: Runtime, fake_slack: FakeSlack
) -> None:
    services = members.services
    assert services.members.import_csv(KIM_ROW).added == 1
    kim_id = next(m.id for m in services.members.list_members() if m.slack_user_id == KIM)

    services.texting.receive(KIM_PHONE, "Running late")  # relayed to the coordinators
    services.meetings.create(None, MeetingDraft(
        title="Trustees' meeting", kind=MeetingKind.TRUSTEES, day=date(2026, 12, 8),
        start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre", invited="trustee"))
    services.meetings.request_to_present(KIM, "Evening sessions for working members")
    services.incidents.report(IncidentForm(  # a breach: a follow-up that names Kim
        kind=IncidentKind.BREACH, severity=Severity.LOW, what_happened="Crossed a line",
        danger=False, involved_member_ids=(kim_id,)), "U0FACIL02")
    crisis = services.incidents.report(IncidentForm(
        kind=IncidentKind.CRISIS, severity=Severity.SERIOUS,
        what_happened="Told me about a plan", danger=False), "U0FACIL02")
    services.incidents.acknowledge(crisis.incident_id, KIM)  # "Kim has picked up your report"
    members.dispatcher().deliver_due()

    sent = [c.params for c in fake_slack.calls_to("chat.postMessage")
            + fake_slack.calls_to("chat.update")]
    texts = [str(p.get("text", "")) for p in sent]
    assert all("<!channel>" not in t for t in texts), texts
    for said in (f"Text from {SAFE}", f"Request to present from {SAFE}",
                 f"A guideline follow-up for {SAFE}", f"{SAFE} has picked up your report"):
        assert any(said in t for t in texts), said
    assert "<!channel>" not in json.dumps([p.get("blocks") for p in sent])
