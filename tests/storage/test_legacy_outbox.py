"""Migration 0014 on a database upgraded from before notices were data: the outbox rows the old
code wrote (ready-made payloads under hand-built keys) join their notices' families, so posted
cards and alerts are redrawn and warnings already sent don't go twice, and the words of every
delivered row go.

Each test has a SQLite file of its own (also when TEST_DATABASE_URL names PostgreSQL: the
migration is plain Core, and what is checked here is what it does to the rows)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from bot.config import load_settings
from bot.delivery.sms import ConsoleSmsProvider
from bot.notices import Notice, channel, dm, text, update_target
from bot.rules.feedback import FeedbackForm
from bot.rules.feedback_words import FeedbackKind, FeedbackTopic
from bot.rules.incidents import IncidentForm, IncidentKind, Severity
from bot.rules.lifecycle import RequestStatus
from bot.rules.meetings import MeetingDraft, MeetingKind
from bot.rules.sessions import SessionDraft, SessionKind
from bot.services.aftercare import CheckIn, DebriefRequested
from bot.services.feedback import CaseNotice, MeetingTask
from bot.services.incidents import IncidentAlert
from bot.services.meetings import PresentRequested
from bot.services.notices import NoticeBook
from bot.services.privacy import ErasureRequested
from bot.services.rota import CallForCover, CoverageAlert
from bot.services.sessions import SessionCard
from bot.wiring import Runtime, build_runtime
from storage import crypto
from storage.crypto import TOKEN_PREFIX, EncryptedJSON
from storage.db import make_engine
from storage.migrate import downgrade, upgrade
from storage.models import UtcDateTime
from tests.conftest import BOT_TOKEN, DATA_KEY, MEMBERS_CSV, SIGNING_SECRET, FakeClock
from tests.fakes.slack import FakeSlack

CARD_CHANNEL, COORDS_CHANNEL = "C0TUESDAY", "C0COORDS"
CARD_TS = "1700000000.900001"
ADA, BRAM, ESME, FIN = "U0COORD01", "U0FACIL02", "U0SAFEG05", "U0MEMBR06"
WORDS = {"text": "Fin Rowe said: the kettle is broken", "blocks": [
    {"type": "section", "text": {"type": "mrkdwn", "text": "Fin Rowe said: the kettle is broken"}}]}

# The outbox as the old code wrote it, payloads encrypted as EncryptedJSON did then.
OUTBOX = sa.table(
    "outbox",
    sa.column("id", sa.Integer()), sa.column("idempotency_key", sa.String()),
    sa.column("channel", sa.String()), sa.column("target", sa.String()),
    sa.column("payload", EncryptedJSON()), sa.column("status", sa.String()),
    sa.column("attempts", sa.Integer()), sa.column("next_attempt_at", UtcDateTime()),
    sa.column("created_at", UtcDateTime()), sa.column("sent_at", UtcDateTime()),
    sa.column("delivered_ref", sa.String()),
)
RAW = sa.table("outbox", sa.column("idempotency_key", sa.String()),
               sa.column("target", sa.String()), sa.column("payload", sa.Text()))


@dataclass
class World:
    """An install with people, a session, an incident, a case and requests, at revision 0013
    with an empty outbox: as if upgraded from the release before notices were data."""

    runtime: Runtime
    engine: Engine
    clock: FakeClock
    ids: dict[str, int]  # member ids by Slack id
    session_id: int
    incident_id: int
    case_id: int
    debrief_id: int
    present_id: int
    ts: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def add(self, key: str, channel: str, target: str, payload: dict[str, Any], *,
            status: str = "sent", ref: str | None = None) -> None:
        now = self.clock.now - timedelta(days=1)
        with self.engine.begin() as connection:
            connection.execute(sa.insert(OUTBOX).values(
                idempotency_key=key, channel=channel, target=target, payload=payload,
                status=status, attempts=1 if status != "pending" else 0, next_attempt_at=now,
                created_at=now, sent_at=now if status == "sent" else None,
                delivered_ref=ref or (f"D{target[1:]}:1700000000.{next(self.ts):06d}"
                                      if status == "sent" else None)))

    def raw(self) -> dict[str, tuple[str, str]]:
        """key -> (target, the stored payload as it is in the database)."""
        with self.engine.connect() as connection:
            return {k: (t, p) for k, t, p in connection.execute(sa.select(RAW))}

    def payloads(self) -> dict[str, Any]:
        with self.engine.connect() as connection:
            return {k: json.loads(crypto.decrypt(p))
                    for k, _, p in connection.execute(sa.select(RAW))}

    def concerns(self, key: str) -> set[int]:
        with self.engine.connect() as connection:
            return set(connection.scalars(sa.text(
                "SELECT c.member_id FROM outbox_concerns c JOIN outbox o ON o.id = c.outbox_id "
                "WHERE o.idempotency_key = :key"), {"key": key}))


@pytest.fixture
def world(tmp_path: Path, fake_slack: FakeSlack, clock: FakeClock) -> Iterator[World]:
    url = f"sqlite:///{tmp_path / 'legacy.db'}"
    engine = make_engine(url)
    # The real app makes the people and things the old rows are about, at head; then back to
    # 0013 (0014 changes no table) with an empty outbox, for the old rows to be written in.
    upgrade(engine)
    settings = load_settings(
        env_file=None, slack_bot_token=BOT_TOKEN, slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url, database_url=url,
        coprod_org_name="Riverside Peer Support", coprod_data_key=DATA_KEY)
    runtime = build_runtime(settings, engine=engine, clock=clock,
                            sms=ConsoleSmsProvider(echo=False))
    services = runtime.services
    assert services.members.import_csv(MEMBERS_CSV).added == 8
    with engine.connect() as connection:
        ids = {s: i for i, s in connection.execute(sa.text(
            "SELECT id, slack_user_id FROM members WHERE slack_user_id IS NOT NULL"))}
    start = (clock.now + timedelta(days=5)).astimezone(settings.timezone)
    [group] = services.sessions.create(None, SessionDraft(
        title="Tuesday group", kind=SessionKind.PEER_GROUP, day=start.date(),
        start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre",
        channel=CARD_CHANNEL))
    services.rota.claim(group.id, BRAM)
    services.aftercare.ask_for_debrief(group.id, BRAM)
    incident = services.incidents.report(IncidentForm(
        IncidentKind.CRISIS, Severity.SERIOUS, "Running late and upset", danger=False,
        involved_member_ids=(ids[FIN],)), BRAM)
    submitted = services.feedback.submit(FeedbackForm(
        FeedbackKind.COMPLAINT, FeedbackTopic.SERVICE, "The heating is broken again",
        anonymous=False, about_slack_id=BRAM), FIN)
    services.meetings.create(None, MeetingDraft(
        title="Trustees' meeting", kind=MeetingKind.TRUSTEES, day=start.date() + timedelta(7),
        start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre", invited="trustee"))
    present = services.meetings.request_to_present(BRAM, "Evening sessions for working people")
    with engine.begin() as connection:
        [debrief_id] = connection.scalars(sa.text("SELECT id FROM debrief_requests"))
        connection.execute(sa.text("DELETE FROM outbox_concerns"))
        connection.execute(sa.text("DELETE FROM outbox"))
    downgrade(engine, "0013")
    yield World(runtime, engine, clock, ids, group.id, incident.incident_id,
                submitted.case_id, debrief_id, present.id)
    engine.dispose()


def test_legacy_rows_join_their_families_and_delivered_words_go(world: World) -> None:
    s, i, f, ids = world.session_id, world.incident_id, world.case_id, world.ids
    ada, bram, fin = ids[ADA], ids[BRAM], ids[FIN]
    add = world.add
    # Posted copies that are redrawn, and the redraws the old code queued for them.
    add(f"session:{s}:card", "slack_channel", CARD_CHANNEL, WORDS, ref=f"{CARD_CHANNEL}:{CARD_TS}")
    add(f"session:{s}:card:v2", "slack_update", f"outbox:session:{s}:card", WORDS)
    add(f"session:{s}:card:v3", "slack_update", f"outbox:session:{s}:card", WORDS,
        status="pending")
    add(f"incident:{i}:alert:L0:{ESME}", "slack_dm", ESME, WORDS)
    add(f"incident:{i}:alert:L1:{ADA}", "slack_dm", ADA, WORDS)
    add(f"incident:{i}:alert:L0:{ESME}:acknowledged", "slack_update",
        f"outbox:incident:{i}:alert:L0:{ESME}", WORDS)
    add(f"feedback:{f}:notice:channel", "slack_channel", COORDS_CHANNEL, WORDS)
    add(f"feedback:{f}:notice:{ADA}", "slack_dm", ADA, WORDS, status="pending")
    add(f"feedback:{f}:notice:channel:v1:2", "slack_update",
        f"outbox:feedback:{f}:notice:channel", WORDS)
    add(f"feedback:{f}:meeting:{ADA}", "slack_dm", ADA, WORDS)
    add(f"feedback:{f}:meeting:{ADA}:v3", "slack_update", f"outbox:feedback:{f}:meeting:{ADA}",
        WORDS, status="pending")
    add(f"debrief:{world.debrief_id}:ask:{ada}", "slack_dm", ADA, WORDS)
    add(f"present:{world.present_id}:to:{ada}", "slack_dm", ADA, WORDS, status="failed")
    # Copies that go once.
    add(f"session:{s}:alert:24h:dm:{ada}", "slack_dm", ADA, WORDS)
    add(f"session:{s}:alert:24h:sms:{ada}", "sms", str(ada), {"text": "Riverside: 24h"},
        status="pending")
    add(f"session:{s}:alert:24h:channel", "slack_channel", CARD_CHANNEL, WORDS)
    add(f"session:{s}:check-in:{bram}", "slack_dm", BRAM, WORDS)
    add(f"erasure:{fin}:{ada}:20261122", "slack_dm", ADA, WORDS)
    # Everything else: sent or failed loses its words, pending is sent as it is.
    add(f"feedback:{f}:reply:2:to-submitter", "slack_dm", FIN, WORDS)
    add(f"text:7:to:{ada}", "slack_dm", ADA, WORDS, status="failed")
    add(f"incident:{i}:text:L1:{ada}", "sms", str(ada), {"text": "Check Slack", "urgent": True})
    add(f"session:{s}:v4:dm:{bram}", "slack_dm", BRAM, WORDS, status="pending")
    # A row the notice code wrote: not legacy, left alone.
    add(f"session.changed:{s}:4|dm:{FIN}", "slack_dm", FIN,
        {"notice": "session.changed", "session_id": s, "version": 4})
    before = world.raw()

    upgrade(world.engine)

    after, payloads = world.raw(), world.payloads()
    assert len(after) == len(before)

    def moved(old: str, notice: Notice, place: str, *, redrawn: bool) -> str:
        new = notice.key(place)
        assert old not in after and new in after, (old, new)
        if redrawn:
            assert payloads[new] == notice.to_payload()
        return new

    card = moved(f"session:{s}:card", SessionCard(session_id=s), channel(CARD_CHANNEL),
                 redrawn=True)
    alert0 = moved(f"incident:{i}:alert:L0:{ESME}", IncidentAlert(incident_id=i, level=0),
                   dm(ESME), redrawn=True)
    moved(f"incident:{i}:alert:L1:{ADA}", IncidentAlert(incident_id=i, level=1), dm(ADA),
          redrawn=True)
    case_channel = moved(f"feedback:{f}:notice:channel", CaseNotice(case_id=f),
                         channel(COORDS_CHANNEL), redrawn=True)
    case_dm = moved(f"feedback:{f}:notice:{ADA}", CaseNotice(case_id=f), dm(ADA), redrawn=True)
    task = moved(f"feedback:{f}:meeting:{ADA}", MeetingTask(case_id=f), dm(ADA), redrawn=True)
    debrief = moved(f"debrief:{world.debrief_id}:ask:{ada}",
                    DebriefRequested(request_id=world.debrief_id), dm(ADA), redrawn=True)
    moved(f"present:{world.present_id}:to:{ada}", PresentRequested(request_id=world.present_id),
          dm(ADA), redrawn=True)
    alert_dm = moved(f"session:{s}:alert:24h:dm:{ada}", CoverageAlert(session_id=s, label="24h"),
                     dm(ADA), redrawn=False)
    alert_sms = moved(f"session:{s}:alert:24h:sms:{ada}",
                      CoverageAlert(session_id=s, label="24h"), text(ada), redrawn=False)
    call = moved(f"session:{s}:alert:24h:channel", CallForCover(session_id=s, label="24h"),
                 channel(CARD_CHANNEL), redrawn=False)
    check_in = moved(f"session:{s}:check-in:{bram}", CheckIn(session_id=s, member_id=bram),
                     dm(BRAM), redrawn=False)
    erasure = moved(f"erasure:{fin}:{ada}:20261122",
                    ErasureRequested(member_id=fin, day=date(2026, 11, 22)),
                    dm(ADA), redrawn=False)

    # Redraws point at the renamed copies, wherever they stand.
    assert after[f"session:{s}:card:v2"][0] == update_target(card)
    assert after[f"session:{s}:card:v3"][0] == update_target(card)
    assert after[f"incident:{i}:alert:L0:{ESME}:acknowledged"][0] == update_target(alert0)
    assert after[f"feedback:{f}:notice:channel:v1:2"][0] == update_target(case_channel)
    assert after[f"feedback:{f}:meeting:{ADA}:v3"][0] == update_target(task)

    # Delivered (sent or failed) and not redrawn: no words left, still encrypted.
    for key in (alert_dm, call, check_in, erasure, f"session:{s}:card:v2",
                f"incident:{i}:alert:L0:{ESME}:acknowledged", f"feedback:{f}:reply:2:to-submitter",
                f"text:7:to:{ada}", f"incident:{i}:text:L1:{ada}"):
        assert payloads[key] == {"text": ""}, key
        assert after[key][1].startswith(TOKEN_PREFIX)
    # Pending: exactly as it was (a renamed one under its new key).
    assert after[alert_sms][1] == before[f"session:{s}:alert:24h:sms:{ada}"][1]
    for key in (f"session:{s}:card:v3", f"feedback:{f}:meeting:{ADA}:v3",
                f"session:{s}:v4:dm:{bram}", f"session.changed:{s}:4|dm:{FIN}"):
        assert after[key][1] == before[key][1], key
    # A pending copy that is redrawn holds its notice, so a redraw draws it from the state.
    assert payloads[case_dm] == CaseNotice(case_id=f).to_payload()

    # Who each redrawn notice names, as the notice code records it: erasure redraws them.
    assert world.concerns(alert0) == {fin}
    assert world.concerns(case_channel) == {bram, fin}
    assert world.concerns(debrief) == {ada, bram}
    assert world.concerns(alert_dm) == set()

    # The new code sees what went: each warning counts as queued.
    with world.runtime.sessions() as session:
        book = NoticeBook(session, world.clock.now)
        assert book.was_queued(CoverageAlert(session_id=s, label="24h"))
        assert book.was_queued(CallForCover(session_id=s, label="24h"))
        assert book.was_queued(CheckIn(session_id=s, member_id=bram))


def test_a_legacy_card_is_redrawn_and_a_warning_already_sent_does_not_go_again(
    world: World, fake_slack: FakeSlack
) -> None:
    s, ada = world.session_id, world.ids[ADA]
    world.add(f"session:{s}:card", "slack_channel", CARD_CHANNEL, WORDS,
              ref=f"{CARD_CHANNEL}:{CARD_TS}")
    # Five days ahead, the 7-day warning has gone (to Ada, and in the channel).
    world.add(f"session:{s}:alert:7d:dm:{ada}", "slack_dm", ADA, WORDS)
    world.add(f"session:{s}:alert:7d:channel", "slack_channel", CARD_CHANNEL, WORDS)

    upgrade(world.engine)

    services = world.runtime.services
    # Induction records came in after 0013, so going back emptied them: imported again.
    services.members.import_csv(MEMBERS_CSV)
    assert not services.sessions.get(s).coverage.covered
    assert services.rota.send_coverage_alerts() == 0
    services.rota.claim(s, ADA)
    world.runtime.dispatcher().deliver_due()
    updates = [c.params for c in fake_slack.calls_to("chat.update")]
    assert [(u["channel"], u["ts"]) for u in updates] == [(CARD_CHANNEL, CARD_TS)]
    blocks = json.dumps(updates[0]["blocks"])
    assert "Tuesday group" in blocks and "kettle" not in blocks
    assert fake_slack.calls_to("chat.postMessage") == []


def test_without_a_key_ring_keys_still_move_and_no_words_are_written_in_plain(
    world: World
) -> None:
    s, ada = world.session_id, world.ids[ADA]
    world.add(f"session:{s}:card", "slack_channel", CARD_CHANNEL, WORDS)
    world.add(f"session:{s}:check-in:{world.ids[BRAM]}", "slack_dm", BRAM, WORDS)
    world.add(f"session:{s}:v4:dm:{ada}", "slack_dm", ADA, WORDS, status="pending")
    before = world.raw()
    crypto.configure(None)
    try:
        upgrade(world.engine)
    finally:
        crypto.configure(DATA_KEY)
    after, payloads = world.raw(), world.payloads()
    card = SessionCard(session_id=s)
    check_in = CheckIn(session_id=s, member_id=world.ids[BRAM]).key(dm(BRAM))
    assert payloads[card.key(channel(CARD_CHANNEL))] == card.to_payload()
    assert payloads[check_in] == {"text": ""}
    assert after[f"session:{s}:v4:dm:{ada}"] == before[f"session:{s}:v4:dm:{ada}"]
    assert not any("kettle" in p for _, p in after.values())


def test_downgrading_0012_leaves_only_values_the_old_code_can_load(world: World) -> None:
    upgrade(world.engine)
    services = world.runtime.services
    services.meetings.step_present(world.present_id, ADA, RequestStatus.ACKNOWLEDGED)
    with world.engine.begin() as connection:
        connection.execute(sa.text("UPDATE feedback_cases SET meeting = 'declined'"))
    downgrade(world.engine, "0011")
    with world.engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT status FROM present_requests")) == "requested"
        assert connection.scalar(sa.text("SELECT meeting FROM feedback_cases")) == "acknowledged"
