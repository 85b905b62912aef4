"""An incident's record driven as Slack drives it: opened from the alert, App Home and a
follow-up's message; resolving with the outcome; reopening; follow-ups and their reminders."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_bolt import BoltResponse
from sqlalchemy import Text, select, type_coerce

from bot.rules.incidents import BreachStep, IncidentStatus
from bot.rules.lifecycle import RequestStatus
from bot.rules.roles import NotAllowed
from bot.rules.safeguarding import Answer, FollowUpStatus, S42Decision
from bot.wiring import Runtime
from handlers.blocks import incident_record as record_blocks
from handlers.blocks.incidents import NOT_YOURS
from handlers.ids import ActionId, BlockId
from storage.models import (
    AuditEntry,
    BreachTask,
    Incident,
    IncidentFollowUp,
    IncidentOutcome,
    IncidentRecipient,
    IncidentReferral,
    IncidentStep,
    SafeguardingCheck,
    SeriousIncident,
)
from tests.conftest import FakeClock, LogRecorder, SlackDriver
from tests.handlers.test_declarations import Desk
from tests.handlers.test_incidents import (
    COORDINATOR,
    HR,
    LEAD,
    MEMBER,
    OUTCOME,
    REPORTER,
    dms_to,
    member_id,
    report,
)

TRUSTEE = "U0TRUST08"
HOSTILE = "<@U0EVIL99> & <!channel>"
# Everything these tests type: none of it may reach a log line, and all of it is encrypted.
TYPED = ["Rang them and listened", "keep coming to group", "Refer them on", "asked for more",
         "CAD 1234", "SG-55", "Ring them on Friday", "They got in touch again",
         "Noted for the record"]
OUTCOME_ANSWERS: dict[str, Any] = {
    BlockId.OC_DONE: "Rang them and listened",
    BlockId.OC_SPOKEN: "yes",
    BlockId.OC_WISHES: "They want to keep coming to group",
    BlockId.OC_DECISION: "Refer them on",
    BlockId.OC_REASONS: "They asked for more support",
    BlockId.OC_REFERRALS: ["police", "adult_safeguarding"],
    BlockId.OC_REFERENCES: "Police: CAD 1234\nSG-55",
}


@pytest.fixture(autouse=True)
def _typed_words_never_logged(log_lines: LogRecorder) -> Iterator[None]:
    yield
    leaked = [line for line in log_lines.lines if any(words in line for words in TYPED)]
    assert not leaked, leaked[:3]


# -- helpers ---------------------------------------------------------------------------------
def view_of(params: dict[str, Any]) -> dict[str, Any]:
    view = params["view"]
    return json.loads(view) if isinstance(view, str) else dict(view)


def words(view: dict[str, Any]) -> str:
    """Every piece of text a view shows, one a line."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(view.get("blocks", []))
    return "\n".join(found)


def action_ids(view: dict[str, Any]) -> set[str]:
    return {e["action_id"] for b in view["blocks"] if b.get("type") == "actions"
            for e in b["elements"]} | {b["accessory"]["action_id"] for b in view["blocks"]
                                       if "accessory" in b}


def reported_alert(slack: SlackDriver, members: Runtime) -> tuple[int, dict[str, Any]]:
    """A crisis disclosure, reported by Bram, and the alert the safeguarding lead got."""
    report(slack)
    members.dispatcher().deliver_due()
    [alert] = dms_to(slack.fake, LEAD)
    with members.sessions() as session:
        return session.query(Incident).one().id, alert


def open_record(slack: SlackDriver, message: dict[str, Any], user: str) -> dict[str, Any]:
    slack.click(message, ActionId.IN_RECORD, user_id=user, channel="D" + user[1:])
    record = slack.opened_view()
    assert record["callback_id"] == "incident_record"
    return record


def closes(response: BoltResponse) -> bool:
    """A form pushed over the record, answered with a bare ack: it closes."""
    return response.status == 200 and response.body == ""


def audit(members: Runtime, action: str) -> list[tuple[str, str]]:
    with members.sessions() as session:
        return [(e.actor_slack_id, e.subject) for e in
                session.query(AuditEntry).filter_by(action=action).order_by(AuditEntry.id)]


