"""People's rights from Slack and the command line: my data, consents, being forgotten."""

from __future__ import annotations

import json
from datetime import time, timedelta

from bot.rules.feedback import FeedbackForm
from bot.rules.feedback_words import FeedbackKind, FeedbackTopic
from bot.rules.incidents import IncidentForm, IncidentKind, Severity
from bot.rules.sessions import SessionDraft, SessionKind
from bot.wiring import Runtime
from storage.models import Base, Member
from tests.conftest import FakeClock, SlackDriver

BRAM, FIN, COORDINATOR = "U0FACIL02", "U0MEMBR06", "U0COORD01"


def everything(runtime: Runtime) -> str:
    with runtime.engine.connect() as connection:
        return "\n".join(repr(tuple(row)) for table in Base.metadata.sorted_tables
                         for row in connection.execute(table.select()))


def busy_bram(runtime: Runtime, clock: FakeClock) -> None:
    services = runtime.services
    services.feedback.submit(FeedbackForm(FeedbackKind.COMPLIMENT, FeedbackTopic.SESSION,
                                          "Loved the group", anonymous=False,
                                          testimony_consent=True), BRAM)
    services.feedback.submit(FeedbackForm(FeedbackKind.SUGGESTION, FeedbackTopic.OTHER,
                                          "Fin's own idea", anonymous=False), FIN)
    start = clock.now + timedelta(days=3)
    [group] = services.sessions.create(None, SessionDraft(
        title="Tuesday group", kind=SessionKind.PEER_GROUP, day=start.date(),
        start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre"))
    services.rota.claim(group.id, BRAM)
    runtime.dispatcher().deliver_due()


def test_mydata_lists_what_is_held_about_me_and_nothing_about_others(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    busy_bram(members, clock)
    answer = slack.command("/coprod", "mydata", user_id=BRAM)
    shown = json.dumps(json.loads(answer.body))
    assert "Bram Okonkwo" in shown and "Loved the group" in shown and "Tuesday group" in shown
    assert "Fin" not in shown and "Ada" not in shown
    data = members.services.privacy.my_data(BRAM)
    assert data["feedback_with_your_name"][0]["may_share_as_testimony"] is True
    assert [s["title"] for s in data["sessions_facilitating"]] == ["Tuesday group"]
    unknown = slack.text_of(slack.command("/coprod", "mydata", user_id="U0STRANGR"))
    assert "holds nothing about you" in unknown


def test_consents_are_shown_and_can_be_withdrawn(slack: SlackDriver, members: Runtime,
                                                 clock: FakeClock) -> None:
    busy_bram(members, clock)
    assert "Testimonies" in slack.text_of(slack.command("/coprod", "consent", user_id=BRAM))
    assert "1 compliment(s) will no longer be shared" in slack.text_of(
        slack.command("/coprod", "consent withdraw testimonies", user_id=BRAM))
    assert members.services.privacy.my_data(BRAM)["feedback_with_your_name"][0][
        "may_share_as_testimony"] is False
    slack.command("/coprod", "consent start texts", user_id=BRAM)
    slack.command("/coprod", "consent stop texts", user_id=BRAM)
    history = members.services.privacy.my_data(BRAM)["text_consent"]
    assert [(c["given"], c["how"]) for c in history] == [
        (True, "Slack /coprod consent"), (False, "Slack /coprod consent")]


def test_forget_me_asks_a_coordinator(slack: SlackDriver, members: Runtime) -> None:
    text = slack.text_of(slack.command("/coprod", "forget me", user_id=BRAM))
    assert "asked a coordinator to erase" in text and "Safeguarding records are kept" in text
    members.dispatcher().deliver_due()
    [request] = [c.params for c in slack.fake.calls_to("chat.postMessage")
                 if c.params["channel"] == COORDINATOR]
    assert f"coprod members erase {BRAM}" in request["text"]


def test_erasure_leaves_nothing_of_them(members: Runtime, clock: FakeClock) -> None:
    busy_bram(members, clock)
    done = members.services.privacy.erase(BRAM)
    assert done.kept_for_safeguarding == 0
    held = everything(members)
    assert "Bram" not in held and BRAM not in held and "Loved the group" not in held
    assert "Fin's own idea" in held  # others' records are untouched


def test_erasure_keeps_only_a_name_on_safeguarding_records(members: Runtime,
                                                           clock: FakeClock) -> None:
    busy_bram(members, clock)
    with members.sessions() as session:
        bram_id = session.query(Member).filter_by(slack_user_id=BRAM).one().id
    members.services.incidents.report(IncidentForm(
        IncidentKind.BOUNDARY, Severity.MODERATE, "Crossed a line", danger=False,
        involved_member_ids=(bram_id,)), FIN)
    done = members.services.privacy.erase(BRAM)
    assert done.kept_for_safeguarding == 1
    held = everything(members)
    assert BRAM not in held and "Loved the group" not in held and "Tuesday group" in held
    with members.sessions() as session:
        kept = session.get(Member, bram_id)
        assert kept is not None and kept.name == "Bram Okonkwo"
        assert (kept.slack_user_id, kept.phone, kept.roles, kept.consents) == (None, None, [], [])


ED, JO = "U0EDLOWE9", "U0JOFINC9"
HR_ID, HR = "U0HROFF07", "D0HROFF07"  # Hana, the HR officer, and her DM with the app
PEOPLE_WITH_SHORT_NAMES = """\
name,slack_user_id,phone,roles,contact,sms_consent,induction
Ed,U0EDLOWE9,,facilitator,slack,no,boundaries_training
Jo,U0JOFINC9,,facilitator,slack,no,boundaries_training
"""


def test_erasing_ed_or_jo_removes_what_concerns_them_and_every_card_still_updates(
    members: Runtime, clock: FakeClock, slack: SlackDriver
) -> None:
    services = members.services
    services.members.import_csv(PEOPLE_WITH_SHORT_NAMES)
    start = clock.now + timedelta(days=3)

    def session_in(channel: str) -> int:
        [made] = services.sessions.create(None, SessionDraft(
            title="Tuesday group", kind=SessionKind.PEER_GROUP, day=start.date(),
            start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre",
            channel=channel, places=2))
        return made.id

    eds, jos = session_in("C0EDS"), session_in("C0JOS")
    services.rota.claim(eds, ED)
    services.rota.claim(jos, JO)
    reported = services.incidents.report(IncidentForm(
        IncidentKind.CRISIS, Severity.SERIOUS, "Needs someone today", danger=False), FIN)
    members.dispatcher().deliver_due()
    cards = {c.params["channel"]: c for c in slack.fake.calls_to("chat.postMessage")
             if c.params["channel"] in ("C0EDS", "C0JOS")}
    # Words a search for "Ed" or "Jo" would have matched: cards hold both.
    assert "Edit (coordinators)" in json.dumps(cards["C0EDS"].params["blocks"])

    services.privacy.erase(ED)
    services.privacy.erase(JO)
    members.dispatcher().deliver_due()
    # Each card is redrawn without the person erased...
    latest = {c.params["channel"]: json.dumps(c.params["blocks"])
              for c in slack.fake.calls_to("chat.update")}
    assert set(latest) >= {"C0EDS", "C0JOS"}
    assert "Ed" not in latest["C0EDS"].replace("Edit", "") and "Jo" not in latest["C0JOS"]
    # ...and every card and alert goes on updating in place.
    slack.fake.reset()
    services.rota.claim(eds, BRAM)
    services.rota.claim(jos, BRAM)
    services.incidents.acknowledge(reported.incident_id, "U0SAFEG05")
    members.dispatcher().deliver_due()
    updated = {c.params["channel"] for c in slack.fake.calls_to("chat.update")}
    assert {"C0EDS", "C0JOS", "D0SAFEG05"} <= updated
    held = everything(members)
    assert ED not in held and JO not in held


def test_notices_to_others_that_name_someone_erased_are_redrawn_and_keep_updating(
    members: Runtime, clock: FakeClock, slack: SlackDriver
) -> None:
    services = members.services
    services.members.import_csv(PEOPLE_WITH_SHORT_NAMES)
    ed = next(m.id for m in services.members.list_members() if m.slack_user_id == ED)
    incident = services.incidents.report(IncidentForm(
        IncidentKind.BOUNDARY, Severity.MODERATE, "Crossed a line", danger=False,
        involved_member_ids=(ed,)), FIN)
    case = services.feedback.submit(FeedbackForm(
        FeedbackKind.COMPLAINT, FeedbackTopic.TEAM_MEMBER, "Jo was unkind", anonymous=False,
        about_slack_id=JO), FIN)
    members.dispatcher().deliver_due()
    to_hr = [c.params for c in slack.fake.calls_to("chat.postMessage")
             if c.params["channel"] == HR_ID]
    # The alert, a guideline follow-up about Ed, and the case notice, which says it is about Jo.
    assert len(to_hr) == 3 and JO in json.dumps(to_hr)

    services.privacy.erase(ED)
    services.privacy.erase(JO)
    members.dispatcher().deliver_due()
    redrawn = [c.params for c in slack.fake.calls_to("chat.update") if c.params["channel"] == HR]
    assert len(redrawn) == 3 and JO not in json.dumps(redrawn)
    # The safeguarding record keeps Ed's name: the alert still says who was involved.
    assert "Ed" in json.dumps(redrawn)

    slack.fake.reset()
    services.incidents.acknowledge(incident.incident_id, HR_ID)
    services.feedback.acknowledge(case.case_id, HR_ID)
    members.dispatcher().deliver_due()
    assert len([c for c in slack.fake.calls_to("chat.update")
                if c.params["channel"] == HR]) == 2
