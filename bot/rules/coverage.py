"""Lone working, as rules: who counts as trained, when a session is covered, who may take a
place, and when coordinators are warned. Plain values in, plain values out."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

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
        return "✅", "Covered"
    missing, trained = coverage.missing_facilitators, coverage.missing_trained
    if missing == 0:
        return "⚠️", ("Needs a trained facilitator" if trained == 1
                      else f"Needs {trained} trained facilitators")
    people = "one more facilitator" if missing == 1 else f"{missing} more facilitators"
    if trained == 0:
        return "⚠️", f"Needs {people}"
    return "⚠️", f"Needs {people}, at least {'one' if trained == 1 else trained} trained"


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


def offer_expires_at(starts_at: datetime, now: datetime) -> datetime:
    """An offered place is held for two hours, or until an hour before the start if sooner."""
    return max(min(now + OFFER_TIME, starts_at - timedelta(hours=1)), now)
