"""Breach follow-ups as tasks on the shared request workflow, driven as Slack drives them: the
DM to the HR officer or a coordinator, its buttons, the outcome form, every copy redrawn."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text

from bot.rules.incidents import BreachStep
from bot.rules.lifecycle import RequestStatus
from bot.rules.roles import Role
from bot.rules.safeguarding import BreachOutcome
from bot.wiring import Runtime
from handlers.blocks.incidents import NOT_YOURS
from handlers.ids import ActionId, BlockId, CallbackId
from storage.models import (
    AuditEntry,
    BreachTask,
    Incident,
    IncidentStep,
    Member,
    OutboxChannel,
)
from storage.repositories import OutboxRepository
from tests.conftest import FakeClock, SlackDriver
from tests.handlers.test_incidents import dms_to, member_id, report

COORDINATOR = "U0COORD01"  # Ada: a first breach by a member is hers to talk through
HR = "U0HROFF07"           # Hana: hiatus reviews, and anything about a team member
LEAD = "U0SAFEG05"
MEMBER = "U0MEMBR06"       # Fin, whom the breaches are about
REPORTER = "U0FACIL02"


def follow_ups_to(slack: SlackDriver, user: str, name: str) -> list[dict[str, Any]]:
    return [m for m in dms_to(slack.fake, user)
            if m["text"] == f"A guideline follow-up for {name}"]


def a_first_breach_by_fin(slack: SlackDriver, members: Runtime) -> dict[str, Any]:
    report(slack, kind="guideline_breach", severity="low", what="Crossed a line",
           people=[member_id(members, "Fin Rowe")])
    members.dispatcher().deliver_due()
    [message] = follow_ups_to(slack, COORDINATOR, "Fin Rowe")
    return message


def the_task(members: Runtime) -> BreachTask:
    with members.sessions() as session:
        task = session.query(BreachTask).one()
        session.expunge(task)
        return task


def roles_and_members(members: Runtime) -> dict[str, frozenset[Role]]:
    with members.sessions() as session:
        return {m.name: m.role_set for m in session.query(Member)}


def updates_saying(slack: SlackDriver, words: str) -> list[dict[str, Any]]:
    return [c.params for c in slack.fake.calls_to("chat.update")
            if words in json.dumps(c.params.get("blocks"))]


def test_a_breach_opens_a_task_and_its_dm_has_the_buttons(
    slack: SlackDriver, members: Runtime
) -> None:
    message = a_first_breach_by_fin(slack, members)
    task = the_task(members)
    assert task.step is BreachStep.TALK_IT_THROUGH and task.status is RequestStatus.REQUESTED
    [actions] = [b for b in message["blocks"] if b.get("block_id") == BlockId.BR_ACTIONS]
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        (ActionId.BR_ACKNOWLEDGE, str(task.id)), (ActionId.BR_RECORD, str(task.id))]
    assert "membership and their voice in decisions are never affected" in json.dumps(
        message["blocks"])


def test_acknowledging_moves_the_task_on_and_redraws_every_copy(
    slack: SlackDriver, members: Runtime
) -> None:
    message = a_first_breach_by_fin(slack, members)
    slack.click(message, ActionId.BR_ACKNOWLEDGE, user_id=COORDINATOR)
    shown = slack.fake.responses[-1].params
    assert shown["replace_original"] is True
    assert "Acknowledged by Ada Brightwater" in json.dumps(shown["blocks"])
    assert ActionId.BR_ACKNOWLEDGE not in json.dumps(shown["blocks"])  # once is enough
    task = the_task(members)
    assert task.status is RequestStatus.ACKNOWLEDGED and task.acted_by == COORDINATOR
    members.dispatcher().deliver_due()
    assert updates_saying(slack, "Acknowledged by Ada Brightwater")  # the DM itself, redrawn
    slack.click(message, ActionId.BR_ACKNOWLEDGE, user_id=COORDINATOR)  # twice is once
    with members.sessions() as session:
        steps = [s.step for s in session.query(IncidentStep)]
    assert steps.count("breach task acknowledged") == 1


def test_recording_the_outcome_closes_the_task_and_changes_no_membership(
    slack: SlackDriver, members: Runtime
) -> None:
    before = roles_and_members(members)
    message = a_first_breach_by_fin(slack, members)
    slack.click(message, ActionId.BR_RECORD, user_id=COORDINATOR)
    form = slack.opened_view()
    assert form["callback_id"] == CallbackId.BREACH_OUTCOME
    outcome = next(b for b in form["blocks"] if b.get("block_id") == BlockId.BR_OUTCOME)
    assert [o["value"] for o in outcome["element"]["options"]] == ["talked", "not_going_ahead"]
    missing = slack.payload(slack.submit(form, {}, user_id=COORDINATOR))
    assert missing["errors"] == {BlockId.BR_OUTCOME: "Please choose how it went."}

    done = slack.payload(slack.submit(form, {BlockId.BR_OUTCOME: "talked",
                                             BlockId.BR_NOTE: "Spoke with them over tea"},
                                      user_id=COORDINATOR))
    assert done["response_action"] == "update" and "is recorded" in json.dumps(done["view"])
    task = the_task(members)
    assert (task.status, task.outcome, task.acted_by) == (
        RequestStatus.ARRANGED, BreachOutcome.TALKED, COORDINATOR)
    assert task.closed_at is not None and task.outcome_note == "Spoke with them over tea"
    with members.sessions() as session:
        stored = session.execute(text("SELECT outcome_note FROM breach_tasks")).scalar_one()
        step = session.query(IncidentStep).filter_by(step="breach task outcome").one()
    assert "tea" not in stored  # encrypted at rest
    assert (step.detail, step.actor_slack_id, step.note) == (
        "We talked it through", COORDINATOR, None)
    members.dispatcher().deliver_due()
    assert updates_saying(slack, "We talked it through")
    assert roles_and_members(members) == before  # nobody's roles or membership changed


def test_a_hiatus_review_not_going_ahead_is_declined_and_a_closed_task_stays_closed(
    slack: SlackDriver, members: Runtime
) -> None:
    report(slack, kind="boundary", severity="serious", what="Crossed a line",
           people=[member_id(members, "Bram Okonkwo")], user_id=MEMBER)
    members.dispatcher().deliver_due()
    [message] = follow_ups_to(slack, HR, "Bram Okonkwo")
    slack.click(message, ActionId.BR_RECORD, user_id=HR, channel="D0HROFF07")
    form = slack.opened_view()
    outcome = next(b for b in form["blocks"] if b.get("block_id") == BlockId.BR_OUTCOME)
    assert [o["value"] for o in outcome["element"]["options"]] == [
        "no_break", "break_agreed", "not_going_ahead"]
    slack.submit(form, {BlockId.BR_OUTCOME: "not_going_ahead"}, user_id=HR)
    task = the_task(members)
    assert task.step is BreachStep.HIATUS_REVIEW and task.status is RequestStatus.DECLINED

    # A second copy of the form (opened before the first was sent) changes nothing.
    late = slack.payload(slack.submit({**form, "id": "V0LATE"},
                                      {BlockId.BR_OUTCOME: "break_agreed"}, user_id=HR))
    assert "already recorded" in json.dumps(late["view"])
    assert the_task(members).outcome is BreachOutcome.NOT_GOING_AHEAD
    slack.click(message, ActionId.BR_RECORD, user_id=HR, channel="D0HROFF07")
    assert "already recorded" in slack.fake.responses[-1].params["text"]
    with members.sessions() as session:
        assert session.query(IncidentStep).filter_by(step="breach task outcome").count() == 1


def test_only_the_people_it_was_sent_to_may_act_on_it(
    slack: SlackDriver, members: Runtime
) -> None:
    message = a_first_breach_by_fin(slack, members)
    for who in (LEAD, MEMBER, HR):  # not sent it; the person it is about; not sent it
        slack.click(message, ActionId.BR_ACKNOWLEDGE, user_id=who, channel="D0OTHER1")
        assert "can only be acted on by the HR officer or coordinator they were sent to" in \
            slack.fake.responses[-1].params["text"]
    slack.click(message, ActionId.BR_RECORD, user_id=MEMBER, channel="D0MEMBR06")
    assert slack.fake.calls_to("views.open")[-1].params["view"].get("callback_id") != \
        CallbackId.BREACH_OUTCOME
    assert the_task(members).status is RequestStatus.REQUESTED
    with members.sessions() as session:
        refusals = [(e.actor_slack_id, e.action) for e in session.query(AuditEntry)
                    .order_by(AuditEntry.id) if e.action.startswith("refused")]
    assert refusals == [(LEAD, "refused breach task acknowledged"),
                        (MEMBER, "refused breach task acknowledged"),
                        (HR, "refused breach task acknowledged"),
                        (MEMBER, "refused read breach task")]


def test_a_follow_up_queued_before_tasks_existed_still_draws(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    report(slack, kind="guideline_breach", severity="low", what="Crossed a line")
    fin = int(member_id(members, "Fin Rowe"))
    with members.sessions.begin() as session:
        incident_id = session.execute(text("SELECT max(id) FROM incidents")).scalar_one()
        OutboxRepository(session).enqueue(  # as rows were written before task_id existed
            key=f"incident.breach-follow-up:{incident_id}:{fin}|dm:{COORDINATOR}",
            channel=OutboxChannel.SLACK_DM, target=COORDINATOR,
            payload={"notice": "incident.breach-follow-up", "incident_id": incident_id,
                     "member_id": fin}, now=clock(), concerns=[fin])
    members.dispatcher().deliver_due()
    [message] = follow_ups_to(slack, COORDINATOR, "Fin Rowe")
    assert "Please find a time to talk things through" in json.dumps(message["blocks"])
    assert all(b.get("block_id") != BlockId.BR_ACTIONS for b in message["blocks"])


def test_nobody_named_in_the_incident_is_sent_a_task_or_can_open_the_record(
    slack: SlackDriver, members: Runtime
) -> None:
    fin, ada = member_id(members, "Fin Rowe"), member_id(members, "Ada Brightwater")
    report(slack, kind="guideline_breach", severity="low", what="Crossed a line",
           people=[fin, ada])
    members.dispatcher().deliver_due()
    # Fin's talk it through would be the coordinator's, but Ada is named in it too: the HR
    # officer stands in, as for Ada's own.
    assert follow_ups_to(slack, COORDINATOR, "Fin Rowe") == []
    assert len(follow_ups_to(slack, HR, "Fin Rowe")) == 1
    assert len(follow_ups_to(slack, HR, "Ada Brightwater")) == 1
    with members.sessions() as session:
        incident = session.query(Incident).one()
        assert COORDINATOR not in {r.slack_user_id for r in incident.recipients}
    [alert] = [m for m in dms_to(slack.fake, HR) if "needs someone" in m["text"]]
    slack.click(alert, ActionId.IN_RECORD, user_id=COORDINATOR, channel="D0COORD01")
    assert NOT_YOURS in slack.fake.responses[-1].params["text"]
    [task] = follow_ups_to(slack, HR, "Fin Rowe")
    slack.click(task, ActionId.BR_ACKNOWLEDGE, user_id=COORDINATOR, channel="D0COORD01")
    with members.sessions() as session:
        refusals = [e.action for e in session.query(AuditEntry).filter_by(
            actor_slack_id=COORDINATOR).order_by(AuditEntry.id)]
    assert refusals == ["refused read record", "refused breach task acknowledged"]
