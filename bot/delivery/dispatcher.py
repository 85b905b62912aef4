"""The outbox dispatcher: hands due notifications to Slack or SMS, retries, and records the end.

A run claims due rows with a short lease (so a crashed run's rows come back), sends outside any
transaction (a slow Slack never holds a database lock), then records each outcome in its own
short transaction. The idempotency key on each row stops the same notification being queued
twice; a Slack post whose attempt never came back is looked up before it is sent again, so it
arrives once in effect (a text caught the same way may, rarely, arrive twice).

A batch is sent by a few threads at once, so that a fan-out is bound by Slack's and the SMS
provider's round trips and limits rather than by waiting for each answer in turn. Messages to
the same place keep their order (one thread takes all of them), and updates go after the
messages they may update have been recorded.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, cast

from sqlalchemy import Table, bindparam, update
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.delivery.nudge import Nudge
from bot.delivery.slack import DeliveryFailed, SlackSender
from bot.delivery.sms import SmsError, SmsProvider
from bot.notices import NoticeGone, place_of, updated_key
from bot.rules.communication import NOBODY_IN_PARTICULAR, Reader, Style, quiet_release
from bot.rules.delivery import Attempt, next_step
from bot.rules.texting import next_morning, quiet_hours_release, start_of_day
from storage.models import (
    ContactPreference,
    OutboxChannel,
    OutboxMessage,
    OutboxStatus,
    SmsConsent,
)
from storage.repositories import MemberRepository, OutboxRepository, TextContact

log = logging.getLogger(__name__)

# Turns a stored notice into what is sent on a channel ({"text", "blocks"} for Slack; "text"
# for a text; "urgent" and "reply" for either), from the current state and in the recipient's
# style. Ready-made payloads pass through.
Render = Callable[[dict[str, Any], OutboxChannel, Style], dict[str, Any]]
LEASE = timedelta(minutes=2)
_OUTBOX = cast(Table, OutboxMessage.__table__)
# Built once: a text is written down on its own, and building the statement each time cost
# about as much as running it.
RECORD_SENT = update(_OUTBOX).where(_OUTBOX.c.id == bindparam("row_id")).values(
    status=OutboxStatus.SENT, sent_at=bindparam("at"), delivered_ref=bindparam("ref"),
    last_error=None, sending_since=None)


def ready_made(payload: dict[str, Any], channel: OutboxChannel, style: Style) -> dict[str, Any]:
    """For a dispatcher that sends only ready-made payloads (tests of delivery itself)."""
    if "notice" in payload:
        raise NoticeGone("no renderer for notices in this process")
    return payload


@dataclass(frozen=True)
class Claimed:
    id: int
    key: str
    channel: OutboxChannel
    target: str
    payload: dict[str, Any]
    attempts: int
    not_after: datetime | None
    # When the last attempt began, if it never came back: it may have been delivered.
    in_doubt_since: datetime | None = None
    # Who reads it: their style and quiet hours (a channel has no one reader).
    reader: Reader = NOBODY_IN_PARTICULAR


class Held(Exception):
    """Not sent yet, and not a failure: quiet hours or the day's cap. Tried again at `until`."""

    def __init__(self, until: datetime, reason: str) -> None:
        super().__init__(reason)
        self.until = until
        self.reason = reason


@dataclass
class DispatchReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    held: int = 0
    skipped: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, outcome: str, n: int = 1) -> None:
        with self._lock:  # the batch's sending threads all report here
            setattr(self, outcome, getattr(self, outcome) + n)

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed + self.skipped


