"""Each message drawn for the person who reads it: easy read or standard, words for screen
readers, and the hours they'd rather not be messaged, all applied at delivery from the profile
stored on their member record (the form that sets it is tested in tests/handlers)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from bot.delivery.sms import ConsoleSmsProvider
from bot.notices import place_of
from bot.rules.communication import EASY_READ, STANDARD, Reading, has_emoji
from bot.rules.incidents import IncidentForm, IncidentKind, Severity
from bot.rules.meetings import MeetingDraft, MeetingKind
from bot.services.meetings import MeetingReminder
from bot.wiring import Runtime
from handlers.notices import NoticeRenderer, draw_notice
from storage.models import Member, OutboxChannel, OutboxMessage, OutboxStatus
from storage.repositories import OutboxRepository
from tests.conftest import FakeClock
from tests.fakes.slack import FakeSlack

BRAM, FIN, ESME, ADA = "U0FACIL02", "U0MEMBR06", "U0SAFEG05", "U0COORD01"
DEV = "+447700900104"


def set_profile(runtime: Runtime, *, slack_id: str | None = None, phone: str | None = None,
                reading: Reading = Reading.STANDARD, screen_reader: bool = False,
                quiet: tuple[time, time] | None = None) -> None:
    with runtime.sessions.begin() as session:
        member = session.scalar(select(Member).where(
            Member.slack_user_id == slack_id if slack_id else Member.phone == phone))
        assert member is not None
        member.reading, member.screen_reader = reading, screen_reader
        member.quiet_from, member.quiet_until = quiet or (None, None)


def forum(runtime: Runtime, **changes: object) -> int:
    values: dict[str, object] = {
        "title": "Winter forum", "kind": MeetingKind.FORUM, "day": date(2026, 12, 8),
        "start_time": time(18, 0), "end_time": time(20, 0), "place": "Hope Centre"}
    values.update(changes)
    return runtime.services.meetings.create(None, MeetingDraft(**values))[0].id  # type: ignore[arg-type]


def dm_text(fake_slack: FakeSlack, user: str) -> list[str]:
    return [json.dumps(c.params.get("blocks")) for c in fake_slack.calls_to("chat.postMessage")
            if c.params["channel"] == user]


def reminder_now(runtime: Runtime, clock: FakeClock, at: datetime) -> MeetingReminder:
    runtime.dispatcher().deliver_due()  # the invitations, out of the way
    clock.now = at
    assert runtime.services.reminders.send_due() == 1
    with runtime.sessions() as session:
        payload = session.scalars(select(OutboxMessage.payload)
                                  .order_by(OutboxMessage.id.desc())).first()
    assert payload is not None and payload["notice"] == MeetingReminder.kind
    return MeetingReminder.model_validate({k: v for k, v in payload.items() if k != "notice"})


def test_one_reminder_reaches_each_reader_in_their_own_style_drawn_once_per_style(
    members: Runtime, fake_slack: FakeSlack, clock: FakeClock, console_sms: ConsoleSmsProvider
) -> None:
    set_profile(members, slack_id=FIN, reading=Reading.EASY_READ)
    set_profile(members, phone=DEV, reading=Reading.EASY_READ)
    forum(members)
    notice = reminder_now(members, clock, datetime(2026, 12, 1, 18, 0, tzinfo=UTC))
    fake_slack.calls.clear()
    console_sms._sent.clear()
    easy = draw_notice(notice, members.services, EASY_READ)
    standard = draw_notice(notice, members.services, STANDARD)
    assert easy["sms"] != standard["sms"]

    drawn: list[object] = []
    dispatcher = members.dispatcher()
    render = dispatcher.render
    dispatcher.render = lambda payload, channel, style: (drawn.append((channel, style))
                                                         or render(payload, channel, style))
    dispatcher.deliver_due()

    assert dm_text(fake_slack, FIN) == [json.dumps(_with_footer(members, easy["blocks"]))]
    assert dm_text(fake_slack, BRAM) == [json.dumps(_with_footer(members, standard["blocks"]))]
    texts = {t.to: t.body for t in console_sms.sent}
    assert texts[DEV].endswith(easy["sms"].split("\n")[-1])  # Dev: easy read, by text
    assert "It is on Tuesday 8 December at 6pm." in texts[DEV]
    assert "It is on" not in texts["+447700900101"]  # Ada: texts in the standard style
    # Drawn once for each channel and style, not once for each of the people.
    assert len(drawn) == len(set(drawn)) == 4  # DM and text, each standard and easy read


def _with_footer(runtime: Runtime, blocks: list[dict[str, object]]) -> list[dict[str, object]]:
    from handlers.notices import with_crisis_line

    found = with_crisis_line(blocks, runtime.services.settings.coprod_crisis_line)
    assert found is not None
    return found


def test_a_screen_reader_user_gets_words_without_pictures(
    members: Runtime, fake_slack: FakeSlack
) -> None:
    set_profile(members, slack_id=BRAM, screen_reader=True)
    members.services.incidents.report(IncidentForm(
        IncidentKind.CRISIS, Severity.SERIOUS, "Needs someone today", danger=True), FIN)
    forum(members)
    members.dispatcher().deliver_due()
    to_bram = [c.params for c in fake_slack.calls_to("chat.postMessage")
               if c.params["channel"] == BRAM]
    assert to_bram and all(not has_emoji(json.dumps(p, ensure_ascii=False)) for p in to_bram)
    to_esme = [json.dumps(c.params, ensure_ascii=False)
               for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == ESME]
    assert any(has_emoji(words) for words in to_esme)  # the danger cue, for everyone else


def test_quiet_hours_hold_a_reminder_until_they_end_but_never_an_urgent_alert(
    members: Runtime, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    quiet = (time(21, 0), time(8, 30))
    set_profile(members, slack_id=FIN, quiet=quiet)
    set_profile(members, slack_id=ESME, quiet=quiet)
    forum(members, day=date(2026, 12, 2), start_time=time(22, 0), end_time=time(23, 0))
    reminder_now(members, clock, datetime(2026, 12, 1, 22, 0, tzinfo=UTC))  # 1 day before
    members.services.incidents.report(IncidentForm(
        IncidentKind.SAFEGUARDING, Severity.SERIOUS, "Worried about a member", danger=False),
        BRAM)
    fake_slack.calls.clear()
    members.dispatcher().deliver_due()

    assert dm_text(fake_slack, FIN) == []  # held: it is 22:00 and Fin is quiet from 21:00
    assert len(dm_text(fake_slack, ESME)) == 1  # the alert: urgent, so it goes at once
    with members.sessions() as session:
        held = [r for r in session.scalars(select(OutboxMessage))
                if r.target == FIN and r.status is OutboxStatus.PENDING]
    assert [r.last_error for r in held] == ["held for their quiet hours"]
    assert held[0].next_attempt_at == datetime(2026, 12, 2, 8, 30, tzinfo=UTC)  # GMT

    clock.now = datetime(2026, 12, 2, 8, 29, tzinfo=UTC)
    members.dispatcher().deliver_due()
    assert dm_text(fake_slack, FIN) == []
    clock.now = datetime(2026, 12, 2, 8, 30, tzinfo=UTC)
    members.dispatcher().deliver_due()
    assert len(dm_text(fake_slack, FIN)) == 1


def test_a_redrawn_message_keeps_its_readers_style(
    members: Runtime, fake_slack: FakeSlack
) -> None:
    set_profile(members, slack_id=ESME, reading=Reading.EASY_READ)
    reported = members.services.incidents.report(IncidentForm(
        IncidentKind.CRISIS, Severity.SERIOUS, "Needs someone today", danger=False), BRAM)
    members.dispatcher().deliver_due()
    members.services.incidents.acknowledge(reported.incident_id, ESME)
    members.dispatcher().deliver_due()

    with members.sessions() as session:
        update = next(r for r in session.scalars(select(OutboxMessage))
                      if r.target.startswith("outbox:"))
    assert place_of(update.target) == ("dm", ESME)
    render = NoticeRenderer(members.services)
    easy = render(update.payload, OutboxChannel.SLACK_UPDATE, EASY_READ)
    standard = render(update.payload, OutboxChannel.SLACK_UPDATE, STANDARD)
    assert easy["text"] != standard["text"]
    [redrawn] = fake_slack.calls_to("chat.update")
    assert redrawn.params["text"] == easy["text"]  # Esme's copy, redrawn in easy read


def test_where_a_message_went_is_read_from_its_key() -> None:
    assert place_of("incident.alert:3|0|dm:U0SAFEG05") == ("dm", "U0SAFEG05")
    assert place_of("reminder.meeting:3|7|sms:12") == ("sms", "12")
    assert place_of("session.card:9|channel:C0ROTA") == ("channel", "C0ROTA")


def test_a_post_that_landed_before_a_crash_is_not_held_and_posted_again(
    members: Runtime, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    set_profile(members, slack_id=FIN, quiet=(time(11, 0), time(12, 0)))
    with members.sessions.begin() as session:
        OutboxRepository(session).enqueue(
            key="notice:landed|dm:U0MEMBR06", channel=OutboxChannel.SLACK_DM, target=FIN,
            payload={"text": "Hello Fin", "blocks": None}, now=clock())
    dispatcher = members.dispatcher()
    [claimed] = dispatcher._claim()
    dispatcher._send(claimed)  # posted, then the process died before writing it down
    clock.advance(hours=1, minutes=3)  # past the lease, and into Fin's quiet hours
    report = dispatcher.deliver_due()
    assert (report.sent, report.held) == (1, 0)
    assert len(dm_text(fake_slack, FIN)) == 1


@pytest.mark.parametrize(("danger", "held"), [(True, 0), (False, 1)])
def test_a_report_that_someone_may_be_in_danger_is_never_held(
    members: Runtime, fake_slack: FakeSlack, clock: FakeClock, danger: bool, held: int
) -> None:
    """Harassment goes to the coordinators, not the safeguarding leads; with "someone may be
    in danger" ticked it is urgent all the same."""
    set_profile(members, slack_id=ADA, quiet=(time(9, 0), time(17, 0)))
    members.services.incidents.report(IncidentForm(
        IncidentKind.HARASSMENT, Severity.MODERATE, "Shouted at in the group", danger=danger),
        BRAM)
    report = members.dispatcher().deliver_due()
    assert report.held == held
    assert len(dm_text(fake_slack, ADA)) == 1 - held
