"""A check "before" says the work is coming up: once the work has ended (or been withdrawn) it is
neither kept nor shown, even when its day has already come."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.rules.involvement import CheckStage, InvolvementStatus
from bot.rules.opportunities import checks_when_ended
from bot.rules.wellbeing import still_asked

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
B, E, F = CheckStage.BEFORE, CheckStage.END, CheckStage.FOLLOW_UP
S = InvolvementStatus


@pytest.mark.parametrize("before", [NOW - timedelta(minutes=2), NOW, NOW + timedelta(days=2)])
def test_ending_drops_an_unsent_check_before_whatever_its_day(before: datetime) -> None:
    assert checks_when_ended(NOW, {B: before}, 3) == {B: None, E: NOW,
                                                      F: NOW + timedelta(days=3)}


@pytest.mark.parametrize(("stage", "status", "starts_at", "asked"), [
    (B, S.ACCEPTED, None, True),
    (B, S.ACCEPTED, NOW + timedelta(days=1), True),
    (B, S.ACCEPTED, NOW - timedelta(hours=1), False),  # begun: not "coming up" any more
    (B, S.ENDED, None, False),
    (B, S.WITHDRAWN, None, False),
    (B, S.PAUSED, None, True),  # a break: a check on its way still comes
    (E, S.PAUSED, None, True),
    (E, S.ENDED, None, True),
    (F, S.ENDED, None, True),
    (E, S.ACCEPTED, None, True),
    (E, S.WITHDRAWN, None, False),
    (F, S.DECLINED, None, False),
])
def test_a_check_not_yet_answered_is_shown_only_while_it_still_fits(
    stage: CheckStage, status: InvolvementStatus, starts_at: datetime | None, asked: bool
) -> None:
    assert still_asked(stage, status, NOW, starts_at) is asked
