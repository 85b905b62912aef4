"""The s42 step and the chronology export, driven as Slack drives them: buttons on the
incident's record, a form pushed over it, the files uploaded to the lead's DM."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

import pytest
from sqlalchemy import text

from bot.rules.incidents import IncidentKind
from bot.rules.safeguarding import (
    S42_QUESTIONS,
    Agency,
    Answer,
    Harm,
    S42Decision,
    S42Form,
    Spoken,
    step_words,
)
from bot.services.cases import Refused
from bot.services.safeguarding import S42NotOffered, S42Start
from bot.signposting import Signpost
from bot.wiring import Runtime
from handlers.blocks.safeguarding import s42_form
from handlers.blocks.text import button
from handlers.chronology import chronology_markdown, chronology_pdf, latin1
from handlers.ids import ActionId, BlockId, CallbackId
from storage.models import AuditEntry, Incident, IncidentReferral, IncidentStep, SafeguardingCheck
from tests.conftest import SlackDriver
from tests.handlers.test_incidents import dms_to, report

LEAD = "U0SAFEG05"         # Esme: the crisis disclosure is sent to her
COORDINATOR = "U0COORD01"  # Ada
REPORTER = "U0FACIL02"     # Bram
MEMBER = "U0MEMBR06"       # Fin
TRUSTEE = "U0TRUST08"      # Tom

ALL_MET = {BlockId.S42_Q1: "yes", BlockId.S42_Q2: "yes", BlockId.S42_Q3: "yes"}


def newest_incident(runtime: Runtime) -> int:
    with runtime.sessions() as session:
        return max(i.id for i in session.query(Incident))


def the_record(slack: SlackDriver, members: Runtime, user: str = LEAD) -> dict[str, Any]:
    """The record, opened from the alert the user was sent, as Slack holds it open."""
    members.dispatcher().deliver_due()
    alert = dms_to(slack.fake, user)[-1]
    slack.click(alert, ActionId.IN_RECORD, user_id=user, channel="D" + user[1:])
    record = slack.opened_view()
    assert record["callback_id"] == CallbackId.INCIDENT_RECORD
    return record


def buttons_of(view: dict[str, Any]) -> set[str]:
    return {e["action_id"] for b in view["blocks"] if b["type"] == "actions"
            for e in b["elements"]}


def record_with(action: str, incident_id: int) -> dict[str, Any]:
    """A record with this step's button, for someone whose own record never shows it (a
    stale or forged click): the guard must hold whatever a request claims."""
    return {"type": "modal", "id": "V0ROOT", "callback_id": CallbackId.INCIDENT_RECORD,
            "private_metadata": json.dumps({"incident": incident_id}),
            "blocks": [{"type": "actions", "block_id": BlockId.IN_RECORD_ACTIONS,
                        "elements": [button("Step", action, str(incident_id))]}]}


def pushed_words(slack: SlackDriver) -> str:
    return json.dumps(slack.fake.calls_to("views.push")[-1].params["view"]["blocks"])


@pytest.fixture
def crisis(slack: SlackDriver, members: Runtime) -> int:
    report(slack)  # a serious crisis disclosure: sent to Esme, the safeguarding lead
    return newest_incident(members)


def open_s42(slack: SlackDriver, members: Runtime) -> dict[str, Any]:
    slack.click_in_view(the_record(slack, members), ActionId.IN_S42, user_id=LEAD)
    form = slack.pushed_view()
    assert form["callback_id"] == CallbackId.INCIDENT_S42
    return form


# -- the s42 step ----------------------------------------------------------------------------
def test_the_s42_step_asks_the_three_questions_and_shows_the_councils_contact(
    slack: SlackDriver, crisis: int, members: Runtime
) -> None:
    form = open_s42(slack, members)
    assert json.loads(form["private_metadata"]) == {"incident": crisis}
    inputs = {b["block_id"]: b for b in form["blocks"] if b["type"] == "input"}
    assert list(inputs) == [BlockId.S42_Q1, BlockId.S42_Q2, BlockId.S42_Q3,
                            BlockId.S42_DECISION, BlockId.S42_REASONS, BlockId.S42_REFERENCE]
    for block_id, question in zip(list(inputs)[:3], S42_QUESTIONS, strict=True):
        assert question in inputs[block_id]["label"]["text"]
        assert [o["value"] for o in inputs[block_id]["element"]["options"]] == [
            "yes", "no", "not_sure"]
    assert inputs[BlockId.S42_REFERENCE]["optional"] is True
    words = json.dumps(form["blocks"])
    assert "must make enquiries" in words and "all three" in words
    # The council's team from the signposting file (members never see it in their lists).
    assert "Your council's adult safeguarding team" in words
    assert "views and wishes matter" in words and "do not stop a referral" in words
    assert len(form["title"]["text"]) <= 24


def test_the_s42_form_says_which_answers_are_missing(
    slack: SlackDriver, crisis: int, members: Runtime
) -> None:
    form = open_s42(slack, members)
    answer = slack.payload(slack.submit(form, {BlockId.S42_Q2: "no",
                                               BlockId.S42_REASONS: "   "}, user_id=LEAD))
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {BlockId.S42_Q1, BlockId.S42_Q3, BlockId.S42_DECISION,
                                     BlockId.S42_REASONS}
    assert answer["errors"][BlockId.S42_Q1] == "Please choose yes, no or not sure."
    with members.sessions() as session:
        assert session.query(SafeguardingCheck).count() == 0


def test_deciding_to_refer_records_the_referral_and_shows_the_record_again(
    slack: SlackDriver, crisis: int, members: Runtime
) -> None:
    form = open_s42(slack, members)
    done = slack.submit(form, {**ALL_MET, BlockId.S42_DECISION: "refer",
                               BlockId.S42_REASONS: "They told me about a plan",
                               BlockId.S42_REFERENCE: "ASC-4471"}, user_id=LEAD)
    assert done.status == 200 and not done.body  # the form closes...
    update = slack.fake.calls_to("views.update")[-1].params
    assert update["view_id"] == "V0ROOT"  # ...and the record beneath is drawn again
    assert "reference ASC-4471" in json.dumps(update["view"])  # with the council's reference
    with members.sessions() as session:
        check = session.get(SafeguardingCheck, crisis)
        assert check is not None
        assert (check.care_needs, check.abuse_or_neglect, check.cannot_protect) == (
            Answer.YES, Answer.YES, Answer.YES)
        assert check.decision is S42Decision.REFER and check.recorded_by == LEAD
        [referral] = session.query(IncidentReferral).all()
        assert referral.agency is Agency.ADULT_SAFEGUARDING
        assert referral.reference == "ASC-4471" and referral.outcome_id is None
        step = session.query(IncidentStep).filter_by(step="s42").one()
        assert step.detail == "all three met; refer" and step.actor_slack_id == LEAD
        # Typed words are encrypted at rest: not in the stored column, nor in the timeline.
        raw = session.execute(text("SELECT reasons FROM incident_s42_checks")).scalar_one()
        stored_reference = session.execute(
            text("SELECT reference FROM incident_referrals")).scalar_one()
        entries = [(e.actor_slack_id, e.action) for e in session.query(AuditEntry)]
    assert "plan" not in raw and "ASC-4471" not in stored_reference
    assert (LEAD, "read s42") in entries and (LEAD, "s42") in entries


def test_answering_again_replaces_the_answers_and_both_are_on_the_timeline(
    slack: SlackDriver, crisis: int, members: Runtime
) -> None:
    slack.submit(open_s42(slack, members), {**ALL_MET, BlockId.S42_DECISION: "refer",
                                           BlockId.S42_REASONS: "At risk"}, user_id=LEAD)
    again = open_s42(slack, members)
    shown = {b["block_id"]: b for b in again["blocks"] if b["type"] == "input"}
    assert shown[BlockId.S42_Q1]["element"]["initial_option"]["value"] == "yes"
    assert shown[BlockId.S42_REASONS]["element"]["initial_value"] == "At risk"
    assert "point to a referral" in json.dumps(again["blocks"])
    slack.submit(again, {BlockId.S42_Q3: "not_sure", BlockId.S42_DECISION: "refer",
                         BlockId.S42_REFERENCE: "ASC-9"}, user_id=LEAD)
    with members.sessions() as session:
        check = session.get(SafeguardingCheck, crisis)
        assert check is not None and check.cannot_protect is Answer.NOT_SURE
        assert session.query(SafeguardingCheck).count() == 1
        [referral] = session.query(IncidentReferral).all()  # made once, its reference added
        assert referral.reference == "ASC-9"
        steps = [s.detail for s in session.query(IncidentStep).filter_by(step="s42")
                 .order_by(IncidentStep.id)]
    assert steps == ["all three met; refer", "answered again: 2 met, 1 not sure; refer"]


def test_only_responders_it_was_sent_to_may_answer_and_refusals_are_audited(
    slack: SlackDriver, crisis: int, members: Runtime
) -> None:
    form = open_s42(slack, members)
    slack.click_in_view(record_with(ActionId.IN_S42, crisis), ActionId.IN_S42,
                        user_id=MEMBER)
    assert "can only be answered by a safeguarding lead" in pushed_words(slack)
    answer = slack.payload(slack.submit(
        form, {**ALL_MET, BlockId.S42_DECISION: "not_refer", BlockId.S42_REASONS: "No"},
        user_id=COORDINATOR))  # a coordinator it was not sent to
    assert "can only be answered by" in answer["errors"][BlockId.S42_DECISION]
    # A trustee it was sent to (it was marked possibly serious) reads it, and cannot answer.
    members.services.oversight.mark_serious(crisis, LEAD, [Harm.PEOPLE])
    with pytest.raises(Refused):
        members.services.safeguarding.record_s42(crisis, TRUSTEE, S42Form(
            (Answer.YES, Answer.YES, Answer.YES), S42Decision.NOT_REFER, "No"))
    with members.sessions() as session:
        assert session.query(SafeguardingCheck).count() == 0
        refusals = {(e.actor_slack_id, e.action) for e in session.query(AuditEntry)
                    if e.action.startswith("refused")}
    assert refusals == {(MEMBER, "refused read s42"), (COORDINATOR, "refused s42"),
                        (TRUSTEE, "refused s42")}


def test_the_s42_step_is_not_offered_for_other_kinds(
    slack: SlackDriver, members: Runtime
) -> None:
    report(slack, kind="other", severity="low", what="The heating is broken")
    incident = newest_incident(members)  # sent to the coordinators
    assert ActionId.IN_S42 not in buttons_of(the_record(slack, members, COORDINATOR))
    slack.click_in_view(record_with(ActionId.IN_S42, incident), ActionId.IN_S42,
                        user_id=COORDINATOR)
    assert "aren't needed for this incident" in pushed_words(slack)
    assert all(c.params["view"].get("callback_id") != CallbackId.INCIDENT_S42
               for c in slack.fake.calls_to("views.push"))
    form = S42Form((Answer.YES, Answer.YES, Answer.YES), S42Decision.REFER, "Because")
    with pytest.raises(S42NotOffered):
        members.services.safeguarding.record_s42(incident, COORDINATOR, form)
    with members.sessions() as session:
        assert session.query(SafeguardingCheck).count() == 0


def test_without_a_council_contact_the_form_says_where_to_set_one() -> None:
    start = S42Start(7, IncidentKind.SAFEGUARDING, None, "", ())
    words = json.dumps(s42_form(start)["blocks"])
    assert "adult_safeguarding: true" in words and "signposting file" in words
    listed = S42Start(7, IncidentKind.SAFEGUARDING, None, "", (
        Signpost("Riverside <!channel> team", "0300 <b>1</b>", "Weekdays", True),))
    words = json.dumps(s42_form(listed)["blocks"])
    assert "Riverside &lt;!channel&gt; team" in words and "<b>" not in words


# -- the chronology, for a referral ----------------------------------------------------------
def seed_the_record(members: Runtime, incident: int) -> None:
    """A note, the s42 answers and the outcome, through the services as Slack would."""
    from bot.rules.safeguarding import OutcomeForm, Referral

    record = members.services.incident_record
    record.add_note(incident, LEAD, "Spoke with them; GP appointment today.")
    members.services.safeguarding.record_s42(incident, LEAD, S42Form(
        (Answer.YES, Answer.NOT_SURE, Answer.YES), S42Decision.REFER,
        "Risk from someone they live with", "ASC-4471"))
    record.resolve(incident, LEAD, OutcomeForm(
        what_was_done="Safety plan agreed and the council told", spoken=Spoken.YES,
        views_and_wishes="They want their sister told, not their partner",
        decision="Refer to adult safeguarding", reasons="Ongoing risk at home",
        referrals=(Referral(Agency.GP, ""),)))


def test_a_lead_exports_the_chronology_to_their_dm_as_markdown_and_pdf(
    slack: SlackDriver, crisis: int, members: Runtime
) -> None:
    seed_the_record(members, crisis)
    slack.click_in_view(the_record(slack, members), ActionId.IN_EXPORT, user_id=LEAD)
    files = {f.filename: f for f in slack.fake.uploaded()}
    assert set(files) == {f"incident-{crisis}-chronology.md", f"incident-{crisis}-chronology.pdf"}
    assert {f.channel for f in files.values()} == {"D0SAFEG05"}  # the lead's own DM
    assert "keep these files safe" in files[f"incident-{crisis}-chronology.md"].initial_comment
    markdown = files[f"incident-{crisis}-chronology.md"].content.decode()
    for words in ("# Incident #", "## Information received", "## The person's views and wishes",
                  "## Decisions and reasons", "## Advice and referrals",
                  "## Care Act s42 questions", "## Follow-ups", "## Serious incident",
                  "## Chronology",
                  *(f"| {step_words(s)} |" for s in ("reported", "s42", "resolved")),
                  "Spoke with them; GP appointment today.", "They said they had a plan",
                  "They want their sister told", "Ongoing risk at home",
                  "Council adult safeguarding team", "ASC-4471", "Esme Hart", "Not sure"):
        assert words in markdown, words
    pdf = files[f"incident-{crisis}-chronology.pdf"].content
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
    assert "sent you the chronology" in pushed_words(slack)
    with members.sessions() as session:
        assert (LEAD, "exported chronology") in {
            (e.actor_slack_id, e.action) for e in session.query(AuditEntry)}


def test_a_coordinator_cannot_export_a_chronology_and_the_refusal_is_audited(
    slack: SlackDriver, members: Runtime
) -> None:
    report(slack, kind="other", severity="moderate", what="Running late again")
    incident = newest_incident(members)  # sent to Ada, a coordinator: she may read it...
    assert ActionId.IN_EXPORT not in buttons_of(the_record(slack, members, COORDINATOR))
    slack.click_in_view(record_with(ActionId.IN_EXPORT, incident), ActionId.IN_EXPORT,
                        user_id=COORDINATOR)
    assert "can only be exported by a safeguarding lead" in pushed_words(slack)  # ...not export
    assert slack.fake.uploaded() == []
    with pytest.raises(Refused):
        members.services.safeguarding.chronology(incident, TRUSTEE)
    with members.sessions() as session:
        refusals = [(e.actor_slack_id, e.action, e.subject) for e in session.query(AuditEntry)
                    .order_by(AuditEntry.id) if e.action.startswith("refused")]
    assert refusals == [(COORDINATOR, "refused exported chronology", f"incident:{incident}"),
                        (TRUSTEE, "refused exported chronology", f"incident:{incident}")]


def test_the_chronology_keeps_anyones_words_as_text(
    slack: SlackDriver, members: Runtime
) -> None:
    report(slack, what="# Not a heading\n**Bold** <b>bus</b> times | # heading \u2014 "
                       "\u201cquoted\u201d \U0001f600")
    incident = newest_incident(members)
    record = members.services.safeguarding.chronology(incident, LEAD)
    markdown = chronology_markdown(record, UTC)
    assert "> \\# Not a heading\n> \\*\\*Bold\\*\\* \\<b\\>bus\\</b\\> times \\| # heading" \
        in markdown
    assert chronology_pdf(record, UTC).startswith(b"%PDF")  # emoji and dashes: no failure
    assert latin1("\u2014 \u201cquoted\u201d \U0001f600") == '- "quoted" ?'
