"""Lone working, as rules: who counts as trained, when a session is covered, who may take a
place, who a freed place is offered to, who may come along, and when coordinators are warned.
Plain values in, plain values out."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from bot.rules.communication import DONE, WARNING

# Coordinators are warned at each of these before a session that is not covered.
ALERT_THRESHOLDS: tuple[tuple[str, timedelta], ...] = (
    ("7d", timedelta(days=7)),
    ("72h", timedelta(hours=72)),
    ("24h", timedelta(hours=24)),
)
LATE_RELEASE = timedelta(hours=48)
OFFER_TIME = timedelta(hours=2)


@dataclass(frozen=True)
class Facilitator:
    member_id: int
    name: str
    has_trained_role: bool
    trained_until: date | None

    def is_trained_on(self, day: date) -> bool:
        """Trained and DBS-checked on that day. No end date means trained until a coordinator
        sets one; an expired one still facilitates, but does not count as trained."""
        return self.has_trained_role and (self.trained_until is None or self.trained_until >= day)


@dataclass(frozen=True)
class Coverage:
    facilitators: int
    trained: int
    missing_facilitators: int
    missing_trained: int

    @property
    def covered(self) -> bool:
        return self.missing_facilitators == 0 and self.missing_trained == 0


def assess_coverage(
    facilitators: Sequence[Facilitator], on: date, *, needed: int = 2, trained_needed: int = 1
) -> Coverage:
    trained = sum(1 for f in facilitators if f.is_trained_on(on))
    return Coverage(
        facilitators=len(facilitators),
        trained=trained,
        missing_facilitators=max(needed - len(facilitators), 0),
        missing_trained=max(trained_needed - trained, 0),
    )


def coverage_words(coverage: Coverage) -> tuple[str, str]:
    """A symbol and plain words for the state of a session."""
    if coverage.covered:
        return DONE, "Covered"
    missing, trained = coverage.missing_facilitators, coverage.missing_trained
    if missing == 0:
        return WARNING, ("Needs a trained facilitator" if trained == 1
                      else f"Needs {trained} trained facilitators")
    people = "one more facilitator" if missing == 1 else f"{missing} more facilitators"
    if trained == 0:
        return WARNING, f"Needs {people}"
    # When every place left must go to a trained person, say so plainly.
    if trained >= missing:
        return WARNING, ("Needs one more facilitator, and they must be trained" if trained == 1
                      else f"Needs {trained} more trained facilitators")
    return WARNING, f"Needs {people}, at least {'one' if trained == 1 else trained} trained"


@dataclass(frozen=True)
class Waiting:
    """Someone on a session's waiting list, and any offer of a place made to them."""

    member_id: int
    offered_until: datetime | None = None
    declined: bool = False

    def holds_place(self, now: datetime) -> bool:
        """An offer still open keeps a place for them: nobody else can take it meanwhile."""
        return self.offered_until is not None and self.offered_until > now and not self.declined


def held_places(waiting: Sequence[Waiting], now: datetime, *,
                besides: int | None = None) -> int:
    """Places kept for open offers; `besides` is someone claiming with their own offer."""
    return sum(1 for w in waiting if w.member_id != besides and w.holds_place(now))


def free_places(places: int, taken: int, held: int) -> int:
    """Places anyone may claim now: not taken and not held for an offer."""
    return max(places - taken - held, 0)


@dataclass(frozen=True)
class Offer:
    """A freed place offered to one person until a time. Not `in_time` when the session is too
    close for an offer to be worth making: the place then opens to everyone at once."""

    member_id: int
    until: datetime
    in_time: bool


def next_offer(waiting: Sequence[Waiting], *, places: int, taken: int, starts_at: datetime,
               now: datetime) -> Offer | None:
    """A free place goes first to the longest waiting who has had no offer yet, one offer at a
    time; None while an offer is open, no place is free, or nobody is waiting."""
    if places - taken <= 0 or any(w.holds_place(now) for w in waiting):
        return None
    first = next((w for w in waiting if not w.declined and w.offered_until is None), None)
    if first is None:
        return None
    until = offer_expires_at(starts_at, now)
    return Offer(first.member_id, until, in_time=until > now)


