"""Policies and induction, driven as people use them: a coordinator publishes in Slack, members
read and agree (a button, or YES by text), a new version asks again, coordinators see who has
agreed and record induction steps, and a facilitator missing part of their induction is told
kindly, and exactly, what it is and who can help, before they can take a place."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, select
from sqlalchemy.engine import Result
from sqlalchemy.orm import ORMExecuteState, Session
from twilio.request_validator import RequestValidator

from bot.config import Settings
from bot.rules.communication import DONE
from bot.rules.involvement import AgreedBy, InductionStep
from bot.rules.policies import PolicyDraft
from bot.rules.sessions import SessionDraft, SessionKind
from bot.wiring import Runtime
from handlers.ids import ActionId, BlockId
from storage.db import make_engine
from storage.models import InductionRecord, Member, Policy, PolicyAgreement
from tests.conftest import (
    DATA_KEY,
    START,
    TWILIO_PUBLIC_URL,
    FakeClock,
    ServerThread,
    SlackDriver,
    texting_bot,
)
from tests.fakes.slack import FakeSlack
from tests.fakes.twilio import FakeTwilio

ADA = "U0COORD01"    # coordinator (and facilitator)
BRAM = "U0FACIL02"   # facilitator, inducted by the import
FIN = "U0MEMBR06"    # member
GUS = "U0GUSLAN9"    # a new facilitator, not inducted yet
DEV = "+447700900104"  # texts only
CHANNEL = "C0TUESDAY"
LINK = "https://example.org/boundaries"
GUS_ROW = ("name,slack_user_id,phone,roles,contact,sms_consent\n"
           f"Gus Lane,{GUS},,facilitator,slack,no\n")
KIND_REFUSAL = ("Before your first session as a facilitator, we ask everyone to do the "
                "professional boundaries training and agree to our boundaries policy. "
                "Ada Brightwater can help you with both.")


# -- helpers ----------------------------------------------------------------------------------
def deliver(runtime: Runtime) -> None:
    runtime.dispatcher().deliver_due()


def publish(runtime: Runtime, title: str = "Boundaries policy", *, link: str = LINK,
            summary: str = "", facilitators: bool = True, version_of: str | None = None) -> int:
    published = runtime.services.policies.publish(ADA, PolicyDraft(
        title=title, link=link, summary=summary, needed_by_facilitators=facilitators,
        version_of=version_of))
    return published.policy.id


def dms_to(fake: FakeSlack, user: str) -> list[dict[str, Any]]:
    return [c.params for c in fake.calls_to("chat.postMessage") if c.params["channel"] == user]


def updates_to(fake: FakeSlack, user: str) -> list[dict[str, Any]]:
    return [c.params for c in fake.calls_to("chat.update") if c.params["channel"] == "D" + user[1:]]


def dumps(found: Any) -> str:
    return json.dumps(found, ensure_ascii=False)


def shown(params: dict[str, Any]) -> str:
    return dumps(params.get("blocks", [])) + params.get("text", "")


def said(fake: FakeSlack) -> str:
    """The last ephemeral answer sent through response_url."""
    return [r.params for r in fake.responses if r.params.get("replace_original") is False][-1][
        "text"]


def redrawn(fake: FakeSlack) -> dict[str, Any]:
    """The last message redrawn in place through response_url."""
    return [r.params for r in fake.responses if r.params.get("replace_original")][-1]


def agreements(runtime: Runtime) -> list[tuple[str, int, AgreedBy, str | None]]:
    with runtime.sessions() as session:
        return [(m.name, p.version, a.how, a.recorded_by) for a, m, p in session.execute(
            select(PolicyAgreement, Member, Policy)
            .join(Member, Member.id == PolicyAgreement.member_id)
            .join(Policy, Policy.id == PolicyAgreement.policy_id)
            .order_by(PolicyAgreement.id)).all()]


def member_id(runtime: Runtime, slack_user_id: str) -> int:
    return next(m.id for m in runtime.services.members.list_members()
                if m.slack_user_id == slack_user_id)


def session_card(runtime: Runtime, clock: FakeClock, fake: FakeSlack) -> dict[str, Any]:
    start = (clock.now + timedelta(days=10)).astimezone(runtime.settings.timezone)
    runtime.services.sessions.create(None, SessionDraft(
        title="Tuesday peer group", kind=SessionKind.PEER_GROUP, day=start.date(),
        start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre", channel=CHANNEL))
    deliver(runtime)
    post = next(c.params for c in fake.calls_to("chat.postMessage")
                if c.params["channel"] == CHANNEL)
    return {"blocks": post["blocks"], "text": post["text"]}


# -- publishing -------------------------------------------------------------------------------
def test_a_coordinator_publishes_and_every_member_is_asked_their_own_way(
    slack: SlackDriver, members: Runtime, console_sms: Any
) -> None:
    slack.command("/involve", "publish", user_id=ADA)
    form = slack.opened_view()
    assert form["callback_id"] == "policy_form"
    assert BlockId.PO_VERSION_OF not in json.dumps(form)  # nothing to make a new version of yet
    answer = slack.submit(form, {
        BlockId.PO_TITLE: "Boundaries policy", BlockId.PO_LINK: LINK,
        BlockId.PO_SUMMARY: "We keep to professional boundaries with everyone we support.",
        BlockId.PO_FACILITATORS: ["facilitators"]}, user_id=ADA)
    done = slack.payload(answer)
    assert done["response_action"] == "update"
    assert "We've asked 8 members to read it and agree" in json.dumps(done["view"])
    with members.sessions() as session:
        [policy] = session.scalars(select(Policy)).all()
        assert (policy.key, policy.version, policy.needed_by_facilitators,
                policy.published_by) == ("boundaries-policy", 1, True, ADA)

    deliver(members)
    [dm] = dms_to(slack.fake, FIN)
    assert "Boundaries policy" in shown(dm) and "We keep to professional boundaries" in shown(dm)
    assert "I've read and agree" in shown(dm) and "Call *999*" in shown(dm)
    texts = {t.to: t.body for t in console_sms.sent}
    assert set(texts) == {DEV, "+447700900101", "+447700900105"}  # those who take texts
    assert texts[DEV] == ("Riverside Peer Support: Reply YES to say you've read our boundaries "
                          f"policy: {LINK}")


def test_a_member_cannot_publish_and_is_told_kindly(slack: SlackDriver,
                                                    members: Runtime) -> None:
    answer = slack.text_of(slack.command("/involve", "publish", user_id=FIN))
    assert "Only a coordinator can publish a policy" in answer
    assert "glad to hear from you" in answer
    assert slack.fake.calls_to("views.open") == []


def test_the_form_says_what_to_fix(slack: SlackDriver, members: Runtime) -> None:
    slack.command("/involve", "publish", user_id=ADA)
    answer = slack.payload(slack.submit(slack.opened_view(), {
        BlockId.PO_TITLE: "Ground rules", BlockId.PO_LINK: "not a link"}, user_id=ADA))
    assert answer == {"response_action": "errors", "errors": {
        BlockId.PO_LINK: "Please give a web link starting with https://."}}
    with members.sessions() as session:
        assert session.scalars(select(Policy)).all() == []


def test_nul_characters_in_a_forged_form_are_left_out(slack: SlackDriver,
                                                      members: Runtime) -> None:
    # PostgreSQL refuses NUL in text: only a forged form could send one.
    slack.command("/involve", "publish", user_id=ADA)
    answer = slack.payload(slack.submit(slack.opened_view(), {
        BlockId.PO_TITLE: "Ground\x00 rules", BlockId.PO_LINK: "https://example.org/\x00rules",
        BlockId.PO_SUMMARY: "Be\x00 kind."}, user_id=ADA))
    assert answer.get("response_action") != "errors", answer
    with members.sessions() as session:
        [policy] = session.scalars(select(Policy)).all()
        assert (policy.title, policy.link, policy.summary) == (
            "Ground rules", "https://example.org/rules", "Be kind.")


def test_a_text_carries_the_title_and_link_only_or_where_to_get_it(
    members: Runtime, console_sms: Any
) -> None:
    publish(members, "Ground rules", link="", summary="Be kind. What is said here stays here.")
    deliver(members)
    [text] = [t.body for t in console_sms.sent if t.to == DEV]
    assert text == ("Riverside Peer Support: Reply YES to say you've read our ground rules. If "
                    "you haven't got a copy, text back and we'll send you one.")
    assert "Be kind" not in text


# -- reading and agreeing ---------------------------------------------------------------------
def test_members_see_each_policy_and_agree_from_the_list(slack: SlackDriver, members: Runtime,
                                                         clock: FakeClock) -> None:
    publish(members)
    publish(members, "Ground rules", facilitators=False)
    listing = slack.payload(slack.command("/involve", "policies", user_id=FIN))
    text = json.dumps(listing)
    assert "Boundaries policy" in text and "Ground rules" in text
    assert text.count("You haven't said yet that you've read it") == 2
    assert "Publish a policy" not in text and "Who has agreed" not in text

    slack.click(listing, ActionId.POLICY_AGREE, user_id=FIN)  # the first: Boundaries policy
    assert "you've read and agree to our *Boundaries policy*" in said(slack.fake)
    assert f"{DONE} You agreed to this version on 23 Nov 2026" in dumps(redrawn(slack.fake))
    assert agreements(members) == [("Fin Rowe", 1, AgreedBy.SLACK, None)]

    slack.click(listing, ActionId.POLICY_AGREE, user_id=FIN)  # twice is once
    assert len(agreements(members)) == 1
    mydata = slack.text_of(slack.command("/coprod", "mydata", user_id=FIN))
    assert '"policies_you_agreed_to": [' in mydata and '"how": "slack"' in mydata
    [mine] = members.services.privacy.my_data(FIN)["policies_you_agreed_to"]
    assert mine["agreed"].startswith("2026-11-23T10:00")
    assert {k: v for k, v in mine.items() if k != "agreed"} == {
        "policy": "Boundaries policy", "version": 1, "how": "slack"}


def test_two_agreements_at_the_same_moment_record_one(slack: SlackDriver,
                                                     members: Runtime) -> None:
    policy = publish(members)
    fin = member_id(members, FIN)
    listing = slack.payload(slack.command("/involve", "policies", user_id=FIN))
    raced: list[bool] = []

    def other_click_first(state: ORMExecuteState) -> Result[Any] | None:
        """The other "I agree" commits just after this one looked and found none."""
        if raced or not state.is_select or "policy_agreements" not in str(state.statement):
            return None
        raced.append(True)
        looked = state.invoke_statement().freeze()
        state.session.connection().execute(insert(PolicyAgreement).values(
            member_id=fin, policy_id=policy, agreed_at=START, how=AgreedBy.SLACK))
        return looked()

    event.listen(members.sessions, "do_orm_execute", other_click_first)
    try:
        slack.click(listing, ActionId.POLICY_AGREE, user_id=FIN)
    finally:
        event.remove(members.sessions, "do_orm_execute", other_click_first)
    assert raced
    assert "you've read and agree to our *Boundaries policy*" in said(slack.fake)
    assert agreements(members) == [("Fin Rowe", 1, AgreedBy.SLACK, None)]


def test_agreeing_from_the_message_redraws_it(slack: SlackDriver, members: Runtime) -> None:
    publish(members)
    deliver(members)
    [dm] = dms_to(slack.fake, FIN)
    slack.click(dm, ActionId.POLICY_AGREE, user_id=FIN, channel="D0MEMBR06")
    deliver(members)
    [update] = updates_to(slack.fake, FIN)
    assert "You agreed to this version" in shown(update)
    assert "I've read and agree" not in shown(update) and "Call *999*" in shown(update)
    assert updates_to(slack.fake, BRAM) == []  # only the copies of the person who agreed


def test_a_new_version_asks_everyone_again(slack: SlackDriver, members: Runtime) -> None:
    publish(members)
    deliver(members)
    [first] = dms_to(slack.fake, FIN)
    slack.click(first, ActionId.POLICY_AGREE, user_id=FIN, channel="D0MEMBR06")

    slack.command("/involve", "publish", user_id=ADA)
    form = slack.opened_view()
    assert "Boundaries policy" in json.dumps(form)
    slack.submit(form, {BlockId.PO_VERSION_OF: "boundaries-policy",
                        BlockId.PO_LINK: LINK + "-v2",
                        BlockId.PO_FACILITATORS: ["facilitators"]}, user_id=ADA)
    with members.sessions() as session:
        assert [(p.title, p.version) for p in session.scalars(select(Policy).order_by(
            Policy.id))] == [("Boundaries policy", 1), ("Boundaries policy", 2)]
    deliver(members)
    newest = dms_to(slack.fake, FIN)[-1]
    assert "updated our *Boundaries policy* (version 2)" in shown(newest)
    assert "I've read and agree" in shown(newest)
    # The first version, already agreed to, now points at the new one.
    assert "There's a newer version" in shown(updates_to(slack.fake, FIN)[-1])
    listing = slack.text_of(slack.command("/involve", "policies", user_id=FIN))
    assert "This is a new version: you agreed to an earlier one" in listing

    slack.click(first, ActionId.POLICY_AGREE, user_id=FIN, channel="D0MEMBR06")  # a stale copy
    assert "There's a newer version of this policy now" in said(slack.fake)
    slack.click(newest, ActionId.POLICY_AGREE, user_id=FIN, channel="D0MEMBR06")
    assert agreements(members) == [("Fin Rowe", 1, AgreedBy.SLACK, None),
                                   ("Fin Rowe", 2, AgreedBy.SLACK, None)]


def test_coordinators_see_who_has_agreed_and_how(slack: SlackDriver, members: Runtime) -> None:
    publish(members)
    policy_id = members.services.policies.current_for(ADA).policies[0].id
    members.services.policies.agree(policy_id, FIN)
    members.services.policies.record_signed(ADA, member_id(members, BRAM), policy_id)
    listing = slack.payload(slack.command("/involve", "policies", user_id=ADA))
    assert "Publish a policy" in json.dumps(listing)
    slack.click(listing, ActionId.POLICY_AGREEMENTS, user_id=ADA)
    who = json.dumps([r.params for r in slack.fake.responses][-1]["blocks"])
    assert "agreed by 2 of 8" in who
    assert "Fin Rowe - 23 Nov 2026, in Slack" in who
    assert "Bram Okonkwo - 23 Nov 2026, on a signed copy" in who
    assert "Not yet: Ada Brightwater, Cleo Marsh, Dev Patel" in who

    slack.click(listing, ActionId.POLICY_AGREEMENTS, user_id=FIN)
    assert "Only a coordinator can see who has agreed" in said(slack.fake)


# -- by text ----------------------------------------------------------------------------------
@dataclass
class Texting:
    runtime: Runtime
    url: str
    token: str

    def text_in(self, body: str, from_number: str = DEV) -> str:
        import urllib.request
        from urllib.parse import urlencode
        params = {"From": from_number, "To": "+447700900999", "Body": body,
                  "MessageSid": "SMinbound"}
        signature = RequestValidator(self.token).compute_signature(
            TWILIO_PUBLIC_URL + "/sms/inbound", params)
        request = urllib.request.Request(
            self.url + "/sms/inbound", data=urlencode(params).encode(), method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "X-Twilio-Signature": signature})
        with urllib.request.urlopen(request, timeout=5) as response:
            return str(response.read().decode())


@pytest.fixture
def texting(settings: Settings, engine: Engine, clock: FakeClock,
            fake_twilio: FakeTwilio) -> Iterator[Texting]:
    _, runtime, wsgi = texting_bot(settings, engine, clock, fake_twilio)
    with ServerThread(wsgi) as server:
        yield Texting(runtime, server.url, fake_twilio.auth_token)


def test_yes_by_text_agrees_and_no_is_thanked(texting: Texting, fake_twilio: FakeTwilio) -> None:
    runtime = texting.runtime
    publish(runtime)
    deliver(runtime)
    assert [t.params["Body"] for t in fake_twilio.texts if t.params["To"] == DEV] == [
        f"Riverside Peer Support: Reply YES to say you've read our boundaries policy: {LINK}"]
    reply = texting.text_in("YES")
    assert "We've noted that you've read and agree to our boundaries policy" in reply
    assert agreements(runtime) == [("Dev Patel", 1, AgreedBy.TEXT, None)]

    publish(runtime, "Ground rules", facilitators=False)
    deliver(runtime)
    reply = texting.text_in("No thanks")
    assert "Thank you for letting us know. That's fine" in reply
    assert "a coordinator will be glad to" in reply
    assert len(agreements(runtime)) == 1  # a no records nothing, and asks nothing more


# -- induction --------------------------------------------------------------------------------
def test_a_facilitator_without_the_induction_is_refused_kindly(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    members.services.members.import_csv(GUS_ROW)
    publish(members)
    card = session_card(members, clock, slack.fake)
    slack.click(card, ActionId.SESSION_CLAIM, user_id=GUS, channel=CHANNEL)
    assert said(slack.fake) == ("Thank you for offering to facilitate *Tuesday peer group* "
                                f"({_when(members, clock)}). {KIND_REFUSAL} You can read and "
                                "agree to our policies any time with /involve policies.")
    assert facilitating(members) == []


def facilitating(runtime: Runtime) -> list[str]:
    [view] = runtime.services.sessions.upcoming(14)
    return [f.name for f in view.facilitators]


def _when(runtime: Runtime, clock: FakeClock) -> str:
    start = (clock.now + timedelta(days=10)).astimezone(runtime.settings.timezone)
    return f"{start:%a} {start.day} {start:%b}, 18:00"


def test_recording_the_induction_lets_them_claim(slack: SlackDriver, members: Runtime,
                                                 clock: FakeClock) -> None:
    members.services.members.import_csv(GUS_ROW)
    publish(members)
    card = session_card(members, clock, slack.fake)

    refused = slack.text_of(slack.command("/involve", "induction", user_id=GUS))
    assert "Only a coordinator can see and record induction steps" in refused
    overview = slack.payload(slack.command("/involve", "induction", user_id=ADA))
    text = json.dumps(overview)
    # Everyone imported as inducted still has the policy to agree to; Gus has both to do.
    assert "*Gus Lane* still needs: Professional boundaries training; agree to our " \
           "Boundaries policy" in text
    assert "*Bram Okonkwo* still needs: agree to our Boundaries policy" in text
    gus = member_id(members, GUS)
    [gus_buttons] = [b for b in overview["blocks"]
                     if b.get("block_id") == f"{BlockId.PO_INDUCTION_ACTIONS}:{gus}"]
    slack.click({"blocks": [gus_buttons]}, ActionId.INDUCTION_RECORD, user_id=ADA)
    assert "*Gus Lane* still needs: agree to our Boundaries policy" in json.dumps(
        redrawn(slack.fake))
    with members.sessions() as session:
        record = session.get(InductionRecord, (gus, InductionStep.BOUNDARIES_TRAINING))
        assert record is not None and record.recorded_by == ADA

    slack.click(card, ActionId.SESSION_CLAIM, user_id=GUS, channel=CHANNEL)
    assert "agree to our boundaries policy. Ada Brightwater can help you with it." in said(
        slack.fake)
    listing = slack.payload(slack.command("/involve", "policies", user_id=GUS))
    slack.click(listing, ActionId.POLICY_AGREE, user_id=GUS)
    slack.click(card, ActionId.SESSION_CLAIM, user_id=GUS, channel=CHANNEL)
    assert said(slack.fake).startswith("Thank you - you're facilitating *Tuesday peer group*")
    assert facilitating(members) == ["Gus Lane"]


def test_a_signed_paper_copy_counts_and_says_who_recorded_it(slack: SlackDriver,
                                                             members: Runtime) -> None:
    publish(members)
    overview = slack.payload(slack.command("/involve", "induction", user_id=ADA))
    bram = member_id(members, BRAM)
    [buttons] = [b for b in overview["blocks"]
                 if b.get("block_id") == f"{BlockId.PO_INDUCTION_ACTIONS}:{bram}"]
    slack.click({"blocks": [buttons]}, ActionId.INDUCTION_SIGNED, user_id=ADA)
    assert ("Bram Okonkwo", 1, AgreedBy.PAPER, ADA) in agreements(members)
    assert "Bram Okonkwo" in dumps(redrawn(slack.fake)).split("Ready to facilitate")[1]


def test_nothing_asked_means_nothing_missing(slack: SlackDriver, members: Runtime) -> None:
    text = slack.text_of(slack.command("/involve", "induction", user_id=ADA))
    assert "Every facilitator has everything" in text
    assert "Ready to facilitate: Ada Brightwater, Bram Okonkwo, Cleo Marsh, Esme Hart" in text


def test_the_members_import_records_induction_steps(members: Runtime) -> None:
    report = members.services.members.import_csv(
        "name,slack_user_id,phone,roles,contact,sms_consent,induction\n"
        f"Gus Lane,{GUS},,facilitator,slack,no,boundaries_training; shadowed_a_session\n"
        "Ivy Moss,U0IVYMOS9,,facilitator,slack,no,juggling\n")
    assert report.added == 1
    assert [str(p) for p in report.problems] == [
        "line 3: unknown induction step(s) juggling; steps are: boundaries_training, "
        "safeguarding_training, shadowed_a_session"]
    gus = member_id(members, GUS)
    with members.sessions() as session:
        assert {(r.step, r.recorded_by) for r in session.scalars(select(InductionRecord).where(
            InductionRecord.member_id == gus))} == {
            (InductionStep.BOUNDARIES_TRAINING, "members import"),
            (InductionStep.SHADOWED_A_SESSION, "members import")}
    again = members.services.members.import_csv(
        "name,slack_user_id,phone,roles,contact,sms_consent\n"
        f"Gus Lane,{GUS},,facilitator,slack,no\n")
    assert again.unchanged == 1  # a row without the column takes nothing away
    step = members.services.privacy.my_data(GUS)["induction_steps_recorded"][0]
    assert (step["step"], step["recorded_by"]) == ("Professional boundaries training",
                                                   "the members import")


def test_the_command_line_import_takes_the_induction_column(tmp_path: Path,
                                                            database_url: str) -> None:
    if database_url.startswith("postgresql"):
        pytest.skip("the command line's own database is a file here")
    csv_file = tmp_path / "members.csv"
    csv_file.write_text("name,slack_user_id,phone,roles,contact,sms_consent,induction\n"
                        f"Gus Lane,{GUS},,facilitator,slack,no,boundaries_training\n")
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": url, "COPROD_DATA_KEY": DATA_KEY,
           "PYTHONPATH": str(Path(__file__).parent.parent.parent)}
    result = subprocess.run([sys.executable, "-m", "bot.cli", "members", "import",
                             str(csv_file)], env=env, cwd=tmp_path, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "Added 1" in result.stdout
    engine = make_engine(url)
    with Session(engine) as session:
        assert [r.step for r in session.scalars(select(InductionRecord))] == [
            InductionStep.BOUNDARIES_TRAINING]
    engine.dispose()


# -- personal data ----------------------------------------------------------------------------
def test_erasure_removes_agreements_and_steps_and_keeps_published_policies(
    slack: SlackDriver, members: Runtime
) -> None:
    publish(members)
    policy_id = members.services.policies.current_for(FIN).policies[0].id
    members.services.policies.agree(policy_id, FIN)
    members.services.policies.record_signed(ADA, member_id(members, BRAM), policy_id)
    members.services.privacy.erase(FIN)
    assert [a[0] for a in agreements(members)] == ["Bram Okonkwo"]
    members.services.privacy.erase(ADA)
    with members.sessions() as session:
        [policy] = session.scalars(select(Policy)).all()
        assert policy.published_by is None and policy.title == "Boundaries policy"
        [(agreement)] = session.scalars(select(PolicyAgreement)).all()
        assert agreement.recorded_by is None
        assert session.scalars(select(InductionRecord).where(
            InductionRecord.recorded_by == ADA)).all() == []