def steps(members: Runtime) -> list[IncidentStep]:
    with members.sessions() as session:
        return list(session.query(IncidentStep).order_by(IncidentStep.id))


# -- opening the record ----------------------------------------------------------------------
def test_the_record_opens_from_the_alert_and_app_home_for_recipients_only(
    slack: SlackDriver, members: Runtime
) -> None:
    incident_id, alert = reported_alert(slack, members)
    record = open_record(slack, alert, LEAD)
    shown = words(record)
    assert "Crisis disclosure" in shown and "Serious" in shown
    assert "by Bram Okonkwo" in shown and "<@" not in json.dumps(record)  # names, not mentions
    assert "They said they had a plan to hurt themselves." in shown

    slack.event({"type": "app_home_opened", "user": LEAD, "tab": "home"})
    home = view_of(slack.fake.calls_to("views.publish")[-1].params)
    slack.click_in_view(home, ActionId.IN_RECORD, user_id=LEAD, value=str(incident_id))
    assert slack.opened_view()["callback_id"] == "incident_record"
    opened = len(slack.fake.calls_to("views.open"))

    slack.click(alert, ActionId.IN_RECORD, user_id=MEMBER, channel="D0MEMBR06")
    assert NOT_YOURS in slack.fake.responses[-1].params["text"]
    assert len(slack.fake.calls_to("views.open")) == opened  # nothing shown to them
    subject = f"incident:{incident_id}"
    assert audit(members, "read record") == [(LEAD, subject), (LEAD, subject)]
    assert audit(members, "refused read record") == [(MEMBER, subject)]


def test_the_chronology_shows_every_step_with_who_and_the_notes_words_escaped(
    slack: SlackDriver, members: Runtime
) -> None:
    incident_id, alert = reported_alert(slack, members)
    slack.click(alert, ActionId.IN_ACKNOWLEDGE, user_id=LEAD, channel="D0SAFEG05")
    record = open_record(slack, alert, LEAD)
    slack.click_in_view(record, ActionId.IN_NOTE, user_id=LEAD)
    note_form = slack.pushed_view()  # over the record
    answer = slack.submit(note_form, {BlockId.IN_NOTE: f"Noted for the record {HOSTILE}"},
                          user_id=LEAD)
    assert closes(answer)  # the note form, and the record beneath is redrawn
    redrawn = view_of(slack.fake.calls_to("views.update")[-1].params)
    assert slack.fake.calls_to("views.update")[-1].params["view_id"] == "V0ROOT"
    text = words(redrawn)
    assert "Noted for the record &lt;@U0EVIL99&gt; &amp; &lt;!channel&gt;" in text
    assert "<@U0EVIL99>" not in json.dumps(redrawn) and "<!channel>" not in json.dumps(redrawn)

    members.services.incident_record.resolve(incident_id, LEAD, OUTCOME)
    text = words(open_record(slack, alert, LEAD))
    lines = [line for line in text.splitlines() if line.startswith("*Mon 23 Nov")]
    expected = ["Reported - Bram Okonkwo (Crisis disclosure, serious)",
                "Alert sent (Slack message to Esme Hart)", "Picked up - Esme Hart",
                "Note - Esme Hart", "Outcome recorded - Esme Hart (no referral)",
                "Resolved - Esme Hart"]
    assert [line.split("* · ", 1)[1] for line in lines] == expected


def test_a_long_record_keeps_within_slacks_limits_and_says_what_is_not_shown(
    slack: SlackDriver, members: Runtime
) -> None:
    incident_id, alert = reported_alert(slack, members)
    for n in range(45):
        members.services.incident_record.add_note(incident_id, LEAD,
                                                  f"Note {n} " + "&<" * 1490)
    record = open_record(slack, alert, LEAD)
    assert len(record["blocks"]) <= 100
    texts = [b["text"]["text"] for b in record["blocks"] if b["type"] == "section"
             and "text" in b]
    assert all(len(t) <= 3000 for t in texts)
    assert not any(re.search(r"&(?!amp;|lt;|gt;)", t) for t in texts)  # no escape cut in half
    shown = words(record)
    assert "Note 44 " in shown and "Note 0 " not in shown
    earlier = int(re.search(r"(\d+) earlier steps not shown", shown).group(1))  # type: ignore
    # Reported, notified, acknowledged (the first note picked it up) and 45 notes.
    assert earlier == 48 - sum(f"Note {n} " in shown for n in range(45))


