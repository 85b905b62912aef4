"""Policies, induction and wellbeing checks as pure rules, table by table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.rules.involvement import CheckStage, InductionStep, OpportunityKind, Wellbeing
from bot.rules.policies import (
    InductionNeeded,
    InvalidPolicy,
    PolicyDraft,
    check_policy,
    induction_words,
    our_title,
    policy_key,
    policy_text,
    still_needed,
)
from bot.rules.texting import chosen_number
from bot.rules.wellbeing import check_text, next_answer, worth_sending

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
TRAINING = InductionStep.BOUNDARIES_TRAINING


@pytest.mark.parametrize(("title", "taken", "key"), [
    ("Ground rules", [], "ground-rules"),
    ("Ground rules!", ["ground-rules"], "ground-rules-2"),
    ("Ground rules", ["ground-rules", "ground-rules-2"], "ground-rules-3"),
    ("★★★", [], "policy"),
])
def test_a_key_is_picked_from_the_title(title: str, taken: list[str], key: str) -> None:
    assert policy_key(title, taken) == key


@pytest.mark.parametrize(("title", "after_our"), [
    ("Boundaries policy", "boundaries policy"),
    ("SENDHELP boundaries policy", "SENDHELP boundaries policy"),
    ("A", "A"),
])
def test_a_title_reads_after_our(title: str, after_our: str) -> None:
    assert our_title(title) == after_our


@pytest.mark.parametrize(("draft", "field"), [
    (PolicyDraft(title=""), "title"),
    (PolicyDraft(title="Rules"), "link"),
    (PolicyDraft(title="Rules", link="www.example.org"), "link"),
    (PolicyDraft(title="Rules", link="https://example.org/a b"), "link"),
    (PolicyDraft(title="Rules", summary="x" * 2001), "summary"),
    (PolicyDraft(title="", link="https://example.org", version_of="gone"), "version_of"),
])
def test_a_policy_that_cannot_be_published_says_what_to_fix(draft: PolicyDraft,
                                                            field: str) -> None:
    with pytest.raises(InvalidPolicy) as refused:
        check_policy(draft, ["rules"])
    assert field in refused.value.errors


def test_a_new_version_may_keep_its_title() -> None:
    draft = check_policy(PolicyDraft(title=" ", link="https://example.org", version_of="rules"),
                         ["rules"])
    assert (draft.title, draft.version_of) == ("", "rules")


def test_a_text_is_the_title_and_link_or_where_to_get_it() -> None:
    assert policy_text("Ground rules", "https://example.org/r", 1) == (
        "Reply YES to say you've read our ground rules: https://example.org/r")
    assert policy_text("Ground rules", "https://example.org/r", 2).startswith(
        "Reply YES to say you've read the new version of our ground rules")
    assert "text back and we'll send you one" in policy_text("Ground rules", "", 1)
    long = policy_text("A very long title " * 10, "https://example.org/" + "x" * 150, 1)
    assert long.endswith("x" * 150) and len(long) <= 240


@pytest.mark.parametrize(("done", "agreed", "missing"), [
    ({TRAINING}, {7}, None),
    (set(), {7}, InductionNeeded((TRAINING,), ())),
    ({TRAINING}, set(), InductionNeeded((), ("Boundaries policy",))),
])
def test_what_a_facilitator_still_needs(done: set[InductionStep], agreed: set[int],
                                        missing: InductionNeeded | None) -> None:
    assert still_needed([TRAINING], done, [(7, "Boundaries policy")], agreed) == missing


@pytest.mark.parametrize(("needed", "words"), [
    (InductionNeeded((TRAINING,), ("Boundaries policy",), ("Ada Brightwater",)),
     "we ask everyone to do the professional boundaries training and agree to our boundaries "
     "policy. Ada Brightwater can help you with both."),
    (InductionNeeded((TRAINING,), (), ("Ada Brightwater", "Gus Lane")),
     "we ask everyone to do the professional boundaries training. Ada Brightwater or Gus Lane "
     "can help you with it."),
    (InductionNeeded((TRAINING, InductionStep.SHADOWED_A_SESSION), ("Ground rules",)),
     "do the professional boundaries training, shadow a session alongside an experienced "
     "facilitator and agree to our ground rules. A coordinator can help you with all of it."),
])
def test_what_is_missing_is_said_kindly_and_exactly(needed: InductionNeeded, words: str) -> None:
    said = induction_words(needed)
    assert said.startswith("Before your first session as a facilitator, ")
    assert words in said


@pytest.mark.parametrize(("stage", "due", "starts", "worth"), [
    (CheckStage.END, NOW - timedelta(minutes=1), None, True),
    (CheckStage.END, NOW + timedelta(minutes=1), None, False),
    (CheckStage.FOLLOW_UP, NOW - timedelta(days=4), None, False),   # too late to send
    (CheckStage.BEFORE, NOW, NOW + timedelta(hours=1), True),
    (CheckStage.BEFORE, NOW, NOW - timedelta(hours=1), False),      # the work has begun
])
def test_when_a_check_is_worth_sending(stage: CheckStage, due: datetime,
                                       starts: datetime | None, worth: bool) -> None:
    assert worth_sending(stage, due, NOW, starts) is worth


@pytest.mark.parametrize(("current", "given", "becomes"), [
    (None, Wellbeing.OK, Wellbeing.OK),
    (None, Wellbeing.SKIPPED, Wellbeing.SKIPPED),
    (Wellbeing.OK, Wellbeing.MIXED, None),
    (Wellbeing.SKIPPED, Wellbeing.SUPPORT, Wellbeing.SUPPORT),   # never too late to ask
    (Wellbeing.SUPPORT, Wellbeing.SUPPORT, None),
    (Wellbeing.SUPPORT, Wellbeing.OK, None),
])
def test_what_an_answer_changes(current: Wellbeing | None, given: Wellbeing,
                                becomes: Wellbeing | None) -> None:
    assert next_answer(current, given) is becomes


@pytest.mark.parametrize(("body", "number"), [
    ("3", 3), (" 1. ", 1), ("3 please call me", 3), ("2 thanks", 2),
    ("yes 3", None), ("I'm 2 minutes late", None), ("12", None), ("ok", None),
])
def test_a_reply_answers_by_number_only_when_it_starts_with_one(body: str,
                                                                number: int | None) -> None:
    assert chosen_number(body) == number


def test_a_check_by_text_names_the_kind_of_work_never_its_title() -> None:
    assert check_text(CheckStage.FOLLOW_UP, OpportunityKind.SPEAKING).startswith(
        "How have you been since your talk? Reply 1 OK")
