"""The outbox dispatcher against the loopback fake Slack and fake Twilio."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.delivery.dispatcher import Dispatcher, ready_made
from bot.delivery.slack import SlackSender
from bot.delivery.sms import ConsoleSmsProvider
from bot.delivery.twilio import TwilioSmsProvider
from bot.wiring import Runtime
from storage.models import OutboxChannel, OutboxMessage, OutboxStatus
from storage.repositories import MemberRepository, OutboxRepository
from tests.conftest import FakeClock
from tests.fakes.slack import Failure, FakeSlack
from tests.fakes.twilio import FakeTwilio

NOTICE = {"text": "A session needs one more facilitator",
          "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Needs one more"}}]}


def enqueue(runtime: Runtime, key: str, channel: OutboxChannel, target: str,
            payload: dict[str, object] | None = None, **extra: object) -> None:
    with runtime.sessions.begin() as session:
        OutboxRepository(session).enqueue(
            key=key, channel=channel, target=target, payload=payload or NOTICE,
            now=runtime.services.clock(), **extra)  # type: ignore[arg-type]


def row(runtime: Runtime, key: str) -> OutboxMessage:
    with runtime.sessions() as session:
        found = OutboxRepository(session).get_by_key(key)
        assert found is not None
        return found


def test_a_dm_is_delivered_once_and_rerunning_sends_nothing_twice(
    runtime: Runtime, fake_slack: FakeSlack
) -> None:
    enqueue(runtime, "coverage:41:U0COORD01", OutboxChannel.SLACK_DM, "U0COORD01")
    dispatcher = runtime.dispatcher()
    assert dispatcher.deliver_due().sent == 1
    assert dispatcher.deliver_due().handled == 0
    # Queuing the same notification again is a no-op: the key stops a second send.
    enqueue(runtime, "coverage:41:U0COORD01", OutboxChannel.SLACK_DM, "U0COORD01")
    assert dispatcher.deliver_due().handled == 0

    posts = fake_slack.calls_to("chat.postMessage")
    assert len(posts) == 1
    assert posts[0].params["channel"] == "U0COORD01"
    assert posts[0].params["text"] == NOTICE["text"]
    assert posts[0].headers["authorization"] == "Bearer xoxb-test-token"
    sent = row(runtime, "coverage:41:U0COORD01")
    assert sent.status is OutboxStatus.SENT
    # Where the DM now lives, so that a later chat.update can find it.
    assert sent.delivered_ref is not None
    assert sent.delivered_ref.startswith("D0COORD01:1700000000.")


def test_delivered_once_through_a_429_honouring_retry_after(
    runtime: Runtime, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    # The dispatcher does not sleep through a 429: it reschedules that message for after
    # Retry-After (or its own backoff, if longer) and carries on with the others.
    fake_slack.fail_next("chat.postMessage", Failure(status=429, retry_after=40))
    enqueue(runtime, "reminder:7", OutboxChannel.SLACK_CHANNEL, "C0SESSION")
    enqueue(runtime, "reminder:7b", OutboxChannel.SLACK_CHANNEL, "C0OTHER")
    dispatcher = runtime.dispatcher()
    report = dispatcher.deliver_due()
    assert (report.sent, report.retrying) == (1, 1)
    # The two channels are sent at once: whichever reached Slack first was refused.
    [waiting] = [r for r in (row(runtime, "reminder:7"), row(runtime, "reminder:7b"))
                 if r.status is OutboxStatus.PENDING]
    assert waiting.next_attempt_at == clock.now + timedelta(seconds=40)
    clock.advance(seconds=39)
    assert dispatcher.deliver_due().handled == 0
    clock.advance(seconds=1)
    assert dispatcher.deliver_due().sent == 1
    attempts = [c.status for c in fake_slack.calls_to("chat.postMessage", ok_only=False)
                if c.params["channel"] == waiting.target]
    assert attempts == [429, 200]


def test_the_apps_own_calls_wait_out_a_429(fake_slack: FakeSlack) -> None:
    from bot.delivery.slack import make_web_client

    fake_slack.fail_next("views.open", Failure(status=429, retry_after=0))
    client = make_web_client("xoxb-test", fake_slack.api_url)
    response = client.views_open(trigger_id="t", view={"type": "modal", "blocks": []})
    assert response["ok"] is True
    assert [c.status for c in fake_slack.calls_to("views.open", ok_only=False)] == [429, 200]


def test_persistent_rate_limit_waits_then_delivers_once(
    runtime: Runtime, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    fake_slack.fail_next("chat.postMessage", Failure(status=429, retry_after=0), times=2)
    enqueue(runtime, "reminder:8", OutboxChannel.SLACK_CHANNEL, "C0SESSION")
    dispatcher = runtime.dispatcher()
    assert dispatcher.deliver_due().retrying == 1
    waiting = row(runtime, "reminder:8")
    assert waiting.status is OutboxStatus.PENDING
    assert waiting.last_error == "Slack rate limit"
    assert waiting.next_attempt_at == clock.now + timedelta(seconds=15)
    assert dispatcher.deliver_due().handled == 0  # not due yet
    clock.advance(seconds=15)
    assert dispatcher.deliver_due().retrying == 1  # rate limited again
    clock.advance(seconds=30)
    assert dispatcher.deliver_due().sent == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert row(runtime, "reminder:8").attempts == 3


def test_server_errors_are_retried_with_backoff(
    runtime: Runtime, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    fake_slack.fail_next("chat.postMessage", Failure(status=500), times=3)
    enqueue(runtime, "notice:9", OutboxChannel.SLACK_DM, "U0FACIL02")
    dispatcher = runtime.dispatcher()
    assert dispatcher.deliver_due().retrying == 1
    assert row(runtime, "notice:9").last_error == "Slack server error 500"
    clock.advance(seconds=15)
    assert dispatcher.deliver_due().sent == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_a_permanent_error_is_failed_with_its_reason_and_shown_to_coordinators(
    members: Runtime, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    fake_slack.fail_next("chat.postMessage", Failure(error="channel_not_found"))
    enqueue(members, "post:10", OutboxChannel.SLACK_CHANNEL, "C0GONE")
    assert members.dispatcher().deliver_due().failed == 1
    failed = row(members, "post:10")
    assert failed.status is OutboxStatus.FAILED
    assert failed.last_error == "Slack refused: channel_not_found"
    overview = members.services.deliveries.overview_for("U0COORD01")
    assert overview.failed == 1
    assert overview.recent_failures[0].reason == "Slack refused: channel_not_found"
    assert overview.recent_failures[0].recipient == "channel C0GONE"


def test_gives_up_after_the_most_attempts(
    runtime: Runtime, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    dispatcher = Dispatcher(runtime.sessions, SlackSender(runtime.client), runtime.sms, clock,
                            max_attempts=2, render=ready_made)
    fake_slack.fail_next("chat.postMessage", Failure(status=503), times=6)
    enqueue(runtime, "notice:11", OutboxChannel.SLACK_DM, "U0FACIL02")
    assert dispatcher.deliver_due().retrying == 1
    clock.advance(minutes=5)
    assert dispatcher.deliver_due().failed == 1
    assert row(runtime, "notice:11").last_error == "gave up after 2 tries: Slack server error 503"


def test_an_update_waits_for_the_message_it_changes(
    runtime: Runtime, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    enqueue(runtime, "card:12:v2", OutboxChannel.SLACK_UPDATE, "outbox:card:12",
            {"text": "covered", "blocks": []})
    enqueue(runtime, "card:12", OutboxChannel.SLACK_CHANNEL, "C0SESSION", deliver_at=clock.now
            + timedelta(seconds=1))
    dispatcher = runtime.dispatcher()
    assert dispatcher.deliver_due().retrying == 1  # the card is not posted yet
    clock.advance(seconds=20)
    dispatcher.deliver_due()
    clock.advance(seconds=60)
    dispatcher.deliver_due()
    post = fake_slack.calls_to("chat.postMessage")[0]
    update = fake_slack.calls_to("chat.update")
    assert len(update) == 1
    assert update[0].params["channel"] == "C0SESSION"
    assert update[0].params["ts"] == row(runtime, "card:12").delivered_ref.split(":")[1]
    assert post.params["channel"] == "C0SESSION"


def test_a_notification_past_its_moment_is_not_sent(
    runtime: Runtime, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    enqueue(runtime, "reminder:13", OutboxChannel.SLACK_CHANNEL, "C0SESSION",
            not_after=clock.now + timedelta(minutes=30))
    clock.advance(hours=1)
    assert runtime.dispatcher().deliver_due().failed == 1
    assert fake_slack.calls_to("chat.postMessage") == []
    assert row(runtime, "reminder:13").last_error == "too late to send"


def test_a_crashed_run_is_picked_up_after_its_lease(
    runtime: Runtime, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    enqueue(runtime, "notice:14", OutboxChannel.SLACK_DM, "U0FACIL02")
    dispatcher = runtime.dispatcher()
    claimed = dispatcher._claim()  # a run that claimed, then died before sending
    assert [c.target for c in claimed] == ["U0FACIL02"]
    assert dispatcher.deliver_due().handled == 0
    clock.advance(minutes=3)
    assert dispatcher.deliver_due().sent == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def sms_member_id(runtime: Runtime, phone: str) -> str:
    with runtime.sessions() as session:
        member = MemberRepository(session).get_by_phone(phone)
        assert member is not None
        return str(member.id)


def test_texts_go_only_to_members_who_agreed(
    members: Runtime, console_sms: ConsoleSmsProvider
) -> None:
    dev = sms_member_id(members, "+447700900104")  # sms, consent yes
    enqueue(members, "text:dev", OutboxChannel.SMS, dev,
            {"text": "Riverside Peer Support: forum Tue 18:00, Hope Centre. Reply YES or NO."})
    members.services.members.import_csv(
        "name,slack_user_id,phone,roles,contact,sms_consent\n"
        "Gus Lane,,07700 900107,member,sms,no\n")
    gus = sms_member_id(members, "+447700900107")
    enqueue(members, "text:gus", OutboxChannel.SMS, gus, {"text": "Riverside: forum Tue"})
    report = members.dispatcher().deliver_due()
    assert (report.sent, report.failed) == (1, 1)
    assert [(t.to, t.body) for t in console_sms.sent] == [
        ("+447700900104",
         "Riverside Peer Support: forum Tue 18:00, Hope Centre. Reply YES or NO.")]
    assert row(members, "text:gus").last_error == "no consent to text this member"


@pytest.fixture
def twilio(fake_twilio: FakeTwilio) -> TwilioSmsProvider:
    return TwilioSmsProvider("AC0000000000000000000000000000test", fake_twilio.auth_token,
                             "+447700900999", api_url=fake_twilio.url,
                             status_callback="https://coprod.example.org/sms/status")


def test_texts_through_twilio_carry_a_validity_period(
    members: Runtime, fake_twilio: FakeTwilio, twilio: TwilioSmsProvider, clock: FakeClock
) -> None:
    dispatcher = Dispatcher(members.sessions, SlackSender(members.client), twilio, clock,
                            render=ready_made)
    dev = sms_member_id(members, "+447700900104")
    enqueue(members, "text:dev:2", OutboxChannel.SMS, dev, {"text": "Riverside: forum Tue 18:00"},
            not_after=clock.now + timedelta(days=30))
    assert dispatcher.deliver_due().sent == 1
    [text] = fake_twilio.texts
    assert text.params["To"] == "+447700900104"
    assert text.params["From"] == "+447700900999"
    assert text.params["Body"] == "Riverside: forum Tue 18:00"
    assert text.params["StatusCallback"] == "https://coprod.example.org/sms/status"
    assert text.params["ValidityPeriod"] == "36000"
    assert row(members, "text:dev:2").delivered_ref.startswith("SM")


def test_an_opted_out_number_fails_for_good(
    members: Runtime, fake_twilio: FakeTwilio, twilio: TwilioSmsProvider, clock: FakeClock
) -> None:
    fake_twilio.refuse_next(400, 21610)
    dispatcher = Dispatcher(members.sessions, SlackSender(members.client), twilio, clock,
                            render=ready_made)
    dev = sms_member_id(members, "+447700900104")
    enqueue(members, "text:dev:3", OutboxChannel.SMS, dev, {"text": "Riverside: forum"})
    assert dispatcher.deliver_due().failed == 1
    assert row(members, "text:dev:3").last_error == "Twilio refused: error 21610"
    assert fake_twilio.texts == []


def test_a_batch_sent_by_several_threads_keeps_each_places_order(
    runtime: Runtime, fake_slack: FakeSlack
) -> None:
    for n in range(5):
        enqueue(runtime, f"card:{n}", OutboxChannel.SLACK_CHANNEL, "C0TUESDAY",
                {"text": f"Card {n}"})
        for person in range(6):
            enqueue(runtime, f"dm:{n}:{person}", OutboxChannel.SLACK_DM, f"U0P{person:06d}",
                    {"text": f"Note {n}"})
    report = Dispatcher(runtime.sessions, SlackSender(runtime.client), ConsoleSmsProvider(),
                        runtime.services.clock, senders=8, render=ready_made).deliver_due()
    assert report.sent == 35
    posts = [c.params for c in fake_slack.calls_to("chat.postMessage")]
    assert [p["text"] for p in posts if p["channel"] == "C0TUESDAY"] == \
        [f"Card {n}" for n in range(5)]
    for person in range(6):
        assert [p["text"] for p in posts if p["channel"] == f"U0P{person:06d}"] == \
            [f"Note {n}" for n in range(5)]


def test_the_daily_cap_holds_when_several_threads_text_at_once(
    members: Runtime, fake_slack: FakeSlack
) -> None:
    with members.sessions() as session:
        texters = [m.id for m in MemberRepository(session).list_all() if m.has_sms_consent]
    assert len(texters) == 3
    for member_id in texters:
        enqueue(members, f"invite:{member_id}", OutboxChannel.SMS, str(member_id),
                {"text": "Riverside: community meeting Thursday 6pm. Reply YES or NO."})
    texts = ConsoleSmsProvider(echo=False)
    report = Dispatcher(members.sessions, SlackSender(members.client), texts,
                        members.services.clock, sms_daily_cap=2, senders=8,
                        render=ready_made).deliver_due()
    assert (report.sent, report.held) == (2, 1)
    assert len(texts.sent) == 2


@pytest.mark.parametrize("batch_size", [1, 2])
def test_the_daily_cap_counts_the_texts_of_earlier_batches(
    members: Runtime, fake_slack: FakeSlack, batch_size: int
) -> None:
    with members.sessions() as session:
        texters = [m.id for m in MemberRepository(session).list_all() if m.has_sms_consent]
    for member_id in texters:
        enqueue(members, f"invite:{member_id}", OutboxChannel.SMS, str(member_id),
                {"text": "Riverside: community meeting Thursday 6pm. Reply YES or NO."})
    texts = ConsoleSmsProvider(echo=False)
    report = Dispatcher(members.sessions, SlackSender(members.client), texts,
                        members.services.clock, sms_daily_cap=2, batch_size=batch_size,
                        render=ready_made).deliver_due()
    assert (report.sent, report.held) == (2, 1)
    assert len(texts.sent) == 2


def test_a_text_is_not_sent_to_someone_who_withdrew_consent_after_it_was_queued(
    members: Runtime, console_sms: ConsoleSmsProvider
) -> None:
    dev = sms_member_id(members, "+447700900104")
    enqueue(members, "text:dev:later", OutboxChannel.SMS, dev, {"text": "Riverside: forum Tue"})
    members.services.members.import_csv(
        "name,slack_user_id,phone,roles,contact,sms_consent\n"
        "Dev Patel,,07700 900104,member,sms,no\n")
    assert members.dispatcher().deliver_due().failed == 1
    assert console_sms.sent == []
    assert row(members, "text:dev:later").last_error == "no consent to text this member"


def test_a_notice_is_drawn_from_the_state_at_delivery_not_when_it_was_queued(
    members: Runtime, fake_slack: FakeSlack
) -> None:
    from bot.rules.incidents import IncidentForm, IncidentKind, Severity

    incidents = members.services.incidents
    reported = incidents.report(IncidentForm(IncidentKind.CRISIS, Severity.SERIOUS,
                                             "Needs someone today", danger=False), "U0FACIL02")
    incidents.acknowledge(reported.incident_id, "U0SAFEG05")  # before anything was sent
    members.dispatcher().deliver_due()
    [alert] = [c.params for c in fake_slack.calls_to("chat.postMessage")
               if c.params["channel"] == "U0SAFEG05"]
    buttons = [b for b in alert["blocks"] if b["type"] == "actions"]
    assert "acknowledged" in alert["text"] and "Acknowledge" not in json.dumps(buttons)
    assert "999" in json.dumps(alert["blocks"][-1])  # the crisis line, last, on every message
    with members.sessions() as session:
        stored = [r.payload for r in session.query(OutboxMessage)]
    # The outbox holds what happened, never the words of the report.
    assert {"notice": "incident.alert", "incident_id": reported.incident_id, "level": 0} in stored
    assert "Needs someone today" not in json.dumps(stored)


def test_a_notice_about_something_gone_is_skipped_and_the_batch_goes_on(
    members: Runtime, fake_slack: FakeSlack
) -> None:
    from bot.services.incidents import IncidentAlert

    gone = IncidentAlert(incident_id=999, level=0)
    enqueue(members, gone.key("dm:U0SAFEG05"), OutboxChannel.SLACK_DM, "U0SAFEG05",
            gone.to_payload())
    enqueue(members, "plain:1", OutboxChannel.SLACK_DM, "U0COORD01")
    report = members.dispatcher().deliver_due()
    assert (report.sent, report.failed, report.skipped) == (1, 0, 1)
    skipped = row(members, gone.key("dm:U0SAFEG05"))
    assert skipped.status is OutboxStatus.SKIPPED and skipped.last_error == "no longer needed"
    assert [c.params["channel"] for c in fake_slack.calls_to("chat.postMessage")] == ["U0COORD01"]


def test_a_fan_out_of_one_notice_is_drawn_once_per_batch(
    members: Runtime, fake_slack: FakeSlack
) -> None:
    from bot.rules.incidents import IncidentForm, IncidentKind, Severity
    from bot.services.incidents import IncidentAlert

    reported = members.services.incidents.report(IncidentForm(
        IncidentKind.CRISIS, Severity.SERIOUS, "Needs someone today", danger=False), "U0FACIL02")
    alert = IncidentAlert(incident_id=reported.incident_id, level=7)
    for n in range(30):
        enqueue(members, alert.key(f"dm:U0X{n:06d}"), OutboxChannel.SLACK_DM, f"U0X{n:06d}",
                alert.to_payload())
    drawn: list[dict[str, object]] = []
    dispatcher = members.dispatcher()
    render = dispatcher.render
    dispatcher.render = lambda payload, channel, style: (drawn.append(payload)
                                                        or render(payload, channel, style))
    assert dispatcher.deliver_due().sent == 31  # the lead's alert, and the thirty copies
    assert len(drawn) == 2  # level 0 for the lead, and level 7 once for all thirty


def test_without_an_sms_provider_a_text_fails_with_the_reason_and_is_never_marked_sent(
    members: Runtime,
) -> None:
    from bot.delivery.sms import NoSmsProvider

    with members.sessions() as session:
        texter = next(m.id for m in MemberRepository(session).list_all() if m.has_sms_consent)
    enqueue(members, "invite:none", OutboxChannel.SMS, str(texter),
            {"text": "Riverside: community meeting Thursday 6pm. Reply YES or NO."})
    report = Dispatcher(members.sessions, SlackSender(members.client), NoSmsProvider(),
                        members.services.clock, render=ready_made).deliver_due()
    failed = row(members, "invite:none")
    assert (report.sent, report.failed) == (0, 1) and failed.status is OutboxStatus.FAILED
    assert "no SMS provider is set" in (failed.last_error or "")