# -- resolving with the outcome --------------------------------------------------------------
def test_resolving_asks_for_the_outcome_and_saves_nothing_until_it_is_whole(
    slack: SlackDriver, members: Runtime
) -> None:
    incident_id, alert = reported_alert(slack, members)
    slack.click(alert, ActionId.IN_RESOLVE, user_id=LEAD, channel="D0SAFEG05")
    form = slack.opened_view()
    assert form["callback_id"] == "incident_outcome"
    errors = slack.payload(slack.submit(form, {}, user_id=LEAD))["errors"]
    assert set(errors) == {BlockId.OC_DONE, BlockId.OC_SPOKEN, BlockId.OC_DECISION,
                           BlockId.OC_REASONS, BlockId.OC_REFERRALS}
    both = {**OUTCOME_ANSWERS, BlockId.OC_REFERRALS: ["police", "none"]}
    assert set(slack.payload(slack.submit(form, both, user_id=LEAD))["errors"]) == {
        BlockId.OC_REFERRALS}
    with members.sessions() as session:
        assert session.get(Incident, incident_id).status is IncidentStatus.OPEN  # type: ignore
        assert session.query(IncidentOutcome).count() == 0

    done = slack.payload(slack.submit(form, OUTCOME_ANSWERS, user_id=LEAD))
    assert done["response_action"] == "update"
    shown = words(done["view"])
    assert "Rang them and listened" in shown and "Police - reference CAD 1234" in shown
    assert ActionId.IN_REOPEN in action_ids(done["view"])
    with members.sessions() as session:
        incident = session.get(Incident, incident_id)
        assert incident is not None and incident.status is IncidentStatus.RESOLVED
        assert incident.resolved_by == LEAD and incident.next_escalation_at is None
        outcome = session.query(IncidentOutcome).one()
        assert (outcome.decision, outcome.views_and_wishes) == (
            "Refer them on", "They want to keep coming to group")
        referrals = {(r.agency.value, r.reference, r.outcome_id)
                     for r in session.query(IncidentReferral)}
    assert referrals == {("police", "CAD 1234", outcome.id),
                         ("adult_safeguarding", "SG-55", outcome.id)}
    assert [(s.step, s.detail) for s in steps(members)][-4:] == [
        ("outcome recorded", "2 referral(s)"),
        ("referral", "to the council's adult safeguarding team"), ("referral", "to the police"),
        ("resolved", "")]

    members.dispatcher().deliver_due()
    [update] = slack.fake.calls_to("chat.update")  # the alert, redrawn
    redrawn = {e["action_id"] for b in update.params["blocks"] if b["type"] == "actions"
               for e in b["elements"]}
    assert redrawn == {ActionId.IN_RECORD}  # no Resolve on a resolved incident
    assert any("Esme Hart has picked up your report" in m["text"]
               for m in dms_to(slack.fake, REPORTER))  # nobody had acknowledged it


def test_resolving_twice_changes_nothing_and_says_so(
    slack: SlackDriver, members: Runtime
) -> None:
    _, alert = reported_alert(slack, members)
    slack.click(alert, ActionId.IN_RESOLVE, user_id=LEAD, channel="D0SAFEG05")
    first = slack.opened_view()
    slack.click(alert, ActionId.IN_RESOLVE, user_id=LEAD, channel="D0SAFEG05")
    second = slack.opened_view()
    slack.submit(first, OUTCOME_ANSWERS, user_id=LEAD)
    again = slack.payload(slack.submit(second, {**OUTCOME_ANSWERS,
                                                BlockId.OC_REFERRALS: ["none"]}, user_id=LEAD))
    assert record_blocks.ALREADY_RESOLVED_NOTE in words(again["view"])
    slack.click(alert, ActionId.IN_RESOLVE, user_id=LEAD, channel="D0SAFEG05")  # a stale copy
    assert slack.fake.responses[-1].params["text"] == record_blocks.ALREADY_RESOLVED
    with members.sessions() as session:
        assert session.query(IncidentOutcome).count() == 1
        assert session.query(IncidentReferral).count() == 2
    assert [s.step for s in steps(members)].count("resolved") == 1


