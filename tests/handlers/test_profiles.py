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
from handlers.blocks.text import crisis_footer
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


def footer(runtime: Runtime) -> dict[str, Any]:
    return crisis_footer(runtime.services.settings.coprod_crisis_line)


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


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
    assert form["title"]["text"] == "How we reach Dev Patel"
    assert "How Coprod reaches *Dev Patel*" in view_words(form)
    assert "we'll tell them what changed and how to change it back" in view_words(form)
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
    # Queued, not yet sent (it may wait for quiet hours): said as what will happen.
    said = view_words(saved["view"])
    assert "We'll tell them what changed and how to change it back." in said
    assert "We've told them" not in said
    assert saved["view"]["title"]["text"] == "How we reach Dev Patel"
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
    # Others may see a text on a shared phone: how he reads is not in it.
    assert "easy read" not in told[0].lower() and "We send your messages by text." in told[0]
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
    assert not has_emoji(sent) and "\U0001f6a8" not in sent
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
    for user, takes_texts in ((FIN, False), (ESME, True)):
        saved = view_words(answer(slack, open_profile(slack, user),
                                  {BlockId.PR_QUIET_FROM: "17:00",
                                   BlockId.PR_QUIET_UNTIL: "20:00"}, user)["view"])
        assert ("Quiet hours: 17:00 to 20:00 (your own; urgent safety messages still come)"
                in saved)
        # Texts wait for the organisation's quiet hours too, and saying so is the truth.
        assert ("Texts also wait for the organisation's quiet hours: 21:00 to 09:00, 10:00 at "
                "weekends" in saved) is takes_texts

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
    assert "They are in easy read." in words  # the DM is his alone: it may say so
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


