"""The rules of involvement opportunities, table by table: money as typed, where an involvement
may go, when the wellbeing checks fall due, whether a story may be used, and the offer's words."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.rules.forms import NeedsChanges
from bot.rules.involvement import (
    CheckStage,
    InvolvementStatus,
    OpportunityKind,
    PaymentChoice,
    Recompense,
)
from bot.rules.opportunities import (
    OK_TO_SAY_NO,
    ExitForm,
    InvalidOpportunity,
    Move,
    OfferTerms,
    OpportunityDraft,
    Recommend,
    UseVerdict,
    amount_taken,
    anonymous_releases,
    check_exit,
    checks_when_ended,
    checks_when_resumed,
    fee_due_pence,
    month_of,
    next_status,
    offer_words,
    opportunity_text,
    parse_pounds,
    pounds,
    story_use,
    validate_opportunity,
    wellbeing_due,
)

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
S = InvolvementStatus


@pytest.mark.parametrize(("typed", "pence"), [
    ("25", 2500), ("25.50", 2550), ("£25.5", 2550), ("£ 25", 2500), (" 0.99 ", 99),
    ("25.505", None), ("25,50", None), ("-5", None), ("twenty", None), ("", None),
    ("²5", None), ("1e3", None), ("٢٥", None),
])
def test_amounts_are_read_in_pounds_and_pence(typed: str, pence: int | None) -> None:
    assert parse_pounds(typed) == pence


@pytest.mark.parametrize(("pence", "words"), [
    (2550, "£25.50"), (5, "£0.05"), (100000, "£1,000.00")])
def test_amounts_are_shown_as_pounds(pence: int, words: str) -> None:
    assert pounds(pence) == words


@pytest.mark.parametrize(("current", "move", "to"), [
    (S.DECLINED, Move.INTEREST, S.INTERESTED),
    (S.ACCEPTED, Move.INTEREST, None),
    (S.INTERESTED, Move.OFFER, S.OFFERED),
    (S.OFFERED, Move.ACCEPT, S.ACCEPTED),
    (S.ACCEPTED, Move.ACCEPT, None),
    (S.ACCEPTED, Move.PAUSE, S.PAUSED),
    (S.PAUSED, Move.RESUME, S.ACCEPTED),
    (S.PAUSED, Move.WITHDRAW, S.WITHDRAWN),
    (S.INTERESTED, Move.WITHDRAW, S.WITHDRAWN),
    (S.ENDED, Move.WITHDRAW, None),
    (S.PAUSED, Move.END, S.ENDED),
    (S.OFFERED, Move.END, None),
])
def test_where_an_involvement_may_go(current: InvolvementStatus, move: Move,
                                     to: InvolvementStatus | None) -> None:
    assert next_status(current, move) == to


@pytest.mark.parametrize(("starts", "ends", "expected"), [
    # Dates ahead: the day before, the end, three days after.
    (NOW + timedelta(days=10), NOW + timedelta(days=11),
     {CheckStage.BEFORE: NOW + timedelta(days=9), CheckStage.END: NOW + timedelta(days=11),
      CheckStage.FOLLOW_UP: NOW + timedelta(days=14)}),
    # Starting within a day: the check before comes at acceptance.
    (NOW + timedelta(hours=5), None,
     {CheckStage.BEFORE: NOW, CheckStage.END: NOW + timedelta(hours=5),
      CheckStage.FOLLOW_UP: NOW + timedelta(days=3, hours=5)}),
    # No dates: only the check before; the rest when it is marked ended.
    (None, None, {CheckStage.BEFORE: NOW}),
])
def test_when_the_wellbeing_checks_fall_due(starts: datetime | None, ends: datetime | None,
                                            expected: dict[CheckStage, datetime]) -> None:
    assert wellbeing_due(NOW, starts, ends, 3) == expected


def test_ending_early_brings_the_checks_forward_and_drops_the_one_before() -> None:
    planned = {CheckStage.BEFORE: NOW + timedelta(days=9),
               CheckStage.END: NOW + timedelta(days=11),
               CheckStage.FOLLOW_UP: NOW + timedelta(days=14)}
    assert checks_when_ended(NOW, planned, 3) == {
        CheckStage.BEFORE: None, CheckStage.END: NOW,
        CheckStage.FOLLOW_UP: NOW + timedelta(days=3)}


E, F = CheckStage.END, CheckStage.FOLLOW_UP
DAY = timedelta(days=1)


@pytest.mark.parametrize(("planned", "moved"), [
    # Paused past its end: a check long past due would never be sent, so it comes now.
    ({E: NOW - 9 * DAY, F: NOW - 6 * DAY}, {E: NOW, F: NOW + 3 * DAY}),
    # Just past: the end check now, and the follow-up days after it, not an hour later.
    ({E: NOW - DAY, F: NOW + 2 * DAY}, {E: NOW, F: NOW + 3 * DAY}),
    # The end check has gone: the follow-up keeps its day if that is still to come.
    ({F: NOW + 2 * DAY}, {E: NOW, F: NOW + 2 * DAY}),
    ({F: NOW - 2 * DAY}, {E: NOW, F: NOW + 3 * DAY}),
    ({}, {E: NOW, F: NOW + 3 * DAY}),  # no dates: dated now
])
def test_checks_when_ended_are_never_left_in_the_past(
    planned: dict[CheckStage, datetime], moved: dict[CheckStage, datetime]
) -> None:
    assert checks_when_ended(NOW, planned, 3) == moved


@pytest.mark.parametrize(("planned", "moved"), [
    ({E: NOW - 9 * DAY, F: NOW - 6 * DAY}, {E: NOW, F: NOW + 3 * DAY}),
    ({E: NOW - DAY, F: NOW + 2 * DAY}, {E: NOW, F: NOW + 3 * DAY}),
    ({E: NOW + DAY, F: NOW + 4 * DAY}, {}),  # still to come: as planned
    ({F: NOW - DAY}, {F: NOW + 3 * DAY}),  # the end check went before the pause
    ({CheckStage.BEFORE: NOW - DAY}, {}),  # the work has begun: not asked late
])
def test_checks_past_their_day_when_resumed_come_now(
    planned: dict[CheckStage, datetime], moved: dict[CheckStage, datetime]
) -> None:
    assert checks_when_resumed(NOW, planned, 3) == moved


@pytest.mark.parametrize(("before", "after_asked", "after", "withdrawn", "verdict"), [
    (True, False, None, False, UseVerdict.MAY_USE),
    (None, False, None, False, UseVerdict.NOT_ANSWERED),
    (False, False, None, False, UseVerdict.NOT_GIVEN),
    (True, True, None, False, UseVerdict.NOT_ANSWERED),  # ended: waiting for the answer after
    (True, True, False, False, UseVerdict.NOT_GIVEN),
    (True, True, True, False, UseVerdict.MAY_USE),
    (True, True, True, True, UseVerdict.WITHDRAWN),
    (True, False, None, True, UseVerdict.WITHDRAWN),
])
def test_whether_a_story_may_be_used(before: bool | None, after_asked: bool,
                                     after: bool | None, withdrawn: bool,
                                     verdict: UseVerdict) -> None:
    assert story_use(before, after_asked, after, withdrawn) is verdict


@pytest.mark.parametrize(("choice", "less", "taken"), [
    (PaymentChoice.TAKE, None, 2550), (PaymentChoice.TAKE_LESS, 1000, 1000),
    (PaymentChoice.DONATE, None, 0), (PaymentChoice.DECLINE, None, 0)])
def test_what_is_taken_of_the_payment(choice: PaymentChoice, less: int | None,
                                      taken: int) -> None:
    assert amount_taken(choice, 2550, less) == taken
    assert fee_due_pence(Recompense.FEE, 2550, choice, None if less is None else less) == taken


def test_taking_less_needs_less() -> None:
    with pytest.raises(NeedsChanges):
        amount_taken(PaymentChoice.TAKE_LESS, 2550, 2550)
    assert fee_due_pence(Recompense.EXPENSES_ONLY, None, None, None) is None
    assert fee_due_pence(Recompense.VOUCHER, 2000, None, None) is None  # not chosen yet


def test_a_draft_missing_everything_names_each_field() -> None:
    with pytest.raises(InvalidOpportunity) as refused:
        validate_opportunity(OpportunityDraft(recompense=Recompense.VOUCHER), NOW, UTC)
    assert set(refused.value.errors) == {"kind", "title", "purpose", "expected", "when_where",
                                         "time_needed", "amount", "contact"}


def terms(**changes: object) -> OfferTerms:
    values: dict[str, object] = dict(
        org="Riverside", kind=OpportunityKind.CONSULTATION, title="Crisis care review",
        purpose="Shape the new crisis pathway", expected="Two workshops",
        when_where="Online", time_needed="Four hours", experience="",
        recompense=Recompense.FEE, amount_pence=4000, shares_story=False,
        published_outputs=False, contact_name="Ada Brightwater",
        first_day=date(2026, 12, 1), last_day=date(2026, 12, 8))
    values.update(changes)
    return OfferTerms(**values)  # type: ignore[arg-type]


def test_the_offer_states_everything_agreed_in_advance() -> None:
    words = offer_words(terms(), "Citizens Advice")
    for part in ("Shape the new crisis pathway", "Two workshops", "Online", "Four hours",
                 "No particular experience is needed.", "A fee of £40.00",
                 "From Tue 1 Dec 2026 to Tue 8 Dec 2026", "can't give benefits advice",
                 "Citizens Advice", "Your contact: Ada Brightwater"):
        assert part in words, part
    assert words.endswith(OK_TO_SAY_NO)
    assert "Consent" not in words


def test_an_unpaid_offer_asking_for_a_story_says_consent_and_no_benefits_words() -> None:
    words = offer_words(terms(recompense=Recompense.EXPENSES_ONLY, amount_pence=None,
                              shares_story=True, first_day=None, last_day=None), "CA")
    assert "Your expenses are covered" in words and "benefits" not in words
    assert "before it starts and again after it ends" in words and "Dates" not in words


def test_every_exit_question_may_be_left_out() -> None:
    assert ExitForm().empty and check_exit(ExitForm()) == {}
    assert not ExitForm(recommend=Recommend.NO).empty
    assert set(check_exit(ExitForm(went_well="x" * 2001))) == {"went_well"}
    assert ExitForm(went_well=" Kind ").answers() == {
        "went_well": "Kind", "could_be_better": "", "anything_else": "", "recommend": None}


OCT, NOV, DEC, JAN = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)


@pytest.mark.parametrize(("counts", "this_month", "released"), [
    ({NOV: 3}, NOV, {}),                              # the month hasn't ended
    ({NOV: 3}, DEC, {NOV: NOV}),                      # ended, with three: shown
    ({NOV: 1}, DEC, {}),                              # alone: held
    ({NOV: 1, DEC: 2}, JAN, {NOV: DEC, DEC: DEC}),    # folded into the next month
    ({OCT: 1, NOV: 1, DEC: 5}, JAN, {OCT: DEC, NOV: DEC, DEC: DEC}),
    ({OCT: 4, NOV: 2}, JAN, {OCT: OCT}),              # November waits for December
    ({OCT: 2, DEC: 1}, DEC, {}),                      # December's doesn't count yet
])
def test_anonymous_exit_answers_are_shown_three_at_a_time_for_months_that_have_ended(
    counts: dict[date, int], this_month: date, released: dict[date, date]
) -> None:
    assert anonymous_releases(counts, this_month) == released


def test_an_answer_is_dated_by_its_month() -> None:
    assert month_of(date(2026, 11, 23)) == NOV


@pytest.mark.parametrize("kind", list(OpportunityKind))
def test_a_text_about_an_opportunity_names_its_kind_only(kind: OpportunityKind) -> None:
    words = opportunity_text(kind)
    assert words.startswith("A new way to get involved: ") and "tell a coordinator" in words
    assert len(words) <= 140