def test_only_responders_may_resolve(slack: SlackDriver, members: Runtime) -> None:
    incident_id, alert = reported_alert(slack, members)
    with members.sessions.begin() as session:  # a trustee the incident reached
        session.add(IncidentRecipient(incident_id=incident_id, slack_user_id=TRUSTEE))
    slack.click(alert, ActionId.IN_RESOLVE, user_id=TRUSTEE, channel="D0TRUST08")
    assert NOT_YOURS in slack.fake.responses[-1].params["text"]
    record = open_record(slack, alert, TRUSTEE)  # they may read it
    assert action_ids(record) == set()
    assert audit(members, "refused open resolve form") == [(TRUSTEE,
                                                            f"incident:{incident_id}")]


def test_a_trustee_who_has_it_while_a_responder_does_neither_acknowledges_nor_adds_notes(
    slack: SlackDriver, members: Runtime
) -> None:
    incident_id, alert = reported_alert(slack, members)
    with members.sessions.begin() as session:  # told as a trustee (marked serious, say)
        session.add(IncidentRecipient(incident_id=incident_id, slack_user_id=TRUSTEE))
    slack.click(alert, ActionId.IN_ACKNOWLEDGE, user_id=TRUSTEE, channel="D0TRUST08")
    assert NOT_YOURS in slack.fake.responses[-1].params["text"]
    slack.click(alert, ActionId.IN_NOTE, user_id=TRUSTEE, channel="D0TRUST08")
    assert NOT_YOURS in slack.fake.responses[-1].params["text"]
    with pytest.raises(NotAllowed):
        members.services.incident_record.add_note(incident_id, TRUSTEE, "Noted for the record")
    with members.sessions() as session:
        incident = session.get(Incident, incident_id)
        assert incident is not None and incident.acknowledged_by is None
    assert [s.step for s in steps(members)].count("note") == 0
    assert [a for a, _ in audit(members, "refused acknowledged")] == [TRUSTEE]
    assert [a for a, _ in audit(members, "refused note")] == [TRUSTEE]


def test_an_incident_sent_only_to_the_trustees_can_be_resolved_and_reopened_by_them(
    slack: SlackDriver, members: Runtime
) -> None:
    # No HR officer, and the one coordinator is named in it: it goes to the trustees.
    members.services.members.import_csv(
        f"name,slack_user_id,phone,roles,contact,sms_consent\nHana Quill,{HR},,member,slack,no\n")
    report(slack, kind="other", severity="moderate", what="Crossed a line",
           people=[member_id(members, "Ada Brightwater")])
    members.dispatcher().deliver_due()
    [alert] = dms_to(slack.fake, TRUSTEE)
    slack.click(alert, ActionId.IN_ACKNOWLEDGE, user_id=TRUSTEE, channel="D0TRUST08")
    record = open_record(slack, alert, TRUSTEE)
    assert {ActionId.IN_NOTE, ActionId.IN_RESOLVE, ActionId.IN_FOLLOW_UP} <= action_ids(record)
    slack.click_in_view(record, ActionId.IN_RESOLVE, user_id=TRUSTEE)
    form = slack.pushed_view()
    assert form["callback_id"] == "incident_outcome"
    assert closes(slack.submit(form, {  # a follow-up the trustee takes on themselves
        **OUTCOME_ANSWERS, BlockId.FU_WHAT: "Ring them on Friday", BlockId.FU_WHO: TRUSTEE,
        BlockId.FU_BY: "2026-11-25"}, user_id=TRUSTEE))
    redrawn = view_of(slack.fake.calls_to("views.update")[-1].params)
    assert ActionId.IN_REOPEN in action_ids(redrawn)
    with members.sessions() as session:
        incident = session.query(Incident).one()
        assert (incident.status, incident.acknowledged_by, incident.resolved_by) == (
            IncidentStatus.RESOLVED, TRUSTEE, TRUSTEE)
        follow_up = session.query(IncidentFollowUp).one()
    assert follow_up.assignee_slack_id == TRUSTEE

    slack.click_in_view(redrawn, ActionId.IN_REOPEN, user_id=TRUSTEE)
    slack.submit(slack.pushed_view(), {BlockId.IN_REOPEN_WHY: "They got in touch again"},
                 user_id=TRUSTEE)
    members.services.incident_record.mark_follow_up_done(follow_up.id, TRUSTEE)
    with members.sessions() as session:
        assert session.query(Incident).one().status is IncidentStatus.ACKNOWLEDGED
        assert session.query(IncidentFollowUp).one().status is FollowUpStatus.DONE
    # Ada, named in it, never could.
    slack.click(alert, ActionId.IN_RECORD, user_id=COORDINATOR, channel="D0COORD01")
    assert NOT_YOURS in slack.fake.responses[-1].params["text"]


