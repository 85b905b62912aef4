"""Serious incidents for the trustees, and their digest, driven as Slack drives them: a lead
marks an incident from its record, the trustees are told (no names, no words), acknowledge,
are reminded until they record their decision; and the monthly digest of counts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from slack_bolt import BoltResponse

from bot.rules.feedback import FeedbackForm
from bot.rules.feedback_words import FeedbackKind, FeedbackTopic
from bot.rules.incidents import BreachStep
from bot.rules.lifecycle import RequestStatus
from bot.rules.safeguarding import CharityDecision, CharityDecisionForm, FollowUpStatus, Harm
from bot.rules.sessions import SessionDraft, SessionKind
from bot.services.oversight import OversightService
from bot.wiring import Runtime
from handlers.ids import ActionId, BlockId, CallbackId
from storage.models import (
    AuditEntry,
    BreachTask,
    Incident,
    IncidentFollowUp,
    IncidentStep,
    OutboxMessage,
    OutboxStatus,
    SeriousIncident,
)
from tests.conftest import FakeClock, SlackDriver
from tests.handlers.test_declarations import Desk
from tests.handlers.test_incidents import dms_to, member_id, report

LEAD = "U0SAFEG05"         # Esme: safeguarding lead, gets crisis reports
COORDINATOR = "U0COORD01"  # Ada
REPORTER = "U0FACIL02"     # Bram
MEMBER = "U0MEMBR06"       # Fin
TRUSTEE = "U0TRUST08"      # Tom
UMA = "U0TRUST09"          # a second trustee, added where a test needs two
REPORT_WORDS = "They said they had a plan to hurt themselves."
NAMES = ("Bram", "Okonkwo", "Esme", "Fin Rowe", REPORTER, "plan to hurt")


def add_second_trustee(runtime: Runtime, roles: str = "trustee") -> None:
    report_ = runtime.services.members.import_csv(
        f"name,slack_user_id,phone,roles,contact,sms_consent\nUma Stone,{UMA},,{roles},slack,no\n")
    assert report_.problems == []


def latest_incident(runtime: Runtime) -> int:
    with runtime.sessions() as session:
        return max(i.id for i in session.query(Incident))


def record_with_buttons(incident_id: int) -> dict[str, Any]:
    """A record opened earlier (before it was marked, say), with this area's buttons on it."""
    value = str(incident_id)
    return {"type": "modal", "id": "V0RECORD", "callback_id": CallbackId.INCIDENT_RECORD,
            "blocks": [{"type": "actions", "block_id": BlockId.IN_RECORD_ACTIONS, "elements": [
                {"type": "button", "action_id": ActionId.IN_SERIOUS, "value": value},
                {"type": "button", "action_id": ActionId.SI_DECIDE, "value": value}]}]}


def open_record(slack: SlackDriver, runtime: Runtime, user: str) -> dict[str, Any]:
    """Opens the record from the newest message of theirs that has "Open the record"."""
    runtime.dispatcher().deliver_due()
    message = next(m for m in reversed(dms_to(slack.fake, user))
                   if ActionId.IN_RECORD in buttons(m))
    slack.click(message, ActionId.IN_RECORD, user_id=user, channel="D" + user[1:])
    record = slack.opened_view()
    assert record["callback_id"] == CallbackId.INCIDENT_RECORD
    return record


def mark_serious(slack: SlackDriver, runtime: Runtime, harms: list[str] | None = None, *,
                 user: str = LEAD, record: dict[str, Any] | None = None) -> BoltResponse:
    """The lead opens the record from their alert, and marks it from there."""
    record = record or open_record(slack, runtime, user)
    slack.click_in_view(record, ActionId.IN_SERIOUS, user_id=user)
    form = slack.pushed_view()
    assert form["callback_id"] == CallbackId.INCIDENT_SERIOUS
    assert "Charity Commission" in json.dumps(form["blocks"])
    return slack.submit(form, {BlockId.SI_HARMS: harms or [Harm.PEOPLE.value]}, user_id=user)


def reported_and_marked(slack: SlackDriver, runtime: Runtime, **kwargs: Any) -> int:
    report(slack, **kwargs)
    incident_id = latest_incident(runtime)
    assert mark_serious(slack, runtime).status == 200
    runtime.dispatcher().deliver_due()
    return incident_id


