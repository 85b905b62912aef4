"""How we reach you, driven as Slack drives it: `/coprod profile`, a coordinator's form for
someone (with their agreement), App Home's Change, and the messages that follow, read off the
fake Slack and the console's texts after the real dispatcher has run."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from sqlalchemy import select

from bot.delivery.sms import ConsoleSmsProvider
from bot.notices import read_notice
from bot.rules.communication import STANDARD, Reading, has_emoji
from bot.rules.meetings import MeetingDraft, MeetingKind
from bot.wiring import Runtime
from handlers.ids import ActionId, BlockId, CallbackId, OptionValue
from handlers.notices import draw_notice
from storage.models import AuditEntry, Member, OutboxMessage
from tests.conftest import FakeClock, SlackDriver
from tests.fakes.slack import FakeSlack

ADA = "U0COORD01"    # coordinator; Slack and texts, agreed to texts
BRAM = "U0FACIL02"   # facilitator; Slack only, no phone
CLEO = "U0TRAIN03"   # trained facilitator; Slack only, a phone, no consent to texts
ESME = "U0SAFEG05"   # safeguarding lead; Slack and texts
FIN = "U0MEMBR06"    # member; Slack only, no phone
HANA = "U0HROFF07"   # HR officer; Slack only
DEV_PHONE = "+447700900104"  # Dev Patel: texts only, no Slack
STRANGER = "U0STRANGR"
WORDS = "They said they had a plan to hurt themselves."


# -- helpers -------------------------------------------------------------------------------------
def open_profile(slack: SlackDriver, user: str, words: str = "") -> dict[str, Any]:
    slack.command("/coprod", f"profile {words}".strip(), user_id=user)
    return slack.opened_view()


def answer(slack: SlackDriver, view: dict[str, Any], answers: dict[str, Any],
           user: str) -> dict[str, Any]:
    return slack.payload(slack.submit(view, answers, user_id=user))


def view_words(view: dict[str, Any]) -> str:
    return "\n".join(b["text"]["text"] for b in view["blocks"] if b.get("type") == "section")


def dms(fake_slack: FakeSlack, user: str) -> list[dict[str, Any]]:
    return [c.params for c in fake_slack.calls_to("chat.postMessage")
            if c.params["channel"] == user]


def shown(message: dict[str, Any]) -> str:
    blocks = message.get("blocks")
    parsed = json.loads(blocks) if isinstance(blocks, str) else blocks
    return message["text"] + "\n" + json.dumps(parsed, ensure_ascii=False)


def texts_to(console_sms: ConsoleSmsProvider, phone: str) -> list[str]:
    return [t.body for t in console_sms.sent if t.to == phone]


def member(runtime: Runtime, *, slack_id: str | None = None,
           phone: str | None = None) -> Member:
    with runtime.sessions() as session:
        found = session.scalar(select(Member).where(
            Member.slack_user_id == slack_id if slack_id else Member.phone == phone))
        assert found is not None
        session.expunge(found)
        return found


def audit(runtime: Runtime) -> list[tuple[str | None, str, str]]:
    with runtime.sessions() as session:
        return [(e.actor_slack_id, e.action, e.subject)
                for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def forum_reminder_at_6pm_a_week_before(runtime: Runtime, fake_slack: FakeSlack,
                                        clock: FakeClock,
                                        console_sms: ConsoleSmsProvider) -> None:
    """A forum on Tuesday 8 December at 18:00 for everyone; its invitations delivered and set
    aside; then its 7-day reminder queued at 18:00 on 1 December (GMT, so local is UTC)."""
    runtime.services.meetings.create(None, MeetingDraft(
        title="Winter forum", kind=MeetingKind.FORUM, day=date(2026, 12, 8),
        start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre",
        channel="C0FORUM"))
    runtime.dispatcher().deliver_due()
    fake_slack.calls.clear()
    console_sms._sent.clear()
    clock.now = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    assert runtime.services.reminders.send_due() == 1


def report_someone_in_danger(slack: SlackDriver) -> None:
    """An urgent incident (a serious crisis disclosure, someone in danger): leads get it now."""
    slack.command("/incident", "", user_id=BRAM)
    slack.submit(slack.opened_view(), {
        BlockId.IN_DANGER: "yes", BlockId.IN_KIND: "crisis_disclosure",
        BlockId.IN_SEVERITY: "serious", BlockId.IN_WHAT: WORDS}, user_id=BRAM)


# -- the "done when" --------------------------------------------------------------------
def test_a_member_who_switches_to_easy_read_gets_the_next_message_in_easy_read(
    slack: SlackDriver, members: Runtime, fake_slack: FakeSlack, clock: FakeClock,
    console_sms: ConsoleSmsProvider
) -> None:
    form = open_profile(slack, FIN)
    assert form["callback_id"] == CallbackId.PROFILE_FORM
    reading = next(b for b in form["blocks"] if b.get("block_id") == BlockId.PR_READING)
    assert reading["element"]["initial_option"]["value"] == Reading.STANDARD
    assert "Short sentences, one idea a line, everyday words" in json.dumps(reading)
    assert "Urgent safety messages still come" in json.dumps(form["blocks"])

    saved = answer(slack, form, {BlockId.PR_READING: Reading.EASY_READ}, FIN)
    # The answer itself is already in easy read: short lines, one idea each.
    assert saved["response_action"] == "update"
    said = view_words(saved["view"])
    assert said.splitlines()[:3] == ["Saved. Thank you.", "We send your messages by Slack.",
                                     "They are in easy read."]
    assert member(members, slack_id=FIN).reading is Reading.EASY_READ

    forum_reminder_at_6pm_a_week_before(members, fake_slack, clock, console_sms)
    members.dispatcher().deliver_due()
    fin, hana = dms(fake_slack, FIN), dms(fake_slack, HANA)
    assert len(fin) == 1 and len(hana) == 1
    assert "It is on Tuesday 8 December at 6pm." in shown(fin[0])
    assert "Can you come? Tap Going or Can't make it." in shown(fin[0])
    assert "Agenda so far" not in shown(fin[0])
    # Hana chose nothing: the standard reminder, as before.
    assert "Agenda so far" in shown(hana[0]) and "Tap Going" not in shown(hana[0])
    assert ActionId.MEETING_GOING in shown(fin[0]) and ActionId.MEETING_GOING in shown(hana[0])


def test_a_coordinator_sets_a_texts_only_member_to_easy_read_with_their_agreement(
    slack: SlackDriver, members: Runtime, fake_slack: FakeSlack, clock: FakeClock,
    console_sms: ConsoleSmsProvider
) -> None:
    dev = member(members, phone=DEV_PHONE)
    form = open_profile(slack, ADA, "Dev Patel")
    assert form["callback_id"] == CallbackId.PROFILE_FOR_FORM
    assert "How Coprod reaches *Dev Patel*" in view_words(form)
    contact = next(b for b in form["blocks"] if b.get("block_id") == BlockId.PR_CONTACT)
    # No Slack: texts are the only way, and that is what is chosen.
    assert [o["value"] for o in contact["element"]["options"]] == ["sms"]
    agreed = next(b for b in form["blocks"] if b.get("block_id") == BlockId.PR_AGREED)
    assert agreed["optional"] is False
    assert agreed["element"]["options"][0]["text"]["text"] == "They agreed to this change"

    # Without the box ticked nothing is saved, and the box says why.
    refused = answer(slack, form, {BlockId.PR_READING: Reading.EASY_READ}, ADA)
    assert refused["response_action"] == "errors"
    assert set(refused["errors"]) == {BlockId.PR_AGREED}
    assert "with their agreement" in refused["errors"][BlockId.PR_AGREED]
    assert member(members, phone=DEV_PHONE).reading is Reading.STANDARD

    saved = answer(slack, form, {BlockId.PR_READING: Reading.EASY_READ,
                                 BlockId.PR_AGREED: [OptionValue.AGREED]}, ADA)
    assert saved["response_action"] == "update"
    assert "We've told them what changed and how to change it back." in view_words(
        saved["view"])
    assert member(members, phone=DEV_PHONE).reading is Reading.EASY_READ
    # Audited: who looked, who changed whose, when; never what was chosen.
    subject = f"member:{dev.id}"
    assert audit(members) == [(ADA, "read profile", subject), (ADA, "changed profile", subject)]

    # Dev is told by text, in easy read, who changed it and how to change it back.
    members.dispatcher().deliver_due()
    told = texts_to(console_sms, DEV_PHONE)
    assert len(told) == 1
    assert told[0].startswith("Riverside Peer Support: Ada Brightwater changed how we send "
                              "you messages.")
    assert "You agreed to this." in told[0] and "Reply to this text." in told[0]
    assert fake_slack.calls_to("chat.postMessage") == []  # no Slack to send to

    # ... and the next text is in easy read too.
    forum_reminder_at_6pm_a_week_before(members, fake_slack, clock, console_sms)
    members.dispatcher().deliver_due()
    reminder = texts_to(console_sms, DEV_PHONE)
    assert len(reminder) == 1
    assert "It is on Tuesday 8 December at 6pm." in reminder[0]
    assert "Can you come? Reply YES or NO." in reminder[0]
    # Esme takes texts too and chose nothing: the standard text.
    assert any("Coming? Reply YES or NO." in t for t in texts_to(console_sms, "+447700900105"))


def test_a_screen_reader_member_gets_words_and_no_emoji(
    slack: SlackDriver, members: Runtime, fake_slack: FakeSlack
) -> None:
    form = open_profile(slack, ESME)
    saved = answer(slack, form, {BlockId.PR_SCREEN_READER: [OptionValue.SCREEN_READER]}, ESME)
    assert "Screen reader: yes, words only, no emoji" in view_words(saved["view"])
    assert not has_emoji(json.dumps(saved["view"], ensure_ascii=False))

    report_someone_in_danger(slack)
    members.dispatcher().deliver_due()
    alert = dms(fake_slack, ESME)
    assert len(alert) == 1
    sent = shown(alert[0])
    assert "They said someone may be in immediate danger." in sent
    assert not has_emoji(sent) and ":rotating_light:" not in sent
    # Drawn in the standard style, the same alert has its picture: it was left out for her.
    with members.sessions() as session:
        payload = session.scalar(select(OutboxMessage.payload)
                                 .where(OutboxMessage.target == ESME))
    notice = read_notice(payload or {})
    assert notice is not None
    assert has_emoji(json.dumps(draw_notice(notice, members.services, STANDARD)["blocks"],
                                ensure_ascii=False))


def test_quiet_hours_hold_a_reminder_until_they_end_but_never_an_urgent_alert(
    slack: SlackDriver, members: Runtime, fake_slack: FakeSlack, clock: FakeClock,
    console_sms: ConsoleSmsProvider
) -> None:
    for user in (FIN, ESME):
        saved = answer(slack, open_profile(slack, user), {BlockId.PR_QUIET_FROM: "17:00",
                                                          BlockId.PR_QUIET_UNTIL: "20:00"},
                       user)
        assert "Quiet hours: 17:00 to 20:00 (urgent safety messages still come)" in view_words(
            saved["view"])

    forum_reminder_at_6pm_a_week_before(members, fake_slack, clock, console_sms)
    report_someone_in_danger(slack)
    members.dispatcher().deliver_due()
    # 18:00: Fin's reminder waits; Hana's goes; the urgent alert reaches Esme at once.
    assert dms(fake_slack, FIN) == [] and len(dms(fake_slack, HANA)) == 1
    assert [m["text"] for m in dms(fake_slack, ESME)
            if "immediate danger" in shown(m)] != []
    assert not any("Winter forum" in m["text"] for m in dms(fake_slack, ESME))

    clock.now = datetime(2026, 12, 1, 19, 59, tzinfo=UTC)
    members.dispatcher().deliver_due()
    assert dms(fake_slack, FIN) == []
    clock.now = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
    members.dispatcher().deliver_due()
    assert len(dms(fake_slack, FIN)) == 1 and "Winter forum" in dms(fake_slack, FIN)[0]["text"]
    assert any("Winter forum" in m["text"] for m in dms(fake_slack, ESME))


# -- choosing -----------------------------------------------------------------------------------
def test_choosing_texts_needs_a_number_and_records_consent_slack_only_keeps_it(
    slack: SlackDriver, members: Runtime
) -> None:
    # Fin has no phone: a kind field error says who can add one.
    refused = answer(slack, open_profile(slack, FIN), {BlockId.PR_CONTACT: "sms"}, FIN)
    assert refused["errors"] == {BlockId.PR_CONTACT: (
        "We don't have a phone number for you yet. Please ask a coordinator to add it, then "
        "choose texts.")}

    # Cleo has a number and had not agreed to texts: choosing both records that she has.
    answer(slack, open_profile(slack, CLEO), {BlockId.PR_CONTACT: "both"}, CLEO)
    cleo = member(members, slack_id=CLEO)
    assert cleo.contact.value == "both" and cleo.has_sms_consent
    assert cleo.latest_consent is not None and cleo.latest_consent.method == "their profile"

    # Ada chooses Slack only: her consent stays (urgent texts to leads rely on it).
    before = len(member(members, slack_id=ADA).consents)
    answer(slack, open_profile(slack, ADA), {BlockId.PR_CONTACT: "slack"}, ADA)
    ada = member(members, slack_id=ADA)
    assert ada.contact.value == "slack" and ada.has_sms_consent
    assert len(ada.consents) == before


@pytest.mark.parametrize(("answers", "block", "says"), [
    ({BlockId.PR_QUIET_FROM: "21:00", BlockId.PR_QUIET_UNTIL: "21:00"},
     BlockId.PR_QUIET_UNTIL, "Quiet hours need to start and end at different times."),
    ({BlockId.PR_QUIET_FROM: "21:00"}, BlockId.PR_QUIET_UNTIL,
     "Please choose both times, or no quiet hours."),
    ({BlockId.PR_QUIET_UNTIL: "08:00"}, BlockId.PR_QUIET_FROM,
     "Please choose both times, or no quiet hours."),
])
def test_quiet_hours_that_cannot_be_kept_get_a_field_error(
    slack: SlackDriver, members: Runtime, answers: dict[str, str], block: str, says: str
) -> None:
    # "No quiet hours" is what the form shows first: choose nothing there to start afresh.
    form = open_profile(slack, BRAM)
    refused = answer(slack, form, {BlockId.PR_QUIET_FROM: None, **answers}, BRAM)
    assert refused == {"response_action": "errors", "errors": {block: says}}
    assert member(members, slack_id=BRAM).quiet_from is None


def test_no_quiet_hours_clears_them_whatever_until_still_shows(
    slack: SlackDriver, members: Runtime
) -> None:
    answer(slack, open_profile(slack, BRAM), {BlockId.PR_QUIET_FROM: "22:00",
                                              BlockId.PR_QUIET_UNTIL: "07:00"}, BRAM)
    again = open_profile(slack, BRAM)
    starts = next(b for b in again["blocks"] if b.get("block_id") == BlockId.PR_QUIET_FROM)
    assert starts["element"]["initial_option"]["value"] == "22:00"
    answer(slack, again, {BlockId.PR_QUIET_FROM: OptionValue.NO_QUIET_HOURS}, BRAM)
    bram = member(members, slack_id=BRAM)
    assert (bram.quiet_from, bram.quiet_until) == (None, None)


def test_someone_not_in_the_directory_is_told_kindly(slack: SlackDriver,
                                                     members: Runtime) -> None:
    said = slack.text_of(slack.command("/coprod", "profile", user_id=STRANGER))
    assert "not in our member list yet" in said
    assert slack.fake.calls_to("views.open") == []


def test_only_a_coordinator_may_change_someone_elses_and_a_refusal_is_audited(
    slack: SlackDriver, members: Runtime
) -> None:
    said = slack.text_of(slack.command("/coprod", "profile Dev Patel", user_id=FIN))
    assert "Only a coordinator can change someone else's profile" in said
    assert "`/coprod profile`" in said
    assert slack.fake.calls_to("views.open") == []
    assert audit(members) == [(FIN, "refused find profile", "profiles")]

    # A form for someone, sent by a person who no longer holds the role, changes nothing.
    dev = member(members, phone=DEV_PHONE)
    form = open_profile(slack, ADA, "Dev Patel")
    members.services.members.import_csv(
        "name,slack_user_id,phone,roles,contact,sms_consent\n"
        "Ada Brightwater,U0COORD01,07700 900101,facilitator;trained,both,yes\n")
    gone = answer(slack, form, {BlockId.PR_READING: Reading.EASY_READ,
                                BlockId.PR_AGREED: [OptionValue.AGREED]}, ADA)
    assert "Only a coordinator can change someone else's profile" in view_words(gone["view"])
    assert member(members, phone=DEV_PHONE).reading is Reading.STANDARD
    assert audit(members)[-1] == (ADA, "refused change profile", f"member:{dev.id}")


def test_a_coordinator_names_someone_by_mention_or_chooses_them_from_a_list(
    slack: SlackDriver, members: Runtime, fake_slack: FakeSlack
) -> None:
    by_mention = open_profile(slack, ADA, "<@U0FACIL02|bram>")
    assert "How Coprod reaches *Bram Okonkwo*" in view_words(by_mention)
    by_first_name = open_profile(slack, ADA, "@fin")
    assert "How Coprod reaches *Fin Rowe*" in view_words(by_first_name)
    # Their own name is their own form: no agreement to ask, nobody to tell.
    assert open_profile(slack, ADA, "Ada Brightwater")["callback_id"] == CallbackId.PROFILE_FORM

    picker = open_profile(slack, ADA, "someone")
    assert picker["callback_id"] == CallbackId.PROFILE_PICK_FORM
    people = next(b for b in picker["blocks"] if b.get("block_id") == BlockId.PR_MEMBER)
    names = {o["text"]["text"]: o["value"] for o in people["element"]["options"]}
    assert {"Dev Patel", "Fin Rowe", "Tom Reyes"} <= set(names)
    chosen = answer(slack, picker, {BlockId.PR_MEMBER: names["Dev Patel"]}, ADA)
    assert chosen["response_action"] == "update"
    form = {**chosen["view"], "id": picker["id"]}  # an update keeps the modal's id
    assert form["callback_id"] == CallbackId.PROFILE_FOR_FORM
    saved = answer(slack, form, {BlockId.PR_QUIET_FROM: "21:00", BlockId.PR_QUIET_UNTIL: "08:00",
                                 BlockId.PR_AGREED: [OptionValue.AGREED]}, ADA)
    assert "Quiet hours: 21:00 to 08:00" in view_words(saved["view"])
    dev = member(members, phone=DEV_PHONE)
    assert (dev.quiet_from, dev.quiet_until) == (time(21), time(8))


def test_a_slack_member_changed_by_a_coordinator_is_told_by_dm_in_their_new_style(
    slack: SlackDriver, members: Runtime, fake_slack: FakeSlack
) -> None:
    form = open_profile(slack, ADA, "Fin Rowe")
    answer(slack, form, {BlockId.PR_READING: Reading.EASY_READ,
                         BlockId.PR_SCREEN_READER: [OptionValue.SCREEN_READER],
                         BlockId.PR_AGREED: [OptionValue.AGREED]}, ADA)
    members.dispatcher().deliver_due()
    told = dms(fake_slack, FIN)
    assert len(told) == 1
    assert told[0]["text"] == "Ada Brightwater changed how we send you messages"
    words = shown(told[0])
    assert "They have words only, no emoji." in words and "Type /coprod profile." in words
    assert not has_emoji(words)


def test_app_home_shows_how_we_reach_you_and_change_opens_the_form(
    slack: SlackDriver, members: Runtime, fake_slack: FakeSlack
) -> None:
    slack.event({"type": "app_home_opened", "user": HANA, "tab": "home"})
    home = fake_slack.calls_to("views.publish")[-1].params["view"]
    reach = next(b for b in home["blocks"] if b.get("block_id") == BlockId.PR_HOME)
    assert "*How we reach you*\nMessages come by: Slack" in reach["text"]["text"]
    assert home["blocks"][-1]["type"] == "context" and "999" in json.dumps(home["blocks"][-1])

    slack.interactive({
        "type": "block_actions", "team": {"id": "T0EXAMPLE"}, "user": {"id": HANA},
        "api_app_id": "A0COPROD", "trigger_id": "1337.46.abcd",
        "container": {"type": "view", "view_id": "V0HOME"},
        "view": {"type": "home", "id": "V0HOME", "hash": "1.abc", "state": {"values": {}},
                 "blocks": home["blocks"]},
        "actions": [{"type": "button", "action_id": ActionId.PROFILE_CHANGE,
                     "block_id": BlockId.PR_HOME, "value": "mine",
                     "action_ts": "1700000000.4"}]})
    form = slack.opened_view()
    assert form["callback_id"] == CallbackId.PROFILE_FORM
    answer(slack, form, {BlockId.PR_READING: Reading.EASY_READ}, HANA)
    # Home is published again at once with what she chose, in her new style.
    again = fake_slack.calls_to("views.publish")[-1].params["view"]
    reach = next(b for b in again["blocks"] if b.get("block_id") == BlockId.PR_HOME)
    assert "They are in easy read." in reach["text"]["text"]


def test_help_whoami_and_mydata_show_the_profile(slack: SlackDriver, members: Runtime) -> None:
    assert "`/coprod profile`" in slack.text_of(slack.command("/coprod", "help",
                                                              user_id=HANA))
    answer(slack, open_profile(slack, HANA), {BlockId.PR_READING: Reading.EASY_READ,
                                              BlockId.PR_QUIET_FROM: "21:00",
                                              BlockId.PR_QUIET_UNTIL: "08:00"}, HANA)
    whoami = slack.text_of(slack.command("/coprod", "whoami", user_id=HANA))
    assert "Messages: easy read" in whoami and "Quiet hours: 21:00 to 08:00" in whoami
    data = members.services.privacy.my_data(HANA)["member"]
    assert (data["reading"], data["screen_reader"], data["quiet_hours"]) == (
        "easy_read", False, "21:00-08:00")
    mydata = slack.text_of(slack.command("/coprod", "mydata", user_id=HANA))
    assert "Messages: easy read · Quiet hours: 21:00 to 08:00" in mydata