# -- reopening -------------------------------------------------------------------------------
def test_reopening_records_why_and_offers_resolve_again(
    slack: SlackDriver, members: Runtime
) -> None:
    incident_id, alert = reported_alert(slack, members)
    assert members.services.incident_record.reopen(incident_id, LEAD, "Too soon").unchanged
    members.services.incident_record.resolve(incident_id, LEAD, OUTCOME)
    record = open_record(slack, alert, LEAD)
    assert ActionId.IN_RESOLVE not in action_ids(record)
    slack.click_in_view(record, ActionId.IN_REOPEN, user_id=LEAD)
    form = slack.pushed_view()
    assert form["callback_id"] == "incident_reopen"
    errors = slack.payload(slack.submit(form, {BlockId.IN_REOPEN_WHY: "  "}, user_id=LEAD))
    assert set(errors["errors"]) == {BlockId.IN_REOPEN_WHY}
    slack.submit(form, {BlockId.IN_REOPEN_WHY: "They got in touch again"}, user_id=LEAD)
    redrawn = view_of(slack.fake.calls_to("views.update")[-1].params)
    assert ActionId.IN_RESOLVE in action_ids(redrawn)
    assert "They got in touch again" in words(redrawn)
    with members.sessions() as session:
        incident = session.get(Incident, incident_id)
        assert incident is not None and incident.status is IncidentStatus.ACKNOWLEDGED
        assert incident.resolved_by is None and incident.resolved_at is None
        reopened = session.query(IncidentStep).filter_by(step="reopened").one()
        assert (reopened.actor_slack_id, reopened.note) == (LEAD, "They got in touch again")
    members.dispatcher().deliver_due()
    latest = slack.fake.calls_to("chat.update")[-1].params
    assert ActionId.IN_RESOLVE in {e["action_id"] for b in latest["blocks"]
                                   if b["type"] == "actions" for e in b["elements"]}
    # And it can be resolved again, with a second outcome.
    members.services.incident_record.resolve(incident_id, LEAD, OUTCOME)
    with members.sessions() as session:
        assert session.query(IncidentOutcome).count() == 2


# -- follow-ups ------------------------------------------------------------------------------
def resolve_with_follow_up(slack: SlackDriver, alert: dict[str, Any], who: str,
                           by: str = "2026-11-25") -> dict[str, Any]:
    slack.click(alert, ActionId.IN_RESOLVE, user_id=LEAD, channel="D0SAFEG05")
    return slack.payload(slack.submit(slack.opened_view(), {
        **OUTCOME_ANSWERS, BlockId.FU_WHAT: "Ring them on Friday", BlockId.FU_WHO: who,
        BlockId.FU_BY: by}, user_id=LEAD))


