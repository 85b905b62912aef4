"""Recording notices: each service writes what happened to the outbox, in its own transaction,
through one book. Where a notice goes and who it concerns is decided here; how it reads is
decided at delivery, by the renderers beside the Slack code."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.orm import Session

from bot import notices
from bot.notices import Notice
from storage.models import ContactPreference, Member, OutboxChannel, OutboxMessage
from storage.repositories import NewMessage, OutboxRepository, new_message


class NoticeBook:
    """The outbox as a service sees it: "tell this person", "post in that channel", "redraw
    every copy". It flushes with the caller's transaction and never sends.

    `about` lists the members a notice names besides its recipient; the recipient needs no
    listing, since erasure also finds the rows addressed to a person (their Slack id, or their
    member id for texts)."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.outbox = OutboxRepository(session)
        self.now = now
        self._gathered: list[NewMessage] | None = None

    @contextmanager
    def all_at_once(self) -> Iterator[None]:
        """Notices recorded inside are queued together as it ends, in bulk
        (`OutboxRepository.enqueue_all`): for a reminder to everyone invited. If the block
        raises, none of them is queued; `was_queued` inside sees only what came before it."""
        if self._gathered is not None:  # inside another: that one queues them
            yield
            return
        self._gathered = []
        try:
            yield
            self.outbox.enqueue_all(self._gathered)
        finally:
            self._gathered = None

    def _queue(self, message: NewMessage) -> None:
        if self._gathered is None:
            self.outbox.add_new(message)
        else:
            self._gathered.append(message)

    def to_slack_user(self, slack_user_id: str, notice: Notice, *, about: Iterable[int] = (),
                      deliver_at: datetime | None = None) -> None:
        """A direct message. `about`: members the notice names, besides its recipient."""
        self._queue(new_message(
            key=notice.key(notices.dm(slack_user_id)), channel=OutboxChannel.SLACK_DM,
            target=slack_user_id, payload=notice.to_payload(), now=deliver_at or self.now,
            deliver_at=deliver_at, concerns=about))

    def to_channel(self, channel_id: str, notice: Notice, *, about: Iterable[int] = (),
                   deliver_at: datetime | None = None) -> None:
        self._queue(new_message(
            key=notice.key(notices.channel(channel_id)), channel=OutboxChannel.SLACK_CHANNEL,
            target=channel_id, payload=notice.to_payload(), now=deliver_at or self.now,
            deliver_at=deliver_at, concerns=about))

    def by_text(self, member: Member, notice: Notice, *, about: Iterable[int] = (),
                not_after: datetime | None = None, rsvp_for: str | None = None) -> None:
        """A text. Consent and the number are checked again when it is sent."""
        self._queue(new_message(
            key=notice.key(notices.text(member.id)), channel=OutboxChannel.SMS,
            target=str(member.id), payload=notice.to_payload(), now=self.now,
            not_after=not_after, rsvp_for=rsvp_for, concerns=about))

    def to_member(self, member: Member, notice: Notice, *, texts: bool = False,
                  about: Iterable[int] = (), not_after: datetime | None = None,
                  rsvp_for: str | None = None) -> int:
        """Tells a member their own way: a Slack DM, and a text when the notice has words for
        one (`texts`), they take texts and have agreed. Returns how many were queued."""
        queued = 0
        about = list(about)
        if member.slack_user_id and member.contact is not ContactPreference.SMS:
            self.to_slack_user(member.slack_user_id, notice, about=about)
            queued += 1
        if texts and member.takes_texts:
            self.by_text(member, notice, about=about, not_after=not_after, rsvp_for=rsvp_for)
            queued += 1
        return queued

    def redraw(self, notice: Notice, version: int | str) -> int:
        """Every posted copy of `notice` (all its levels and places) is drawn again from the
        current state: each copy's own notice is queued once more as an update of it."""
        return self.redraw_copies(self.outbox.copies_of(notice.family), version)

    def redraw_all(self, several: Sequence[Notice], version: int | str) -> int:
        """As `redraw`, for several notices, with one read of the outbox for them all."""
        return self.redraw_copies(self.outbox.copies_of_any([n.family for n in several]),
                                  version)

    def redraw_copies(self, copies: Iterable[OutboxMessage], version: int | str) -> int:
        """Each posted copy drawn again from the current state: its own notice queued once
        more as an update of it."""
        # A copy stored before notices were data keeps no notice (only {"text": ""} once
        # delivered): there is nothing to draw it from, so it is left as it stands.
        drawable = [c for c in copies if notices.NOTICE_FIELD in c.payload]
        with self.all_at_once():
            for copy in drawable:
                key = copy.idempotency_key
                self._queue(new_message(
                    key=notices.update_key(key, version), channel=OutboxChannel.SLACK_UPDATE,
                    target=notices.update_target(key), payload=dict(copy.payload),
                    now=self.now))
        return len(drawable)

    def was_queued(self, notice: Notice) -> bool:
        return self.outbox.has_family(notice.family)