# -- a coordinator's form: truthful, and about them ---------------------------------------------
def test_the_coordinator_is_told_what_will_happen_when_the_notice_waits_for_quiet_hours(
    slack: SlackDriver, members: Runtime, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    # Fin's quiet hours cover now (10:00): the notice waits in the outbox until they end.
    answer(slack, open_profile(slack, FIN), {BlockId.PR_QUIET_FROM: "09:00",
                                             BlockId.PR_QUIET_UNTIL: "12:00"}, FIN)
    saved = answer(slack, open_profile(slack, ADA, "Fin Rowe"), {
        BlockId.PR_READING: Reading.EASY_READ, BlockId.PR_AGREED: [OptionValue.AGREED]}, ADA)
    said = view_words(saved["view"])
    assert "We'll tell them what changed and how to change it back." in said
    assert "We've told them" not in said
    members.dispatcher().deliver_due()
    assert dms(fake_slack, FIN) == []  # not told yet: "we've told them" would be untrue
    clock.now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    members.dispatcher().deliver_due()
    assert [m["text"] for m in dms(fake_slack, FIN)] == [
        "Ada Brightwater changed how we send you messages"]


def test_someone_we_cannot_reach_at_all_is_to_be_told_in_person(
    slack: SlackDriver, members: Runtime, console_sms: ConsoleSmsProvider
) -> None:
    members.services.texting.receive(DEV_PHONE, "STOP")  # no Slack, and no texts now
    sent_before = len(console_sms.sent)
    form = open_profile(slack, ADA, "Dev Patel")
    intro = view_words(form)
    assert "we have no way to message them (they don't use Slack with us, and they haven't " \
           "agreed to texts)" in intro
    assert "in person if you can" in intro and "we'll tell them" not in intro
    saved = answer(slack, form, {BlockId.PR_READING: Reading.EASY_READ,
                                 BlockId.PR_AGREED: [OptionValue.AGREED]}, ADA)
    said = view_words(saved["view"])
    assert ("We have no way to message them: they don't use Slack with us, and they haven't "
            "agreed to texts. Please tell them yourself what changed, in person if you "
            "can.") in said
    assert "We'll tell them" not in said
    members.dispatcher().deliver_due()
    assert console_sms.sent[sent_before:] == []


def test_a_coordinator_in_easy_read_is_told_the_same_in_easy_read(
    slack: SlackDriver, members: Runtime
) -> None:
    answer(slack, open_profile(slack, ADA), {BlockId.PR_READING: Reading.EASY_READ}, ADA)
    saved = answer(slack, open_profile(slack, ADA, "Fin Rowe"), {
        BlockId.PR_SCREEN_READER: [OptionValue.SCREEN_READER],
        BlockId.PR_AGREED: [OptionValue.AGREED]}, ADA)
    lines = view_words(saved["view"]).splitlines()
    assert lines[0] == "Saved for Fin Rowe."
    assert lines[-2:] == ["We will tell them what changed.", "And how to change it back."]


def test_the_text_about_a_change_leaves_out_how_they_read(
    slack: SlackDriver, members: Runtime, console_sms: ConsoleSmsProvider
) -> None:
    # Standard style, a screen reader and quiet hours: the text says how and when only.
    answer(slack, open_profile(slack, ADA, "Dev Patel"), {
        BlockId.PR_SCREEN_READER: [OptionValue.SCREEN_READER],
        BlockId.PR_QUIET_FROM: "21:00", BlockId.PR_QUIET_UNTIL: "08:00",
        BlockId.PR_AGREED: [OptionValue.AGREED]}, ADA)
    members.dispatcher().deliver_due()
    told = texts_to(console_sms, DEV_PHONE)
    assert len(told) == 1
    assert "Now: by text, no messages 21:00-08:00." in told[0]
    for private in ("standard", "easy read", "screen", "emoji"):
        assert private not in told[0].lower()


def test_the_form_for_someone_names_them_within_slacks_title(
    slack: SlackDriver, members: Runtime
) -> None:
    members.services.members.import_csv("name,slack_user_id,phone,roles,contact,sms_consent\n"
                                        "Bartholomew Okonkwo-Smith,U0LONGNM9,,member,slack,no\n")
    form = open_profile(slack, ADA, "Bartholomew")
    assert form["title"]["text"] == "How we reach them"  # the whole name is over 24
    assert view_words(form).startswith("How Coprod reaches *Bartholomew Okonkwo-Smith*.")
    saved = answer(slack, form, {BlockId.PR_SCREEN_READER: [OptionValue.SCREEN_READER],
                                 BlockId.PR_AGREED: [OptionValue.AGREED]}, ADA)
    assert saved["view"]["title"]["text"] == "How we reach them"
    assert "How we reach Bartholomew Okonkwo-Smith now" in view_words(saved["view"])
    for short in (open_profile(slack, ADA, "Fin"), open_profile(slack, ADA, "Tom Reyes")):
        assert short["title"]["text"] in ("How we reach Fin Rowe", "How we reach Tom Reyes")
        assert len(short["title"]["text"]) <= 24
    assert open_profile(slack, FIN)["title"]["text"] == "How we reach you"


def test_a_missing_number_is_explained_to_whoever_can_add_it(
    slack: SlackDriver, members: Runtime
) -> None:
    def described(form: dict[str, Any]) -> dict[str, str]:
        return {o["value"]: o.get("description", {}).get("text", "")
                for o in block(form, BlockId.PR_CONTACT)["element"]["options"]}

    theirs = described(open_profile(slack, ADA, "Fin Rowe"))  # Fin has no phone
    add = "Needs their phone number: add it to the members CSV (coprod members import)"
    assert theirs == {"slack": "", "sms": add, "both": add}
    assert len(add) <= 75  # Slack's longest option description
    mine = described(open_profile(slack, FIN))
    assert mine["sms"] == "Needs a phone number: a coordinator can add it"


# -- quiet hours: a pair ------------------------------------------------------------------------
def test_quiet_hours_read_as_a_pair_and_no_quiet_hours_in_either_list_means_none(
    slack: SlackDriver, members: Runtime
) -> None:
    form = open_profile(slack, BRAM)
    for block_id in (BlockId.PR_QUIET_FROM, BlockId.PR_QUIET_UNTIL):
        hours = block(form, block_id)
        # Nothing chosen while there are none, so a time chosen alone is asked about.
        assert "initial_option" not in hours["element"]
        assert hours["element"]["options"][0] == {
            "text": {"type": "plain_text", "text": "No quiet hours", "emoji": True},
            "value": OptionValue.NO_QUIET_HOURS}
        assert "Choose both times, or No quiet hours." in hours["hint"]["text"]
    assert block(form, BlockId.PR_QUIET_FROM)["label"]["text"] == (
        "Quiet hours: don't message me from")
    assert block(form, BlockId.PR_QUIET_UNTIL)["label"]["text"] == "Quiet hours: until"

    # A start time alone: the "until" list says what it needs.
    refused = answer(slack, form, {BlockId.PR_QUIET_FROM: "21:00"}, BRAM)
    assert refused == {"response_action": "errors", "errors": {
        BlockId.PR_QUIET_UNTIL: "Please choose both times, or no quiet hours."}}

    answer(slack, form, {BlockId.PR_QUIET_FROM: "22:00", BlockId.PR_QUIET_UNTIL: "07:00"},
           BRAM)
    again = open_profile(slack, BRAM)
    assert block(again, BlockId.PR_QUIET_UNTIL)["element"]["initial_option"]["value"] == "07:00"
    # "No quiet hours" in the second list, the first still showing 22:00: none.
    saved = answer(slack, again, {BlockId.PR_QUIET_UNTIL: OptionValue.NO_QUIET_HOURS}, BRAM)
    assert "Quiet hours: none" in view_words(saved["view"])
    bram = member(members, slack_id=BRAM)
    assert (bram.quiet_from, bram.quiet_until) == (None, None)


# -- naming someone -----------------------------------------------------------------------------
def test_a_name_that_fits_nobody_says_so_and_offers_the_list(
    slack: SlackDriver, members: Runtime
) -> None:
    picker = open_profile(slack, ADA, "Nobody Here")
    assert picker["callback_id"] == CallbackId.PROFILE_PICK_FORM
    said = view_words(picker)
    assert said.startswith('Nobody called "Nobody Here" is in our member list.')
    names = [o["text"]["text"] for o in block(picker, BlockId.PR_MEMBER)["element"]["options"]]
    assert "Dev Patel" in names and "Fin Rowe" in names
    note = json.dumps(picker["blocks"])
    # Not circular: no "type /coprod profile and their name" after just doing that.
    assert "their name." not in note and "coprod members import" in note

    escaped = view_words(open_profile(slack, ADA, "Nobody <b>Here</b> & co <!channel>"))
    assert ('Nobody called "Nobody &lt;b&gt;Here&lt;/b&gt; &amp; co &lt;!channel&gt;"'
            in escaped)


def test_a_name_that_fits_several_asks_which_one(slack: SlackDriver, members: Runtime) -> None:
    members.services.members.import_csv("name,slack_user_id,phone,roles,contact,sms_consent\n"
                                        "Dev Morgan,U0DEVM009,,member,slack,no\n")
    picker = open_profile(slack, ADA, "dev")
    assert view_words(picker).startswith(
        'More than one member is called "dev". Choose the one you mean.')


def test_a_long_member_list_says_who_it_leaves_out(slack: SlackDriver, members: Runtime) -> None:
    rows = "".join(f"Zed Member {n:03d},U0ZED{n:04d},,member,slack,no\n" for n in range(100))
    members.services.members.import_csv("name,slack_user_id,phone,roles,contact,sms_consent\n"
                                        + rows)
    picker = open_profile(slack, ADA, "Nobody Here")
    assert len(block(picker, BlockId.PR_MEMBER)["element"]["options"]) == 100
    assert "The list shows the first 100 members by name." in json.dumps(picker["blocks"])


@pytest.mark.parametrize("words", ["@Fin", "@Fin Rowe", "@fin rowe", "Fin"])
def test_a_typed_at_name_finds_them_as_slack_sends_it_unescaped(
    slack: SlackDriver, members: Runtime, words: str
) -> None:
    # /coprod has should_escape false: Slack sends "@Fin Rowe" as typed, not <@U...>.
    form = open_profile(slack, ADA, words)
    assert form["callback_id"] == CallbackId.PROFILE_FOR_FORM
    assert view_words(form).startswith("How Coprod reaches *Fin Rowe*.")


def test_a_slack_handle_that_is_not_their_name_gets_the_list(
    slack: SlackDriver, members: Runtime
) -> None:
    picker = open_profile(slack, ADA, "@fin.rowe")
    assert picker["callback_id"] == CallbackId.PROFILE_PICK_FORM
    assert view_words(picker).startswith('Nobody called "@fin.rowe" is in our member list.')


# -- the crisis line, on everything a person reads ----------------------------------------------
def test_every_profile_form_answer_and_refusal_ends_with_the_crisis_line(
    slack: SlackDriver, members: Runtime
) -> None:
    crisis = footer(members)
    mine = open_profile(slack, FIN)
    theirs = open_profile(slack, ADA, "Dev Patel")
    picker = open_profile(slack, ADA, "Nobody Here")
    for form in (mine, theirs, picker):
        assert form["blocks"][-1] == crisis
    saved = answer(slack, mine, {BlockId.PR_READING: Reading.EASY_READ}, FIN)
    saved_for = answer(slack, theirs, {BlockId.PR_SCREEN_READER: [OptionValue.SCREEN_READER],
                                       BlockId.PR_AGREED: [OptionValue.AGREED]}, ADA)
    for done in (saved, saved_for):
        assert done["view"]["blocks"][-1] == crisis

    # Refusals: not in the list, not a coordinator, and a form whose sender lost the role.
    for user, words in ((STRANGER, ""), (FIN, "Dev Patel")):
        refused = slack.payload(slack.command("/coprod", f"profile {words}".strip(),
                                              user_id=user))
        assert refused["blocks"][-1] == crisis
    form = open_profile(slack, ADA, "Fin Rowe")
    members.services.members.import_csv(
        "name,slack_user_id,phone,roles,contact,sms_consent\n"
        "Ada Brightwater,U0COORD01,07700 900101,facilitator;trained,both,yes\n")
    gone = answer(slack, form, {BlockId.PR_AGREED: [OptionValue.AGREED]}, ADA)
    assert gone["view"]["blocks"][-1] == crisis
    assert "Only a coordinator can change" in view_words(gone["view"])