class BatchTexts:
    """What a batch's texts need, read as the batch begins (after they were queued, so consent
    withdrawn meanwhile is honoured), in one query for them all: whom each goes to. And for
    the day's cap, the texts sent by then and those the batch has `taken` since (given back
    if a send fails), both read and changed under `lock`."""

    def __init__(self, sessions: sessionmaker[Session], tz: tzinfo, cap: int | None) -> None:
        self.sessions = sessions
        self.tz = tz
        self.cap = cap
        self.lock = threading.Lock()
        self.taken = 0
        self._contacts: dict[int, TextContact] = {}
        self._counted: tuple[datetime, int] | None = None

    def read(self, texts: Sequence[Claimed], now: datetime) -> None:
        """The texts sent today are read while none is in flight (the last batch's are all
        written down or failed), so that none counts both as sent and as taken."""
        with self.sessions() as session:
            self._contacts = MemberRepository(session).text_contacts(
                {int(i.target) for i in texts if i.target.isdigit()})
        if self.cap is not None:
            self._count(now)

    def contact(self, target: str) -> TextContact | None:
        return self._contacts.get(int(target)) if target.isdigit() else None

    def opted_out(self, target: str) -> None:
        contact = self.contact(target)
        if contact is not None:
            self._contacts[int(target)] = contact._replace(consent=False)

    def used_up(self, now: datetime) -> bool:
        """Whether today's texts, sent and taken, reach the cap. Under the lock."""
        if self.cap is None:
            return False
        if self._counted is None or self._counted[0] != start_of_day(now, self.tz):
            # A new day mid-batch: counted afresh, keeping what this batch took before it (so
            # a few counted twice at worst, never missed; and at midnight quiet hours hold
            # every text the cap would).
            taken = self.taken
            self._count(now)
            self.taken = taken
        assert self._counted is not None
        return self._counted[1] + self.taken >= self.cap

    def _count(self, now: datetime) -> None:
        """Only one scheduler (so one dispatcher) runs against a database; were a second to
        text at once, its texts would be seen from this one's next batch."""
        day = start_of_day(now, self.tz)
        with self.sessions() as session:
            self._counted = (day, OutboxRepository(session).count_texts_sent_since(day))
        self.taken = 0


