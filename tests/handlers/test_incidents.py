"""/incident driven as Slack drives it; escalation under freezegun with fake Slack and Twilio."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from freezegun import freeze_time
from freezegun.api import FrozenDateTimeFactory

from bot.app import create_app
from bot.config import Settings
from bot.delivery.twilio import TwilioSmsProvider
from bot.rules.safeguarding import OutcomeForm, Spoken
from bot.wiring import Runtime, build_runtime
from handlers.blocks.incidents import NOT_YOURS
from handlers.ids import ActionId, BlockId
from storage.models import AuditEntry, Incident, IncidentRecipient, IncidentStep
from tests.conftest import MEMBERS_CSV, FakeClock, SlackDriver
from tests.fakes.slack import FakeSlack
from tests.fakes.twilio import FakeTwilio

LEAD = "U0SAFEG05"         # Esme: safeguarding lead, phone, texts
COORDINATOR = "U0COORD01"  # Ada: coordinator, phone, texts
HR = "U0HROFF07"
REPORTER = "U0FACIL02"     # Bram
MEMBER = "U0MEMBR06"       # Fin


# An outcome as a lead records it on resolving (the form is driven in test_incident_record.py).
OUTCOME = OutcomeForm(what_was_done="Called them back", spoken=Spoken.YES, views_and_wishes="",
                      decision="No further action", reasons="They are safe", no_referral=True)


def member_id(runtime: Runtime, name: str) -> str:
    return str(next(m.id for m in runtime.services.members.list_members() if m.name == name))


def report(slack: SlackDriver, *, kind: str = "crisis_disclosure", severity: str = "serious",
           danger: str = "no", what: str = "They said they had a plan to hurt themselves.",
           people: list[str] | None = None, user_id: str = REPORTER) -> dict[str, Any]:
    slack.command("/incident", "", user_id=user_id)
    form = slack.opened_view()
    answers: dict[str, Any] = {BlockId.IN_DANGER: danger, BlockId.IN_KIND: kind,
                               BlockId.IN_SEVERITY: severity, BlockId.IN_WHAT: what}
    if people:
        answers[BlockId.IN_PEOPLE] = people
    response = slack.submit(form, answers, user_id=user_id)
    assert response.status == 200
    return json.loads(response.body)


def dms_to(fake: FakeSlack, user: str) -> list[dict[str, Any]]:
    return [c.params for c in fake.calls_to("chat.postMessage") if c.params["channel"] == user]


# -- the form --------------------------------------------------------------------------------
def test_saying_someone_is_in_danger_shows_the_999_guidance_first(
    slack: SlackDriver, members: Runtime
) -> None:
    slack.command("/incident", "", user_id=REPORTER)
    form = slack.opened_view()
    assert form["blocks"][0]["block_id"] == BlockId.IN_DANGER  # the first question asked
    slack.choose(form, {BlockId.IN_DANGER: "yes"}, BlockId.IN_DANGER, user_id=REPORTER)
    updated = slack.fake.calls_to("views.update")[-1].params["view"]
    first = updated["blocks"][0]
    assert first["block_id"] == BlockId.IN_GUIDANCE
    assert "call 999 now" in first["text"]["text"]
    assert "Samaritans" in json.dumps(updated["blocks"][1])
    people = next(b for b in updated["blocks"] if b.get("block_id") == BlockId.IN_PEOPLE)
    assert {o["text"]["text"] for o in people["element"]["options"]} >= {"Fin Rowe",
                                                                        "Dev Patel"}


def test_bad_reports_get_field_errors(slack: SlackDriver, members: Runtime) -> None:
    slack.command("/incident", "", user_id=REPORTER)
    response = slack.submit(slack.opened_view(), {BlockId.IN_KIND: "other",
                                                  BlockId.IN_WHAT: "   "}, user_id=REPORTER)
    payload = json.loads(response.body)
    assert payload["response_action"] == "errors"
    assert set(payload["errors"]) == {BlockId.IN_SEVERITY, BlockId.IN_WHAT, BlockId.IN_DANGER}
    with members.sessions() as session:
        assert session.query(Incident).count() == 0


def test_the_confirmation_signposts_and_names_who_has_it(
    slack: SlackDriver, members: Runtime
) -> None:
    done = report(slack, danger="yes")
    text = json.dumps(done["view"])
    assert done["response_action"] == "update"
    assert "call 999 now" in text and "safeguarding leads" in text and "Shout" in text


def test_report_this_message_links_the_message_not_its_words(
    slack: SlackDriver, members: Runtime
) -> None:
    slack.interactive({
        "type": "message_action", "callback_id": "report_message", "trigger_id": "t-msg",
        "team": {"id": "T0EXAMPLE"}, "user": {"id": REPORTER}, "api_app_id": "A0COPROD",
        "channel": {"id": "C0GENERAL"}, "message_ts": "1700000000.000200",
        "message": {"text": "something worrying", "ts": "1700000000.000200"},
        "response_url": slack.fake.response_url("shortcut")})
    form = slack.opened_view()
    assert json.loads(form["private_metadata"]) == {"message": "C0GENERAL/1700000000.000200"}
    slack.submit(form, {BlockId.IN_DANGER: "no", BlockId.IN_KIND: "harassment",
                        BlockId.IN_SEVERITY: "moderate", BlockId.IN_WHAT: "See the message"},
                 user_id=REPORTER)
    with members.sessions() as session:
        incident = session.query(Incident).one()
        assert incident.message_ref == "C0GENERAL/1700000000.000200"
        assert "something worrying" not in json.dumps([incident.what_happened])


# -- escalation under freezegun --------------------------------------------------------------
@pytest.fixture
def frozen() -> Iterator[FrozenDateTimeFactory]:
    with freeze_time("2026-11-23 10:00:00", tick=False) as factory:
        yield factory


@pytest.fixture
def paging(settings: Settings, engine: object, fake_slack: FakeSlack, fake_twilio: FakeTwilio,
           frozen: FrozenDateTimeFactory) -> tuple[Runtime, SlackDriver]:
    """The real app on the system clock (frozen), texting through the fake Twilio."""
    twilio = TwilioSmsProvider("AC0000000000000000000000000000test", fake_twilio.auth_token,
                               "+447700900999", api_url=fake_twilio.url)
    runtime = build_runtime(settings, engine=engine, sms=twilio)  # type: ignore[arg-type]
    runtime.services.members.import_csv(MEMBERS_CSV)
    return runtime, SlackDriver(create_app(settings, runtime.services, client=runtime.client),
                                fake_slack)


def test_a_serious_incident_pages_escalates_once_per_tier_and_stops_when_acknowledged(
    paging: tuple[Runtime, SlackDriver], frozen: FrozenDateTimeFactory, fake_twilio: FakeTwilio
) -> None:
    runtime, slack = paging
    incidents, dispatcher = runtime.services.incidents, runtime.dispatcher()
    report(slack)
    dispatcher.deliver_due()
    [alert] = dms_to(slack.fake, LEAD)  # at once, to the safeguarding lead
    assert "Urgent: Crisis disclosure (serious)" in alert["text"]
    assert "They said they had a plan" in json.dumps(alert["blocks"])
    assert dms_to(slack.fake, COORDINATOR) == [] and fake_twilio.texts == []

    frozen.tick(9 * 60)
    assert incidents.escalate_unacknowledged() == 0  # not yet
    frozen.tick(60)
    assert incidents.escalate_unacknowledged() == 1
    assert incidents.escalate_unacknowledged() == 0  # once per tier
    dispatcher.deliver_due()
    assert len(dms_to(slack.fake, COORDINATOR)) == 1
    assert len(dms_to(slack.fake, LEAD)) == 1
    assert sorted(t.params["To"] for t in fake_twilio.texts) == ["+447700900101",
                                                                  "+447700900105"]
    assert all("Please check Slack" in t.params["Body"] for t in fake_twilio.texts)
    assert all("plan" not in t.params["Body"] for t in fake_twilio.texts)  # no health details
    chased = dms_to(slack.fake, REPORTER)
    assert len(chased) == 1 and "contacting more people" in chased[0]["text"]

    lead_alert = dms_to(slack.fake, LEAD)[0]
    slack.click(lead_alert, ActionId.IN_ACKNOWLEDGE, user_id=LEAD, channel="D0SAFEG05")
    dispatcher.deliver_due()
    updates = slack.fake.calls_to("chat.update")
    assert len(updates) == 2  # every copy: the lead's and the coordinator's
    assert all(f"Acknowledged by <@{LEAD}>" in json.dumps(u.params["blocks"]) for u in updates)
    assert any("Esme Hart has picked up your report" in m["text"]
               for m in dms_to(slack.fake, REPORTER))

    frozen.tick(60 * 60)
    assert incidents.escalate_unacknowledged() == 0  # stopped
    dispatcher.deliver_due()
    assert len(fake_twilio.texts) == 2
    with runtime.sessions() as session:
        steps = [s.step for s in session.query(IncidentStep).order_by(IncidentStep.id)]
    assert steps[0] == "reported" and "escalated" in steps and steps[-1] == "acknowledged"


def test_a_person_named_as_involved_is_never_told(
    paging: tuple[Runtime, SlackDriver], frozen: FrozenDateTimeFactory, fake_twilio: FakeTwilio
) -> None:
    runtime, slack = paging
    esme = member_id(runtime, "Esme Hart")
    report(slack, kind="safeguarding", severity="moderate", people=[esme])
    for _ in range(3):
        runtime.dispatcher().deliver_due()
        frozen.tick(11 * 60)
        runtime.services.incidents.escalate_unacknowledged()
    runtime.dispatcher().deliver_due()
    assert dms_to(slack.fake, LEAD) == []
    assert "+447700900105" not in {t.params["To"] for t in fake_twilio.texts}
    assert dms_to(slack.fake, COORDINATOR)  # the others covered for her
    assert "+447700900101" in {t.params["To"] for t in fake_twilio.texts}


def test_someone_it_was_not_sent_to_cannot_act_on_or_read_it(
    slack: SlackDriver, members: Runtime
) -> None:
    report(slack)
    members.dispatcher().deliver_due()
    [alert] = dms_to(slack.fake, LEAD)
    slack.click(alert, ActionId.IN_ACKNOWLEDGE, user_id=MEMBER, channel="D0MEMBR06")
    refusal = slack.fake.responses[-1].params
    assert refusal["replace_original"] is False
    assert "only be opened by the people they were sent to" in refusal["text"]
    slack.click(alert, ActionId.IN_NOTE, user_id=REPORTER, channel="D0FACIL02")
    assert slack.fake.calls_to("views.open")[-1].params["view"]["callback_id"] != "incident_note"
    with members.sessions() as session:
        incident = session.query(Incident).one()
        assert incident.status.value == "open" and incident.acknowledged_by is None


def test_someone_named_in_it_is_refused_even_if_listed_as_a_recipient(
    slack: SlackDriver, members: Runtime
) -> None:
    ada = member_id(members, "Ada Brightwater")
    report(slack, kind="safeguarding", severity="moderate", people=[ada])
    members.dispatcher().deliver_due()
    [alert] = dms_to(slack.fake, LEAD)
    with members.sessions.begin() as session:  # as a bug or an old row elsewhere might leave it
        incident = session.query(Incident).one()
        session.add(IncidentRecipient(incident_id=incident.id, slack_user_id=COORDINATOR))
    for action in (ActionId.IN_RECORD, ActionId.IN_ACKNOWLEDGE, ActionId.IN_RESOLVE):
        slack.click(alert, action, user_id=COORDINATOR, channel="D0COORD01")
        assert NOT_YOURS in slack.fake.responses[-1].params["text"]
    assert all(v.params["view"].get("callback_id") != "incident_record"
               for v in slack.fake.calls_to("views.open"))
    slack.event({"type": "app_home_opened", "user": COORDINATOR, "tab": "home"})
    assert "Safeguarding concern" not in json.dumps(
        slack.fake.calls_to("views.publish")[-1].params["view"])
    with members.sessions() as session:
        assert session.query(Incident).one().acknowledged_by is None
        refusals = [e.action for e in session.query(AuditEntry).filter_by(
            actor_slack_id=COORDINATOR).order_by(AuditEntry.id)]
    assert refusals == ["refused read record", "refused acknowledged",
                        "refused open resolve form"]


def test_responders_add_notes_to_the_timeline(slack: SlackDriver, members: Runtime) -> None:
    report(slack)
    members.dispatcher().deliver_due()
    [alert] = dms_to(slack.fake, LEAD)
    slack.click(alert, ActionId.IN_NOTE, user_id=LEAD, channel="D0SAFEG05")
    note_form = slack.opened_view()
    done = slack.submit(note_form, {BlockId.IN_NOTE: "Spoke with them; GP appointment today."},
                        user_id=LEAD)
    shown = json.loads(done.body)  # the record, the note in it
    assert shown["response_action"] == "update"
    assert shown["view"]["callback_id"] == "incident_record"
    assert "Spoke with them; GP appointment today." in json.dumps(shown["view"]["blocks"])
    with members.sessions() as session:
        note = session.query(IncidentStep).filter_by(step="note").one()
        assert note.note == "Spoke with them; GP appointment today."
        assert note.actor_slack_id == LEAD


# -- guideline breaches ----------------------------------------------------------------------
def test_breaches_are_counted_and_the_third_flags_a_hiatus_review(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    fin = member_id(members, "Fin Rowe")
    for n in range(3):
        report(slack, kind="guideline_breach", severity="low", what=f"Breach {n}",
               people=[fin])
        clock.advance(days=30)
    members.dispatcher().deliver_due()
    to_coordinator = [m["text"] for m in dms_to(slack.fake, COORDINATOR)]
    assert to_coordinator.count("A guideline follow-up for Fin Rowe") == 1  # the first
    review = [m for m in dms_to(slack.fake, HR) if "hiatus review" in json.dumps(m["blocks"])]
    assert len(review) == 1
    words = json.dumps(review[0]["blocks"])
    assert "membership and voice in decisions are never affected" in words
    assert "Breach" not in words  # the history is kinds and dates, not what was written
    assert words.count("Guideline breach (low)") == 3
    assert all("Fin" not in c.params["channel"] for c in slack.fake.calls_to("chat.postMessage"))


def test_a_serious_breach_by_a_team_member_goes_straight_to_review(
    slack: SlackDriver, members: Runtime
) -> None:
    bram = member_id(members, "Bram Okonkwo")
    report(slack, kind="boundary", severity="serious", what="Crossed a line", people=[bram],
           user_id=MEMBER)
    members.dispatcher().deliver_due()
    assert any("hiatus review" in json.dumps(m["blocks"]) for m in dms_to(slack.fake, HR))
    assert dms_to(slack.fake, REPORTER) == []


# -- where to turn, App Home -----------------------------------------------------------------
def test_signpost_lists_local_services(slack: SlackDriver) -> None:
    text = slack.text_of(slack.command("/coprod", "signpost", user_id=MEMBER))
    assert "Samaritans" in text and "116 123" in text and "999" in text


def test_app_home_shows_open_incidents_to_responders_only(
    slack: SlackDriver, members: Runtime
) -> None:
    report(slack)

    def home(user: str) -> str:
        slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
        return json.dumps(slack.fake.calls_to("views.publish")[-1].params["view"])

    assert "Open incidents (1)" in home(LEAD) and "Crisis disclosure" in home(LEAD)
    assert "Open incidents" not in home(MEMBER)


def test_every_read_and_refusal_is_audited_without_content(
    slack: SlackDriver, members: Runtime
) -> None:
    from storage.models import AuditEntry

    report(slack)
    members.dispatcher().deliver_due()
    [alert] = dms_to(slack.fake, LEAD)
    slack.click(alert, ActionId.IN_ACKNOWLEDGE, user_id=LEAD, channel="D0SAFEG05")
    slack.click(alert, ActionId.IN_RESOLVE, user_id=MEMBER, channel="D0MEMBR06")
    with members.sessions() as session:
        subject = f"incident:{session.query(Incident).one().id}"
        entries = [(e.actor_slack_id, e.action, e.subject)
                   for e in session.query(AuditEntry).order_by(AuditEntry.id)]
    assert entries == [(LEAD, "acknowledged", subject),
                       (MEMBER, "refused open resolve form", subject)]


@pytest.mark.parametrize("settle", ["acknowledge", "resolve"])
def test_chasing_notices_are_not_sent_once_someone_has_picked_it_up(
    paging: tuple[Runtime, SlackDriver], frozen: FrozenDateTimeFactory, fake_twilio: FakeTwilio,
    settle: str
) -> None:
    runtime, slack = paging
    incidents = runtime.services.incidents
    report(slack)
    frozen.tick(10 * 60)
    assert incidents.escalate_unacknowledged() == 1  # texts and "we are chasing it", queued
    with runtime.sessions() as session:
        incident_id = session.query(Incident).one().id
    # Before they are delivered (a retry, say).
    if settle == "acknowledge":
        incidents.acknowledge(incident_id, LEAD)
    else:
        runtime.services.incident_record.resolve(incident_id, LEAD, OUTCOME)
    runtime.dispatcher().deliver_due()
    assert fake_twilio.texts == []
    assert all("contacting more people" not in m["text"] for m in dms_to(slack.fake, REPORTER))