def test_follow_up_reminders_go_on_the_day_then_to_the_leads_until_done(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    incident_id, alert = reported_alert(slack, members)
    resolve_with_follow_up(slack, alert, COORDINATOR)
    records = members.services.incident_record
    members.dispatcher().deliver_due()
    [given] = dms_to(slack.fake, COORDINATOR)
    assert given["text"] == f"A follow-up on incident #{incident_id} is yours, due Wed 25 Nov."
    assert "Ring them on Friday" in json.dumps(given["blocks"])
    open_record(slack, given, COORDINATOR)  # Ada can open the record now
    assert records.remind_follow_ups() == 0
    leads_before = len(dms_to(slack.fake, LEAD))

    clock.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # 9am in London, the day it is due
    assert records.remind_follow_ups() == 1
    assert records.remind_follow_ups() == 0  # once
    members.dispatcher().deliver_due()
    assert dms_to(slack.fake, COORDINATOR)[-1]["text"] == (
        f"Due today: your follow-up on incident #{incident_id}. This is what to do:")
    assert len(dms_to(slack.fake, LEAD)) == leads_before  # the day itself: only to Ada

    clock.advance(hours=24)  # the grace period passes
    assert records.remind_follow_ups() == 1
    members.dispatcher().deliver_due()
    missed = dms_to(slack.fake, COORDINATOR)[-1]
    assert missed["text"].startswith(f"Missed: your follow-up on incident #{incident_id} "
                                     "was due Wed 25 Nov")
    [chased] = dms_to(slack.fake, LEAD)[leads_before:]
    assert "It is Ada Brightwater's to do." in chased["text"]

    slack.click(missed, ActionId.IN_FOLLOW_UP_DONE, user_id=COORDINATOR, channel="D0COORD01")
    assert slack.fake.responses[-1].params["text"] == record_blocks.MARKED_DONE
    members.dispatcher().deliver_due()
    updates = [u.params for u in slack.fake.calls_to("chat.update")]
    done = [u for u in updates if u["text"].startswith("Done: the follow-up")]
    assert len(done) == 4  # given, due today, missed, and the lead's
    assert all("marked done by Ada Brightwater" in u["text"] for u in done)
    clock.advance(hours=24)
    assert records.remind_follow_ups() == 0  # stopped
    with members.sessions() as session:
        follow_up = session.query(IncidentFollowUp).one()
        assert (follow_up.status, follow_up.done_by) == (FollowUpStatus.DONE, COORDINATOR)
    assert [s.step for s in steps(members)].count("follow-up reminded") == 2
    assert [(s.step, s.detail) for s in steps(members)][-1] == ("follow-up done",
                                                                "due 25 Nov")


def test_after_downtime_a_follow_up_reminds_once_then_once_a_grace_period(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    incident_id, alert = reported_alert(slack, members)
    resolve_with_follow_up(slack, alert, COORDINATOR)  # due Wed 25 Nov, 9am
    records = members.services.incident_record
    clock.now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # the job was stopped for days
    assert records.remind_follow_ups() == 1
    assert records.remind_follow_ups() == 0  # not one for each day missed
    members.dispatcher().deliver_due()
    _given, missed = dms_to(slack.fake, COORDINATOR)
    assert missed["text"].startswith(f"Missed: your follow-up on incident #{incident_id}")
    assert len([m for m in dms_to(slack.fake, LEAD) if m["text"].startswith("Missed")]) == 1
    clock.now = datetime(2026, 12, 1, 8, 59, tzinfo=UTC)
    assert records.remind_follow_ups() == 0
    clock.advance(minutes=1)  # a grace period on, at the hour it was due
    assert records.remind_follow_ups() == 1
    clock.advance(hours=24)
    assert records.remind_follow_ups() == 1
    with members.sessions() as session:
        follow_up = session.query(IncidentFollowUp).one()
    assert follow_up.next_reminder_at == clock.now + timedelta(hours=24)
    assert [s.step for s in steps(members)].count("follow-up reminded") == 3


def test_the_chase_leaves_out_a_lead_related_to_someone_named_while_another_can_be_chased(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    lee = "U0SAFEG10"
    members.services.members.import_csv(
        f"name,slack_user_id,phone,roles,contact,sms_consent\nLee Park,{lee},,"
        "safeguarding_lead,slack,no\n")
    Desk(members, slack).declare(LEAD, other=MEMBER)  # Esme and Fin
    report(slack, kind="safeguarding", severity="moderate", people=[member_id(members, "Fin Rowe")])
    members.dispatcher().deliver_due()
    assert dms_to(slack.fake, LEAD) == []
    [alert] = dms_to(slack.fake, lee)
    slack.click(alert, ActionId.IN_RESOLVE, user_id=lee, channel="D0SAFEG10")
    slack.submit(slack.opened_view(), {
        **OUTCOME_ANSWERS, BlockId.FU_WHAT: "Ring them on Friday", BlockId.FU_WHO: COORDINATOR,
        BlockId.FU_BY: "2026-11-25"}, user_id=lee)
    records = members.services.incident_record
    clock.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    assert records.remind_follow_ups() == 1
    clock.advance(hours=24)
    assert records.remind_follow_ups() == 1  # missed: the leads are chased
    members.dispatcher().deliver_due()
    assert dms_to(slack.fake, LEAD) == []
    assert dms_to(slack.fake, lee)[-1]["text"].startswith("Missed: a follow-up")
    with members.sessions() as session:
        assert LEAD not in {r.slack_user_id for r in session.query(Incident).one().recipients}


def test_a_reminder_waiting_to_be_sent_is_not_sent_once_the_follow_up_is_done(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    _, alert = reported_alert(slack, members)
    resolve_with_follow_up(slack, alert, COORDINATOR, by="2026-11-23")  # today, past 9am
    records = members.services.incident_record
    assert records.remind_follow_ups() == 1  # queued, not yet delivered
    with members.sessions() as session:
        follow_up_id = session.query(IncidentFollowUp).one().id
    record = records.mark_follow_up_done(follow_up_id, LEAD)
    assert record.follow_ups[0].status is FollowUpStatus.DONE
    assert records.mark_follow_up_done(follow_up_id, LEAD).unchanged
    members.dispatcher().deliver_due()
    assert dms_to(slack.fake, COORDINATOR) == []  # neither "yours" nor "due today" was sent


def test_a_follow_up_goes_only_to_a_responder_not_named_in_it(
    slack: SlackDriver, members: Runtime
) -> None:
    fin = member_id(members, "Fin Rowe")
    report(slack, kind="safeguarding", severity="moderate", people=[fin])
    members.dispatcher().deliver_due()
    [alert] = dms_to(slack.fake, LEAD)
    record = open_record(slack, alert, LEAD)
    slack.click_in_view(record, ActionId.IN_FOLLOW_UP, user_id=LEAD)
    form = slack.pushed_view()
    assert form["callback_id"] == "incident_follow_up"
    assert set(slack.payload(slack.submit(form, {}, user_id=LEAD))["errors"]) == {
        BlockId.FU_WHAT, BlockId.FU_WHO, BlockId.FU_BY}
    answers = {BlockId.FU_WHAT: "Ring them on Friday", BlockId.FU_BY: "2026-11-27"}
    for who in (REPORTER, MEMBER, "U0NOBODY9"):  # a facilitator, a member, nobody we know
        errors = slack.payload(slack.submit(form, {**answers, BlockId.FU_WHO: who},
                                            user_id=LEAD))["errors"]
        assert errors == {BlockId.FU_WHO: "Please choose a safeguarding lead, coordinator or "
                                          "HR officer: follow-ups go to the people who "
                                          "respond to incidents."}
    with members.sessions() as session:
        assert session.query(IncidentFollowUp).count() == 0

    assert closes(slack.submit(form, {**answers, BlockId.FU_WHO: HR}, user_id=LEAD))
    redrawn = view_of(slack.fake.calls_to("views.update")[-1].params)
    assert "Hana Quill · due Fri 27 Nov · open" in words(redrawn)
    with members.sessions() as session:
        incident = session.query(Incident).one()
        assert HR in {r.slack_user_id for r in incident.recipients}
    assert [(s.step, s.detail) for s in steps(members)][-1] == ("follow-up added",
                                                                "due 27 Nov")


def test_a_follow_up_never_goes_to_someone_named_in_the_incident(
    slack: SlackDriver, members: Runtime
) -> None:
    ada = member_id(members, "Ada Brightwater")
    report(slack, kind="safeguarding", severity="moderate", people=[ada])
    members.dispatcher().deliver_due()
    [alert] = dms_to(slack.fake, LEAD)
    errors = resolve_with_follow_up(slack, alert, COORDINATOR)["errors"]
    assert errors == {BlockId.FU_WHO: "They are named in this incident, so it can't go to "
                                      "them. Please choose someone else."}
    with members.sessions() as session:
        assert session.query(Incident).one().status is IncidentStatus.OPEN


# -- the rest of the record, and who sees which buttons --------------------------------------
def test_the_record_shows_the_s42_answers_the_trustees_decision_and_breach_follow_ups(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    incident_id, alert = reported_alert(slack, members)
    with members.sessions.begin() as session:
        session.add(SafeguardingCheck(
            incident_id=incident_id, care_needs=Answer.YES, abuse_or_neglect=Answer.NOT_SURE,
            cannot_protect=Answer.YES, decision=S42Decision.REFER, reasons=f"Alone {HOSTILE}",
            recorded_by=LEAD, recorded_at=clock.now))
        session.add(SeriousIncident(incident_id=incident_id, harms="harm_to_people",
                                    marked_by=LEAD, marked_at=clock.now))
        session.add(BreachTask(incident_id=incident_id,
                               member_id=int(member_id(members, "Fin Rowe")),
                               step=BreachStep.TALK_IT_THROUGH, status=RequestStatus.REQUESTED,
                               created_at=clock.now))
        session.add(IncidentRecipient(incident_id=incident_id, slack_user_id=TRUSTEE))
    lead_view = open_record(slack, alert, LEAD)
    shown = words(lead_view)
    assert "Refer to the council's adult safeguarding team" in shown
    assert f"Alone {HOSTILE}".replace("&", "&amp;").replace("<", "&lt;").replace(
        ">", "&gt;") in shown
    assert "Possibly serious for the charity" in shown and "not yet recorded" in shown
    assert "Talk it through with Fin Rowe: asked for" in shown
    assert action_ids(lead_view) == {ActionId.IN_NOTE, ActionId.IN_RESOLVE,
                                     ActionId.IN_FOLLOW_UP, ActionId.IN_S42, ActionId.IN_EXPORT}
    trustee_view = open_record(slack, alert, TRUSTEE)
    assert action_ids(trustee_view) == {ActionId.SI_DECIDE}


# -- at rest ---------------------------------------------------------------------------------
def test_what_is_typed_into_the_record_is_encrypted_at_rest(
    slack: SlackDriver, members: Runtime
) -> None:
    incident_id, alert = reported_alert(slack, members)
    resolve_with_follow_up(slack, alert, COORDINATOR)
    members.services.incident_record.reopen(incident_id, LEAD, "They got in touch again")
    columns = [IncidentOutcome.what_was_done, IncidentOutcome.views_and_wishes,
               IncidentOutcome.decision, IncidentOutcome.reasons, IncidentReferral.reference,
               IncidentFollowUp.what, IncidentStep.note]
    with members.engine.connect() as connection:
        stored = [v for column in columns
                  for (v,) in connection.execute(select(type_coerce(column, Text)))
                  if v is not None]
    assert len(stored) >= 8 and all(v.startswith("gAAAAA") for v in stored)
    assert not any(typed in v for v in stored for typed in TYPED)
    with members.sessions() as session:  # and read back whole
        assert session.query(IncidentFollowUp).one().what == "Ring them on Friday"


def test_working_on_an_open_incident_picks_it_up_and_stops_the_chasing(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    incident_id, alert = reported_alert(slack, members)
    slack.click(alert, ActionId.IN_NOTE, user_id=LEAD, channel="D0SAFEG05")
    slack.submit(slack.opened_view(), {BlockId.IN_NOTE: "Noted for the record"}, user_id=LEAD)
    with members.sessions() as session:
        incident = session.get(Incident, incident_id)
        assert incident is not None
        assert incident.status is IncidentStatus.ACKNOWLEDGED
        assert incident.acknowledged_by == LEAD and incident.next_escalation_at is None
    clock.advance(minutes=30)
    assert members.services.incidents.escalate_unacknowledged() == 0  # nobody else is chased
    members.dispatcher().deliver_due()
    assert dms_to(slack.fake, COORDINATOR) == []
    assert any("has picked up your report" in m["text"] for m in dms_to(slack.fake, REPORTER))
