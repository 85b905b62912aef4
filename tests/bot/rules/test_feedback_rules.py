"""Feedback rules, table-driven: checking, routing, recipients, codes and rounds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.rules.feedback import (
    CODE_ALPHABET,
    FeedbackForm,
    anonymous_release_time,
    check_feedback,
    choose_recipients,
    fit_in_box,
    hash_case_code,
    meeting_step,
    new_case_code,
    normalise_code,
    route_feedback,
)
from bot.rules.feedback_words import FeedbackKind as K
from bot.rules.feedback_words import FeedbackRoute as R
from bot.rules.feedback_words import FeedbackTopic as T
from bot.rules.feedback_words import MeetingStatus as M


def form(**changes: object) -> FeedbackForm:
    values: dict[str, object] = {"kind": K.SUGGESTION, "topic": T.SERVICE, "text": "More tea",
                                 "anonymous": False}
    values.update(changes)
    return FeedbackForm(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({}, set()),
        ({"text": "x" * 3000}, set()),
        ({"text": "x" * 3001}, {"text"}),
        ({"text": " \n "}, {"text"}),
        ({"kind": None, "topic": None}, {"kind", "topic"}),
        ({"anonymous": None}, {"identity"}),
        ({"anonymous": True, "wants_meeting": True}, {"identity"}),
        ({"anonymous": True, "wants_acknowledgement": True}, {"identity"}),
        ({"anonymous": True, "testimony_consent": True}, set()),
        ({"anonymous": False, "wants_meeting": True}, set()),
    ],
)
def test_check_feedback(changes: dict[str, object], fields: set[str]) -> None:
    assert set(check_feedback(form(**changes))) == fields


@pytest.mark.parametrize(
    ("kind", "topic", "team", "route"),
    [
        (K.COMPLAINT, T.TEAM_MEMBER, False, R.HR),
        (K.COMPLIMENT, T.TEAM_MEMBER, False, R.HR),
        (K.BETWEEN_PEOPLE, T.SESSION, True, R.HR),
        (K.BETWEEN_PEOPLE, T.SESSION, False, R.COORDINATORS),
        (K.CONCERN, T.SESSION, True, R.COORDINATORS),
        (K.SUGGESTION, T.OTHER, False, R.COORDINATORS),
    ],
)
def test_route_feedback(kind: K, topic: T, team: bool, route: R) -> None:
    assert route_feedback(kind, topic, team) is route


@pytest.mark.parametrize(
    ("route", "about", "expected", "fell_back"),
    [
        (R.HR, None, ["U0HR1", "U0HR2"], False),
        (R.HR, "U0HR1", ["U0HR2"], False),
        (R.COORDINATORS, None, ["U0CO1"], False),
        (R.COORDINATORS, "U0CO1", ["U0TR1"], True),
    ],
)
def test_choose_recipients(route: R, about: str | None, expected: list[str],
                           fell_back: bool) -> None:
    chosen = choose_recipients(route, hr_officers=["U0HR2", "U0HR1"], coordinators=["U0CO1"],
                               trustees=["U0TR1"], about_slack_id=about)
    assert chosen == (expected, fell_back)


def test_the_only_hr_officer_about_themselves_goes_to_trustees_then_coordinators() -> None:
    assert choose_recipients(R.HR, hr_officers=["U0HR1"], coordinators=["U0CO1"],
                             trustees=[], about_slack_id="U0HR1") == (["U0CO1"], True)
    assert choose_recipients(R.HR, hr_officers=[], coordinators=[], trustees=[],
                             about_slack_id=None) == ([], True)


def test_codes_are_unguessable_and_read_back_however_typed() -> None:
    codes = {new_case_code() for _ in range(500)}
    assert len(codes) == 500
    code = codes.pop()
    assert len(code) == 14 and code.count("-") == 2
    assert set(code.replace("-", "")) <= set(CODE_ALPHABET)
    assert normalise_code(code.lower()) == code
    assert normalise_code(code.replace("-", "")) == code
    assert normalise_code(" " + code.replace("-", " - ") + " ") == code
    assert hash_case_code(code) != code and len(hash_case_code(code)) == 64


@pytest.mark.parametrize("text", ["", "ABCD", "ABCD-EFGH", "ABCD-EFGH-JKLMN", "ABC!-EFGH-JKLM"])
def test_things_that_cannot_be_codes(text: str) -> None:
    assert normalise_code(text) is None


@pytest.mark.parametrize(
    ("now", "release"),
    [
        ((10, 0, 0), (10, 15, 0)),
        ((10, 7, 31), (10, 15, 0)),
        ((10, 14, 59), (10, 15, 0)),
        ((10, 45, 1), (11, 0, 0)),
    ],
)
def test_anonymous_rounds(now: tuple[int, int, int], release: tuple[int, int, int]) -> None:
    moment = datetime(2026, 11, 23, *now, tzinfo=UTC)
    assert anonymous_release_time(moment) == datetime(2026, 11, 23, *release, tzinfo=UTC)


@pytest.mark.parametrize(
    ("current", "to", "expected"),
    [
        (M.REQUESTED, M.ACKNOWLEDGED, M.ACKNOWLEDGED),
        (M.REQUESTED, M.ARRANGED, M.ARRANGED),  # arranged straight away
        (M.REQUESTED, M.DECLINED, M.DECLINED),
        (M.ACKNOWLEDGED, M.ARRANGED, M.ARRANGED),
        (M.ACKNOWLEDGED, M.DECLINED, M.DECLINED),
        (M.ACKNOWLEDGED, M.ACKNOWLEDGED, None),  # twice is once
        (M.ACKNOWLEDGED, M.REQUESTED, None),
        (M.ARRANGED, M.DECLINED, None),  # closed stays closed
        (M.DECLINED, M.ARRANGED, None),
        (M.NOT_ASKED, M.ACKNOWLEDGED, None),  # nobody asked: no steps
        (M.REQUESTED, M.NOT_ASKED, None),
    ],
)
def test_a_meeting_request_takes_the_request_workflows_steps(
    current: M, to: M, expected: M | None
) -> None:
    assert meeting_step(current, to) is expected


@pytest.mark.parametrize(
    ("text", "kept", "rest"),
    [
        ("short", "short", ""),
        ("a" * 10, "a" * 10, ""),
        ("aaaa bbbbbb cc", "aaaa", "bbbbbb cc"),      # cut at the space, not inside a word
        ("aaaa\nbbbbbb", "aaaa", "bbbbbb"),            # a line break counts as a space
        ("aaaaaaaaaaaaaa", "aaaaaaaaaa", "aaaa"),      # no space at all: cut at the limit
        ("aaaaaaaaaa bbb", "aaaaaaaaaa", "bbb"),       # the limit falls on a space
    ],
)
def test_fit_in_box(text: str, kept: str, rest: str) -> None:
    assert fit_in_box(text, limit=10) == (kept, rest)