def decide(slack: SlackDriver, message: dict[str, Any], answers: dict[str, Any], *,
           user: str = TRUSTEE) -> dict[str, Any]:
    slack.click(message, ActionId.SI_DECIDE, user_id=user, channel="D0TRUST08")
    form = slack.opened_view()
    assert form["callback_id"] == CallbackId.CHARITY_DECISION
    response = slack.submit(form, answers, user_id=user)
    assert response.status == 200
    return json.loads(response.body) if response.body else {}


def buttons(message: dict[str, Any]) -> set[str]:
    blocks = message["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    return {e["action_id"] for b in blocks if b.get("type") == "actions" for e in b["elements"]}


def updates_to(slack: SlackDriver, channel: str) -> list[dict[str, Any]]:
    return [c.params for c in slack.fake.calls_to("chat.update")
            if c.params["channel"] == channel]


def steps(runtime: Runtime, incident_id: int, step: str) -> list[IncidentStep]:
    with runtime.sessions() as session:
        return session.query(IncidentStep).filter_by(incident_id=incident_id, step=step) \
            .order_by(IncidentStep.id).all()  # in the order they were taken, on any database


def serious_row(runtime: Runtime, incident_id: int) -> SeriousIncident:
    with runtime.sessions() as session:
        found = session.get(SeriousIncident, incident_id)
        assert found is not None
        return found


# -- marking -----------------------------------------------------------------------------------
def test_a_lead_marks_an_incident_and_the_trustees_are_told_without_names_or_words(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    report(slack)
    incident_id = latest_incident(members)
    response = mark_serious(slack, members, [Harm.PEOPLE.value, Harm.REPUTATION.value])
    assert response.status == 200
    # The form closes and the record beneath it is drawn again.
    redrawn = slack.fake.calls_to("views.update")[-1].params
    assert redrawn["view_id"] == "V0ROOT"
    assert redrawn["view"]["callback_id"] == CallbackId.INCIDENT_RECORD
    members.dispatcher().deliver_due()

    [dm] = dms_to(slack.fake, TRUSTEE)
    assert dm["text"] == (
        f"Incident #{incident_id} has been marked as possibly serious for the charity. The "
        "risk: harm to people and harm to the charity's reputation. The trustees need to decide "
        "whether to report it to the Charity Commission.")
    shown = json.dumps(dm)
    for private in NAMES:
        assert private not in shown, private
    assert buttons(dm) == {ActionId.SI_ACKNOWLEDGE, ActionId.IN_RECORD, ActionId.SI_DECIDE}

    serious = serious_row(members, incident_id)
    assert serious.harms == "harm_to_people,reputation" and serious.marked_by == LEAD
    assert serious.next_reminder_at == clock.now + timedelta(hours=24)
    with members.sessions() as session:
        incident = session.get(Incident, incident_id)
        assert incident is not None
        assert TRUSTEE in {r.slack_user_id for r in incident.recipients}
    [step] = steps(members, incident_id, "marked possibly serious")
    assert step.actor_slack_id == LEAD
    assert step.detail.startswith("harm to people and harm to the charity's reputation")


def test_marking_twice_changes_nothing_and_harms_are_needed(
    slack: SlackDriver, members: Runtime
) -> None:
    report(slack)
    incident_id = latest_incident(members)
    slack.click_in_view(record_with_buttons(incident_id), ActionId.IN_SERIOUS, user_id=LEAD)
    form_before = slack.pushed_view()
    empty = slack.submit(form_before, {}, user_id=LEAD)
    assert set(json.loads(empty.body)["errors"]) == {BlockId.SI_HARMS}
    record = open_record(slack, members, LEAD)
    mark_serious(slack, members, record=record)
    assert ActionId.IN_SERIOUS not in json.dumps(slack.fake.calls_to("views.update")[-1].params)
    # From a record opened before: the lead is told it is marked already, and no form opens.
    slack.click_in_view(record, ActionId.IN_SERIOUS, user_id=LEAD)
    assert "already marked" in json.dumps(slack.pushed_view()["blocks"])
    # A form opened before it was marked, sent after: the record says nothing was changed.
    slack.submit(form_before, {BlockId.SI_HARMS: [Harm.LOSS.value]}, user_id=LEAD)
    assert "Nothing was changed" in json.dumps(slack.fake.calls_to("views.update")[-1].params)
    members.dispatcher().deliver_due()
    assert len(dms_to(slack.fake, TRUSTEE)) == 1
    assert serious_row(members, incident_id).harms == "harm_to_people"
    assert len(steps(members, incident_id, "marked possibly serious")) == 1


def test_only_responders_it_was_sent_to_may_mark_it(
    slack: SlackDriver, members: Runtime
) -> None:
    report(slack)
    incident_id = latest_incident(members)
    slack.click_in_view(record_with_buttons(incident_id), ActionId.IN_SERIOUS, user_id=MEMBER)
    assert "Only the safeguarding leads" in json.dumps(slack.pushed_view()["blocks"])
    with members.sessions() as session:
        assert session.get(SeriousIncident, incident_id) is None
        refusals = session.query(AuditEntry).filter_by(actor_slack_id=MEMBER).all()
        assert [r.action for r in refusals] == ["refused open serious form"]


def test_a_trustee_named_as_involved_is_not_told(slack: SlackDriver, members: Runtime) -> None:
    add_second_trustee(members)
    tom = member_id(members, "Tom Reyes")
    incident_id = reported_and_marked(slack, members, kind="safeguarding", people=[tom])
    assert dms_to(slack.fake, TRUSTEE) == []
    assert len(dms_to(slack.fake, UMA)) == 1
    with members.sessions() as session:
        incident = session.get(Incident, incident_id)
        assert incident is not None
        assert TRUSTEE not in {r.slack_user_id for r in incident.recipients}
    # A copy of Uma's message in Tom's hands opens nothing.
    [dm] = dms_to(slack.fake, UMA)
    slack.click(dm, ActionId.SI_DECIDE, user_id=TRUSTEE, channel="D0TRUST08")
    assert "Only the trustees" in slack.fake.responses[-1].params["text"]
    assert all(CallbackId.CHARITY_DECISION not in json.dumps(c.params)
               for c in slack.fake.calls_to("views.open"))


def test_with_no_trustee_to_tell_the_lead_is_asked_to_tell_them_another_way(
    slack: SlackDriver, members: Runtime
) -> None:
    tom = member_id(members, "Tom Reyes")
    report(slack, kind="safeguarding", people=[tom])
    incident_id = latest_incident(members)
    assert mark_serious(slack, members).status == 200
    record = slack.fake.calls_to("views.update")[-1].params
    assert record["view_id"] == "V0ROOT"
    assert "nobody holds the trustee role" in json.dumps(record["view"])
    members.dispatcher().deliver_due()
    assert dms_to(slack.fake, TRUSTEE) == []
    [step] = steps(members, incident_id, "marked possibly serious")
    assert "no trustees are set up" in step.detail


def test_a_trustee_related_to_someone_named_is_told_only_when_no_other_trustee_can_be(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    add_second_trustee(members)
    Desk(members, slack).declare(TRUSTEE, other=MEMBER)  # Tom and Fin
    fin = member_id(members, "Fin Rowe")
    incident_id = reported_and_marked(slack, members, kind="safeguarding", people=[fin])
    assert dms_to(slack.fake, TRUSTEE) == []
    assert len(dms_to(slack.fake, UMA)) == 1
    # Uma steps down: Tom is now the only trustee who can decide, so he is told.
    add_second_trustee(members, roles="member")
    clock.advance(hours=24)
    assert members.services.oversight.remind_trustees() == 1
    members.dispatcher().deliver_due()
    [reminder] = dms_to(slack.fake, TRUSTEE)
    assert reminder["text"].startswith(f"Still to decide: incident #{incident_id}")


def test_trustees_who_join_after_it_was_marked_are_told_at_the_next_reminder(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    tom = member_id(members, "Tom Reyes")
    report(slack, kind="safeguarding", people=[tom])  # Tom, the only trustee, is named in it
    incident_id = latest_incident(members)
    assert mark_serious(slack, members).status == 200
    oversight = members.services.oversight
    add_second_trustee(members)
    clock.advance(hours=24)
    assert oversight.remind_trustees() == 1
    assert oversight.remind_trustees() == 0
    members.dispatcher().deliver_due()
    assert dms_to(slack.fake, TRUSTEE) == []
    [reminder] = dms_to(slack.fake, UMA)
    assert reminder["text"].startswith(f"Still to decide: incident #{incident_id}")
    assert ActionId.SI_DECIDE in buttons(reminder)
    answer = decide(slack, reminder, {BlockId.CD_DECISION: "not_reported",
                                      BlockId.CD_REASON: "No lasting harm"}, user=UMA)
    assert answer["response_action"] == "update"
    assert serious_row(members, incident_id).decided_by == UMA
    [step] = steps(members, incident_id, "trustees reminded")
    assert step.detail == "reminder 1, to 1 trustee(s)"


# -- the trustees' side ------------------------------------------------------------------------
def test_a_trustee_acknowledges_and_every_copy_says_so(
    slack: SlackDriver, members: Runtime
) -> None:
    add_second_trustee(members)
    incident_id = reported_and_marked(slack, members)
    [tom_dm], [uma_dm] = dms_to(slack.fake, TRUSTEE), dms_to(slack.fake, UMA)
    slack.click(tom_dm, ActionId.SI_ACKNOWLEDGE, user_id=TRUSTEE, channel="D0TRUST08")
    answered = slack.fake.responses[-1].params
    assert answered["replace_original"] is True
    assert "Acknowledged by Tom Reyes" in json.dumps(answered["blocks"])
    assert ActionId.SI_ACKNOWLEDGE not in buttons(answered)
    members.dispatcher().deliver_due()
    for channel in ("D0TRUST08", "D0TRUST09"):
        [update] = updates_to(slack, channel)
        assert "Acknowledged by Tom Reyes" in json.dumps(update)
        assert ActionId.SI_DECIDE in buttons(update)
    # Uma, on her copy from before: the first acknowledgement stands.
    slack.click(uma_dm, ActionId.SI_ACKNOWLEDGE, user_id=UMA, channel="D0TRUST09")
    serious = serious_row(members, incident_id)
    assert serious.acknowledged_by == TRUSTEE and serious.acknowledged_at is not None
    assert len(steps(members, incident_id, "trustee acknowledged")) == 1
    with members.sessions() as session:
        subject = f"incident:{incident_id}"
        assert session.query(AuditEntry).filter_by(
            actor_slack_id=TRUSTEE, action="acknowledged serious", subject=subject).count() == 1


def test_only_trustees_it_was_sent_to_may_decide_and_refusals_are_audited(
    slack: SlackDriver, members: Runtime
) -> None:
    incident_id = reported_and_marked(slack, members)
    [dm] = dms_to(slack.fake, TRUSTEE)
    # The safeguarding lead has the record, but the decision is the trustees'.
    slack.click_in_view(record_with_buttons(incident_id), ActionId.SI_DECIDE, user_id=LEAD)
    assert "Only the trustees" in json.dumps(slack.pushed_view()["blocks"])
    slack.click(dm, ActionId.SI_DECIDE, user_id=MEMBER, channel="D0MEMBR06")
    assert "Only the trustees" in slack.fake.responses[-1].params["text"]
    slack.click(dm, ActionId.SI_ACKNOWLEDGE, user_id=MEMBER, channel="D0MEMBR06")
    # A form opened by Tom, sent by someone else, records nothing.
    slack.click(dm, ActionId.SI_DECIDE, user_id=TRUSTEE, channel="D0TRUST08")
    refused = slack.submit(slack.opened_view(), {
        BlockId.CD_DECISION: CharityDecision.NOT_REPORTED.value,
        BlockId.CD_REASON: "Not serious enough"}, user_id=LEAD)
    assert "Only the trustees" in json.dumps(json.loads(refused.body)["errors"])
    assert serious_row(members, incident_id).decision is None
    with members.sessions() as session:
        refusals = {(e.actor_slack_id, e.action) for e in session.query(AuditEntry)
                    if e.action.startswith("refused")}
    assert refusals == {(LEAD, "refused open charity decision form"),
                        (MEMBER, "refused open charity decision form"),
                        (MEMBER, "refused acknowledged serious"),
                        (LEAD, "refused charity decision")}


def test_a_trustee_reads_the_record_only_by_opening_it_and_decides_there(
    slack: SlackDriver, members: Runtime
) -> None:
    incident_id = reported_and_marked(slack, members)
    record = open_record(slack, members, TRUSTEE)
    assert "plan to hurt" in json.dumps(record)  # the words are in the record, for them
    slack.click_in_view(record, ActionId.SI_DECIDE, user_id=TRUSTEE)
    form = slack.pushed_view()
    assert form["callback_id"] == CallbackId.CHARITY_DECISION
    slack.submit(form, {BlockId.CD_DECISION: "not_reported",
                        BlockId.CD_REASON: "No lasting harm; handled within our policy"},
                 user_id=TRUSTEE)
    redrawn = slack.fake.calls_to("views.update")[-1].params
    assert redrawn["view_id"] == "V0ROOT"
    assert "No lasting harm" in json.dumps(redrawn["view"])
    assert ActionId.SI_DECIDE not in json.dumps(redrawn["view"])
    [step] = steps(members, incident_id, "charity decision")
    assert step.detail == "not reported" and step.actor_slack_id == TRUSTEE
    with members.sessions() as session:
        reads = session.query(AuditEntry).filter_by(actor_slack_id=TRUSTEE).count()
    assert reads >= 3  # opening the record, the form, and the decision


def test_the_decision_form_says_what_it_still_needs(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    incident_id = reported_and_marked(slack, members)
    [dm] = dms_to(slack.fake, TRUSTEE)
    tomorrow = (clock.now + timedelta(days=1)).date().isoformat()
    cases: list[tuple[dict[str, Any], set[str]]] = [
        ({}, {BlockId.CD_DECISION}),
        ({BlockId.CD_DECISION: "reported"}, {BlockId.CD_REPORTED_ON, BlockId.CD_REFERENCE}),
        ({BlockId.CD_DECISION: "reported", BlockId.CD_REPORTED_ON: tomorrow,
          BlockId.CD_REFERENCE: "CC-1"}, {BlockId.CD_REPORTED_ON}),
        ({BlockId.CD_DECISION: "not_reported", BlockId.CD_REASON: "   "}, {BlockId.CD_REASON}),
    ]
    for answers, wrong in cases:
        payload = decide(slack, dm, answers)
        assert payload["response_action"] == "errors"
        assert set(payload["errors"]) == wrong, answers
    assert serious_row(members, incident_id).decision is None


def test_the_decision_stops_reminders_redraws_every_copy_and_tells_the_lead(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    roles_before = {m.name: m.roles for m in members.services.members.list_members()}
    oversight = members.services.oversight
    incident_id = reported_and_marked(slack, members)
    clock.advance(hours=24)
    assert oversight.remind_trustees() == 1
    members.dispatcher().deliver_due()
    first, reminder = dms_to(slack.fake, TRUSTEE)
    assert reminder["text"].startswith(
        f"Still to decide: incident #{incident_id} was marked as possibly serious for the "
        "charity 1 day ago. The risk: harm to people.")
    assert buttons(reminder) == buttons(first)

    answer = decide(slack, reminder, {
        BlockId.CD_DECISION: "reported", BlockId.CD_REPORTED_ON: "2026-11-24",
        BlockId.CD_REFERENCE: "CC-77321"})
    assert answer["response_action"] == "update"
    # Decided from the message, not the record: told it is saved, and shown no words from
    # the report unless they choose to open the record (which is audited).
    assert answer["view"]["callback_id"] == CallbackId.INCIDENT_RECORD
    saved = json.dumps(answer["view"])
    assert "Open the record" in saved and "What happened" not in saved
    with members.sessions() as session:
        assert not session.query(AuditEntry).filter_by(
            actor_slack_id=TRUSTEE, action="read record").count()
    serious = serious_row(members, incident_id)
    assert serious.decision is CharityDecision.REPORTED
    assert serious.reported_on == date(2026, 11, 24) and serious.reference == "CC-77321"
    assert serious.next_reminder_at is None and serious.decided_by == TRUSTEE
    [step] = steps(members, incident_id, "charity decision")
    assert step.detail == "reported on 24 Nov 2026"

    members.dispatcher().deliver_due()
    redrawn = updates_to(slack, "D0TRUST08")
    assert len(redrawn) == 2  # the first message and the reminder
    for update in redrawn:
        assert "made their decision: reported to the Charity Commission on 24 Nov 2026" \
            in update["text"]
        assert buttons(update) == {ActionId.IN_RECORD}
    [told] = [m for m in dms_to(slack.fake, LEAD) if "trustees have made" in m["text"]]
    assert f"incident #{incident_id}" in told["text"] and "reported on 24 Nov 2026" in told["text"]
    everything = json.dumps([c.params for c in slack.fake.calls])
    assert "CC-77321" not in everything  # the reference is in the record only

    clock.advance(hours=72)
    assert oversight.remind_trustees() == 0
    # A second decision changes nothing, and says so.
    slack.click(first, ActionId.SI_DECIDE, user_id=TRUSTEE, channel="D0TRUST08")
    assert "already recorded" in slack.fake.responses[-1].params["text"]
    second = oversight.record_decision(incident_id, TRUSTEE, CharityDecisionForm(
        CharityDecision.NOT_REPORTED, None, "", "Changed our minds"))
    assert second.unchanged
    assert serious_row(members, incident_id).reference == "CC-77321"
    assert {m.name: m.roles for m in members.services.members.list_members()} == roles_before


def test_reminders_repeat_each_period_until_decided(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    add_second_trustee(members)
    oversight = members.services.oversight
    incident_id = reported_and_marked(slack, members)
    assert oversight.remind_trustees() == 0  # not due yet
    clock.advance(hours=24)
    assert oversight.remind_trustees() == 2  # Tom and Uma
    assert oversight.remind_trustees() == 0  # a second run at the same time sends nothing
    # Uma steps down as a trustee: she is no longer reminded.
    add_second_trustee(members, roles="member")
    clock.advance(hours=24)
    assert oversight.remind_trustees() == 1
    members.dispatcher().deliver_due()
    assert len(dms_to(slack.fake, TRUSTEE)) == 3 and len(dms_to(slack.fake, UMA)) == 2
    assert "2 days ago" in dms_to(slack.fake, TRUSTEE)[-1]["text"]
    assert [s.detail for s in steps(members, incident_id, "trustees reminded")] == [
        "reminder 1, to 2 trustee(s)", "reminder 2, to 1 trustee(s)"]
    # A reminder queued, then the decision before it goes: it is not sent.
    clock.advance(hours=24)
    assert oversight.remind_trustees() == 1
    oversight.record_decision(incident_id, TRUSTEE, CharityDecisionForm(
        CharityDecision.NOT_REPORTED, None, "", "Not serious for the charity after all"))
    members.dispatcher().deliver_due()
    assert len(dms_to(slack.fake, TRUSTEE)) == 3
    with members.sessions() as session:
        [late] = session.query(OutboxMessage).filter(
            OutboxMessage.idempotency_key == f"oversight.serious-incident:{incident_id}|3|dm:"
                                             f"{TRUSTEE}")
        assert late.status is OutboxStatus.SKIPPED
    assert serious_row(members, incident_id).reason == "Not serious for the charity after all"
    assert all("Not serious" not in s.detail for s in steps(members, incident_id,
                                                            "charity decision"))


def test_app_home_lists_decisions_waiting_for_trustees_only(
    slack: SlackDriver, members: Runtime
) -> None:
    def home(user: str) -> str:
        slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
        return json.dumps(slack.fake.calls_to("views.publish")[-1].params["view"])

    incident_id = reported_and_marked(slack, members)
    tom = home(TRUSTEE)
    assert "Serious incidents to decide (1)" in tom
    assert f"#{incident_id} Crisis disclosure" in tom and ActionId.SI_DECIDE in tom
    assert "plan to hurt" not in tom
    assert "Serious incidents to decide" not in home(LEAD)
    members.services.oversight.record_decision(incident_id, TRUSTEE, CharityDecisionForm(
        CharityDecision.NOT_REPORTED, None, "", "Handled well; no lasting harm"))
    assert "Serious incidents to decide (0)" in home(TRUSTEE)


# -- the digest --------------------------------------------------------------------------------
def seed_november(slack: SlackDriver, runtime: Runtime, clock: FakeClock) -> int:
    """Two incidents (one a breach), one marked serious; three pieces of feedback, two resolved
    after 2 and 4 days; three sessions: one uncovered, one covered, one cancelled."""
    services = runtime.services
    fin = member_id(runtime, "Fin Rowe")
    crisis = reported_and_marked(slack, runtime)
    report(slack, kind="guideline_breach", severity="low", what="Crossed a line", people=[fin])
    day = date(2026, 11, 24)
    made = [services.sessions.create(None, SessionDraft(
        title=f"Group {n}", kind=SessionKind.PEER_GROUP, day=day + timedelta(days=n),
        start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre"))[0]
        for n in range(3)]
    services.rota.claim(made[1].id, COORDINATOR)  # trained
    services.rota.claim(made[1].id, REPORTER)
    services.sessions.cancel(COORDINATOR, made[2].id)
    cases = [services.feedback.submit(FeedbackForm(
        FeedbackKind.SUGGESTION, FeedbackTopic.SERVICE, f"Could we have tea {n}",
        anonymous=False), REPORTER).case_id for n in range(3)]
    for case_id, days in zip(cases, (2, 4), strict=False):
        clock.advance(days=days)
        services.feedback.resolve(case_id, COORDINATOR)
        clock.advance(days=-days)
    # Follow-ups and breach tasks, as the record and the breach tasks leave them.
    with runtime.sessions.begin() as session:
        for due, status in ((date(2026, 11, 25), FollowUpStatus.OPEN),
                            (date(2026, 12, 10), FollowUpStatus.OPEN),
                            (date(2026, 11, 26), FollowUpStatus.DONE)):
            session.add(IncidentFollowUp(
                incident_id=crisis, what="Call back", assignee_slack_id=LEAD,
                due_at=datetime.combine(due, time(17), tzinfo=UTC), status=status,
                created_by=LEAD, created_at=clock.now))
        for status in (RequestStatus.REQUESTED, RequestStatus.ARRANGED):
            session.add(BreachTask(incident_id=crisis, member_id=fin,
                                   step=BreachStep.HIATUS_REVIEW, status=status,
                                   created_at=clock.now))
    return crisis


def test_the_digest_counts_the_month_just_ended_and_is_sent_once(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    seed_november(slack, members, clock)
    clock.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    report(slack, kind="other", severity="low", what="It was on Tuesday")  # December's
    oversight = members.services.oversight
    assert oversight.send_digest() == 1  # Tom, the one trustee
    assert oversight.send_digest() == 0  # the job running twice sends nothing more
    members.dispatcher().deliver_due()
    [digest] = [m for m in dms_to(slack.fake, TRUSTEE) if "digest" in m["text"]]
    assert digest["text"] == (
        "Trustee digest for November 2026: 2 incidents, 1 serious-incident decision waiting, "
        "3 feedback received, 1 session run without cover.")
    shown = json.dumps(digest["blocks"])
    for counted in ("Crisis disclosure: 1 serious", "Guideline breach: 1 low",
                    "*Guideline breaches:* 1 in the period", "Hiatus reviews open now: 1",
                    "*Follow-ups open now:* 2. Of these, overdue: 1",
                    "the trustees still have to decide on:* 1",
                    "3 came in, 2 were resolved, in a median of 3 days",
                    "*Sessions:* 2 ran. Of these, 1 had too few"):
        assert counted in shown, counted
    for private in (*NAMES, "Tom", "Ada", "Crossed a line", "Could we have tea", "Group 0",
                    "Call back", "Something else"):
        assert private not in shown, private
    assert not any("digest" in m["text"] for m in dms_to(slack.fake, LEAD))


def test_the_digest_can_be_turned_off(members: Runtime, clock: FakeClock) -> None:
    services = members.services
    off = OversightService(members.sessions, clock, services.settings.model_copy(
        update={"coprod_trustee_digest_months": 0}), services.incidents, services.nudge)
    assert off.send_digest() == 0
    quarterly = OversightService(members.sessions, clock, services.settings.model_copy(
        update={"coprod_trustee_digest_months": 3}), services.incidents, services.nudge)
    clock.now = datetime(2027, 1, 1, 9, 0, tzinfo=UTC)
    assert quarterly.send_digest() == 1
    assert quarterly.digest("2026-10", 3).end == date(2027, 1, 1)