class Dispatcher:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        slack: SlackSender,
        sms: SmsProvider,
        clock: Clock,
        *,
        max_attempts: int = 8,
        batch_size: int = 100,
        max_batches: int = 50,
        nudge: Nudge | None = None,
        tz: tzinfo = UTC,
        sms_daily_cap: int | None = None,
        senders: int = 8,
        lease: timedelta = LEASE,
        render: Render,
    ) -> None:
        self.sessions = sessions
        self.slack = slack
        self.sms = sms
        self.clock = clock
        self.max_attempts = max_attempts
        self.batch_size = batch_size
        self.max_batches = max_batches
        self.nudge = nudge or Nudge()
        self.tz = tz
        self.senders = senders
        self.lease = lease
        self.render = render
        self._drawn: dict[tuple[str, OutboxChannel, Style], Future[dict[str, Any]]] = {}
        self._drawing = threading.Lock()
        self._texts = BatchTexts(sessions, tz, sms_daily_cap)
        self._texts_queue = threading.Lock()
        self._texts_to_write: list[tuple[tuple[int, str], Future[None]]] = []
        self._texts_writing = threading.Lock()
        self._stopping = threading.Event()

    def stop(self) -> None:
        """Asks a run under way to end after the batch in hand (sent and written down), leaving
        the rest unclaimed for whoever schedules next: for a graceful shutdown."""
        self._stopping.set()

    def deliver_due(self) -> DispatchReport:
        report = DispatchReport()
        while True:
            self.nudge.running.set()
            try:
                self._run_batches(report)
            finally:
                self.nudge.running.clear()
            # A nudge that came as this run was ending would otherwise wait for the next tick.
            if self._stopping.is_set() or not self.nudge.take():
                break
        if report.handled:
            log.info(
                "outbox run: %d sent, %d to retry, %d failed, %d no longer needed",
                report.sent, report.retrying, report.failed, report.skipped,
            )
        return report

    def _run_batches(self, report: DispatchReport) -> None:
        self.nudge.take()
        # One set of sending threads for the run, not started afresh for each batch.
        with ThreadPoolExecutor(max(1, self.senders), thread_name_prefix="outbox") as pool:
            for _ in range(self.max_batches):
                if self._stopping.is_set():
                    break
                claimed = self._claim()
                # An update may be of a message sent in this batch: those are recorded first.
                self._send_all(
                    [i for i in claimed if i.channel is not OutboxChannel.SLACK_UPDATE],
                    report, pool)
                self._send_all([i for i in claimed if i.channel is OutboxChannel.SLACK_UPDATE],
                               report, pool)
                # Go on while batches are full, or while something urgent arrived mid-run.
                if len(claimed) < self.batch_size and not self.nudge.take():
                    break

    def _send_all(self, items: Sequence[Claimed], report: DispatchReport,
                  pool: ThreadPoolExecutor) -> None:
        self._drawn = {}
        texts = [i for i in items if i.channel is OutboxChannel.SMS]
        if texts:
            self._texts.read(texts, self.clock())
        by_place: dict[tuple[OutboxChannel, str], list[Claimed]] = {}
        for item in items:
            by_place.setdefault((item.channel, item.target), []).append(item)
        sent: list[tuple[int, str]] = []

        def send_in_order(group: list[Claimed]) -> None:
            for item in group:
                self._deliver(item, report, sent)

        try:
            if self.senders <= 1 or len(by_place) <= 1:
                for group in by_place.values():
                    send_in_order(group)
            else:
                groups = [pool.submit(send_in_order, group) for group in by_place.values()]
                wait(groups)  # all of them, even when one has failed, before anything is written
                for group_sent in groups:
                    group_sent.result()
        finally:
            # Whatever went wrong, what did go is written down, so it is not sent twice.
            self._record_sent(sent, report)

    def _record_sent(self, sent: list[tuple[int, str]], report: DispatchReport) -> None:
        """Slack posts are written once per batch: one short transaction, not one per message.
        A crash before it leaves those rows in doubt (`sending_since` still set), and their
        posts are looked up before being sent again. Texts come one at a time."""
        if not sent:
            return
        now = self.clock()
        with self.sessions.begin() as session:
            # One UPDATE for the whole batch (executemany), no reads first. A row erased
            # meanwhile (`coprod members erase`) simply matches nothing.
            session.execute(RECORD_SENT, [{"row_id": row_id, "ref": ref, "at": now}
                                          for row_id, ref in sent])
        report.count("sent", len(sent))

    def _claim(self) -> list[Claimed]:
        now = self.clock()
        with self.sessions.begin() as session:
            # The lease: if this process dies mid-send, the rows are due again after it.
            due = OutboxRepository(session).claim_due(now, self.batch_size, now + self.lease)
            claimed = [Claimed(d.id, d.key, d.channel, d.target, d.payload, d.attempts,
                               d.not_after, in_doubt_since=d.sending_since) for d in due]
            return self._with_readers(session, claimed)

    @staticmethod
    def _with_readers(session: Session, claimed: list[Claimed]) -> list[Claimed]:
        """Each message with its reader's communication profile, read for the whole batch in
        one query: a DM's by Slack id, a text's by member id, a redraw's by where the message
        it redraws went."""
        places = {item.id: _reader_place(item) for item in claimed}
        by_slack, by_id = MemberRepository(session).readers(
            {who for kind, who in places.values() if kind == "dm"},
            {int(who) for kind, who in places.values() if kind == "sms" and who.isdigit()})
        found: list[Claimed] = []
        for item in claimed:
            kind, who = places[item.id]
            reader = (by_slack.get(who) if kind == "dm" else
                      by_id.get(int(who)) if kind == "sms" and who.isdigit() else None)
            found.append(replace(item, reader=reader) if reader is not None else item)
        return found

    def _deliver(self, item: Claimed, report: DispatchReport,
                 sent: list[tuple[int, str]]) -> None:
        now = self.clock()
        if item.not_after is not None and now > item.not_after:
            self._finish(item, report, Attempt(False, True, "too late to send"))
            return
        try:
            item = self._rendered(item)
        except NoticeGone:
            self._skip(item, report)
            return
        except Exception as error:  # a renderer's bug: this one waits, the batch goes on
            log.exception("notification %d could not be drawn (%s)", item.id,
                          type(error).__name__)
            self._finish(item, report, Attempt(False, False, "could not be drawn"))
            return
        try:
            ref = self._send(item)
        except NoticeGone:
            self._skip(item, report)
            return
        except DeliveryFailed as failure:
            self._finish(item, report, failure.attempt)
            return
        except SmsError as error:
            self._finish(item, report, Attempt(False, error.permanent, error.reason))
            if error.opted_out:
                self._record_provider_opt_out(item)
            return
        except Held as held:
            self._hold(item, report, held)
            return
        if item.channel is OutboxChannel.SMS:
            self._record_text((item.id, ref), report)
            return
        sent.append((item.id, ref))

    def _record_text(self, sent: tuple[int, str], report: DispatchReport) -> None:
        """A text has no in-doubt lookup (a Slack post does): it is written down the moment the
        provider takes it, so a crash can send again at most the ones in flight. The batch's
        threads share the writes: a text taken while another is being written goes in the
        next write, with any others that came meanwhile, so a fan-out of texts waits for one
        commit every few texts rather than one each, and no more are in flight than there are
        threads. (The cap already counts it as taken, so this needs the cap's lock no more.)"""
        written: Future[None] = Future()
        with self._texts_queue:
            self._texts_to_write.append((sent, written))
        if not written.done():
            with self._texts_writing:
                if not written.done():  # else the write just ended took it along
                    with self._texts_queue:
                        group, self._texts_to_write = self._texts_to_write, []
                    try:
                        self._record_sent([text for text, _ in group], report)
                    except BaseException as error:
                        # Each thread whose text it was hears of it, as if it had written it
                        # (whatever it was: a thread left waiting would wait for ever).
                        for _, each in group:
                            each.set_exception(error)
                    else:
                        for _, each in group:
                            each.set_result(None)
        written.result()

    def _rendered(self, item: Claimed) -> Claimed:
        """The notice drawn from the state now, for this channel: at delivery, not when it
        was queued, so a late or retried message never shows what has since changed."""
        if "notice" not in item.payload:
            return item
        # A fan-out (a reminder to everyone invited) is one notice many times over: within a
        # batch it is drawn once per channel.
        memo = (json.dumps(item.payload, sort_keys=True), item.channel, item.reader.style)
        with self._drawing:
            drawing = self._drawn.get(memo)
            mine = drawing is None
            if drawing is None:
                drawing = self._drawn[memo] = Future()
        if mine:  # the batch's other threads wait for this one's drawing
            try:
                drawing.set_result(self.render(item.payload, item.channel, item.reader.style))
            except Exception as error:
                drawing.set_exception(error)
        return replace(item, payload=drawing.result())

    def _send(self, item: Claimed) -> str:
        if item.channel in (OutboxChannel.SLACK_DM, OutboxChannel.SLACK_CHANNEL):
            # Asked first, before any hold: a post that did arrive is recorded as sent, not
            # held and posted a second time when the hold ends.
            if item.in_doubt_since is not None:
                found = self._posted_before(item, item.in_doubt_since)
                if found is not None:
                    return found
            self._hold_for_quiet_hours(item)
            return self.slack.post(item.target, item.payload, key=item.key)
        if item.channel is OutboxChannel.SLACK_UPDATE:
            return self.slack.update(self._message_to_update(item.target), item.payload)
        self._hold_for_quiet_hours(item)
        return self._send_text(item)

    def _hold_for_quiet_hours(self, item: Claimed) -> None:
        """The hours someone asked not to be messaged in (a DM or a text; a channel has no one
        reader). A safeguarding alert goes all the same, and so does the answer to a text they
        have just sent (which the organisation's own quiet hours for texts may still hold)."""
        if item.channel is OutboxChannel.SLACK_CHANNEL or item.payload.get("urgent") or (
                item.payload.get("reply")):
            return
        release = quiet_release(self.clock(), self.tz, item.reader.quiet)
        if release is not None:
            raise Held(release, "held for their quiet hours")

    def _posted_before(self, item: Claimed, since: datetime) -> str | None:
        """The last attempt never came back. Each post carries a mark of its key, so Slack can
        say whether it arrived; only if it didn't (or Slack can't say) is it posted again.
        Texts and updates are not checked: an update is the same whichever time it lands, and
        a text may, rarely, come twice."""
        try:
            found = self.slack.already_posted(item.target, item.key, since)
        except DeliveryFailed as failure:
            log.warning("notification %d: could not check whether it was sent before (%s); "
                        "sending it again", item.id, failure.attempt.reason)
            return None
        if found is not None:
            log.info("notification %d was delivered before the last run stopped", item.id)
        return found

    def _message_to_update(self, target: str) -> str:
        key = updated_key(target)
        if key is None:
            return target
        with self.sessions() as session:
            original = OutboxRepository(session).get_by_key(key)
            if original is not None and original.status is OutboxStatus.SKIPPED:
                raise NoticeGone(key)  # never posted, as it was no longer needed
            if original is None or original.status is OutboxStatus.FAILED:
                raise DeliveryFailed(Attempt(False, True, "the message to update was never sent"))
            if original.delivered_ref is None:
                raise DeliveryFailed(Attempt(False, False, "waiting for the message to update"))
            return original.delivered_ref

    def _send_text(self, item: Claimed) -> str:
        urgent = bool(item.payload.get("urgent"))
        now = self.clock()
        if not urgent:
            # Safeguarding escalations are the only texts that break quiet hours or the cap.
            release = quiet_hours_release(now, self.tz)
            if release is not None:
                raise Held(release, "held for quiet hours")
        texts = self._texts
        contact = texts.contact(item.target)
        with texts.lock:
            # Under the lock, so that the batch's threads can't all take the last text.
            if not urgent and texts.used_up(now):
                raise Held(next_morning(now, self.tz), "held: today's texts are used up")
            if contact is None or contact.phone is None:
                raise SmsError("no phone number for this member", permanent=True)
            if urgent or item.payload.get("reply"):
                # A safeguarding escalation to a lead or coordinator, or an answer to a text
                # someone sent us, goes by text whatever their usual preference, unless they
                # have withdrawn consent to texts.
                if contact.consent is False:
                    raise SmsError("this person has withdrawn consent to texts", permanent=True)
            elif contact.contact is ContactPreference.SLACK or not contact.consent:
                raise SmsError("no consent to text this member", permanent=True)
            texts.taken += 1  # taken now; given back if the send fails
        try:
            return self.sms.send(contact.phone, str(item.payload.get("text", "")),
                                 item.not_after)
        except Exception:
            with texts.lock:
                texts.taken -= 1
            raise

    def _skip(self, item: Claimed, report: DispatchReport) -> None:
        """Nothing to send any more, and no failure: the meeting was cancelled, the incident
        picked up, the session covered, or what it was about is gone."""
        with self.sessions.begin() as session:
            row = session.get(OutboxMessage, item.id)
            if row is None:
                return
            row.status, row.sending_since = OutboxStatus.SKIPPED, None
            row.last_error = "no longer needed"
        report.count("skipped")

    def _hold(self, item: Claimed, report: DispatchReport, held: Held) -> None:
        with self.sessions.begin() as session:
            row = session.get(OutboxMessage, item.id)
            if row is None:
                return
            if row.not_after is not None and held.until > row.not_after:
                row.status, row.sending_since = OutboxStatus.FAILED, None
                row.last_error = f"too late to send ({held.reason})"
                report.count("failed")
                return
            row.attempts -= 1  # waiting is not a try
            row.next_attempt_at = held.until
            row.sending_since = None
            row.last_error = held.reason
            report.count("held")

    def _record_provider_opt_out(self, item: Claimed) -> None:
        """The provider says this number opted out (error 21610): kept as our own state, so
        nothing more is sent until they text START."""
        with self.sessions.begin() as session:
            member = MemberRepository(session).get(int(item.target))
            if member is not None and member.has_sms_consent:
                member.consents.append(SmsConsent(given=False, method="provider opt-out (21610)",
                                                  recorded_at=self.clock()))
        self._texts.opted_out(item.target)  # the batch's later texts to them are not tried

    def _finish(self, item: Claimed, report: DispatchReport, attempt: Attempt) -> None:
        """A failed try: wait and try again, or give up with the reason."""
        now = self.clock()
        with self.sessions.begin() as session:
            row = session.get(OutboxMessage, item.id)
            if row is None:
                return
            step = next_step(
                attempt,
                attempts_made=item.attempts,
                max_attempts=self.max_attempts,
                now=now,
                not_after=item.not_after,
            )
            row.last_error = step.reason[:300]
            row.sending_since = None
            if step.give_up:
                row.status = OutboxStatus.FAILED
                report.count("failed")
                log.warning("notification %d failed for good: %s", row.id, step.reason)
            else:
                assert step.retry_at is not None
                row.next_attempt_at = step.retry_at
                report.count("retrying")


def _reader_place(item: Claimed) -> tuple[str, str]:
    """("dm", a Slack id), ("sms", a member id), or ("channel", ...) for a message read by
    everyone in a channel."""
    if item.channel is OutboxChannel.SLACK_DM:
        return "dm", item.target
    if item.channel is OutboxChannel.SMS:
        return "sms", item.target
    if item.channel is OutboxChannel.SLACK_UPDATE:
        original = updated_key(item.target)
        if original is not None:
            return place_of(original)
    return "channel", item.target