class Attendance(enum.StrEnum):
    JOIN = "join"
    LEAVE = "leave"
    FULL = "full"
    UNCHANGED = "unchanged"


def has_room(capacity: int | None, coming: int) -> bool:
    return capacity is None or coming < capacity


def decide_attendance(*, wants: bool, attending: bool, capacity: int | None,
                      coming: int) -> Attendance:
    """Someone says they will (or won't) come: leaving always works, joining while there is
    room, and saying what is already so changes nothing."""
    if wants == attending:
        return Attendance.UNCHANGED
    if not wants:
        return Attendance.LEAVE
    return Attendance.JOIN if has_room(capacity, coming) else Attendance.FULL


class Outcome(enum.StrEnum):
    """What came of releasing a place, joining the waiting list or saying you'll attend."""

    RELEASED = "released"
    NOT_SIGNED_UP = "not_signed_up"
    CONFIRM_LATE_RELEASE = "confirm_late_release"
    ATTENDING = "attending"
    NOT_ATTENDING = "not_attending"
    ATTENDANCE_FULL = "attendance_full"
    NOT_IN_DIRECTORY = "not_in_directory"
    WAITING = "waiting"
    ALREADY_WAITING = "already_waiting"
    OFFER_GONE = "offer_gone"
    STARTED = "started"
    CANCELLED = "cancelled"


class ClaimDecision(enum.StrEnum):
    OK = "ok"
    ALREADY = "already"
    FULL = "full"
    KEPT_FOR_TRAINED = "kept_for_trained"
    HELD_FOR_OFFER = "held_for_offer"
    NOT_A_FACILITATOR = "not_a_facilitator"
    STARTED = "started"
    CANCELLED = "cancelled"


def decide_claim(
    current: Sequence[Facilitator],
    claimant: Facilitator | None,
    *,
    places: int,
    held_places: int,
    trained_needed: int,
    on: date,
) -> ClaimDecision:
    """Whether this person may take a place now. The last places are kept for trained
    facilitators while the session has too few, so it can never fill up without one."""
    if claimant is None:
        return ClaimDecision.NOT_A_FACILITATOR
    if any(f.member_id == claimant.member_id for f in current):
        return ClaimDecision.ALREADY
    free = places - len(current) - held_places
    if free <= 0:
        return ClaimDecision.HELD_FOR_OFFER if held_places and free + held_places > 0 \
            else ClaimDecision.FULL
    missing_trained = max(trained_needed - sum(1 for f in current if f.is_trained_on(on)), 0)
    if not claimant.is_trained_on(on) and free <= missing_trained:
        return ClaimDecision.KEPT_FOR_TRAINED
    return ClaimDecision.OK


def alert_due(starts_at: datetime, now: datetime) -> str | None:
    """The tightest warning threshold reached before the start, or None. A session created
    two days ahead gets the 72-hour warning, not a late 7-day one as well."""
    if now >= starts_at:
        return None
    reached = [label for label, before in ALERT_THRESHOLDS if now >= starts_at - before]
    return reached[-1] if reached else None


def release_is_late(starts_at: datetime, now: datetime) -> bool:
    return starts_at - now <= LATE_RELEASE


def offer_once_reachable(offer: Offer, starts_at: datetime, reachable_from: datetime) -> Offer:
    """An offer to someone in the hours they asked not to be messaged runs from when it can
    reach them, so that their turn doesn't pass while they can't see it; not `in_time` when
    that is too late for the session."""
    until = offer_expires_at(starts_at, reachable_from)
    return replace(offer, until=until, in_time=until > reachable_from)


def offer_expires_at(starts_at: datetime, now: datetime) -> datetime:
    """An offered place is held for two hours, or until an hour before the start if sooner."""
    return max(min(now + OFFER_TIME, starts_at - timedelta(hours=1)), now)
