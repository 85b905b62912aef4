"""Feedback rules: checking a form, routing it, case codes, and when anonymous cases go out."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.rules.feedback_words import FeedbackKind, FeedbackRoute, FeedbackTopic, MeetingStatus
from bot.rules.forms import NeedsChanges
from bot.rules.lifecycle import RequestStatus, request_step

MAX_TEXT = 3000
# No 0/O, 1/I/L or U: a code read out over the phone or copied by hand still works.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_GROUPS = 3
CODE_GROUP_LENGTH = 4
CODE_SHAPE = re.compile(r"^[A-Z0-9]{4}-?[A-Z0-9]{4}-?[A-Z0-9]{4}$")
ANONYMOUS_ROUND = timedelta(minutes=15)


@dataclass(frozen=True)
class FeedbackForm:
    """What the person chose and typed, as plain values."""

    kind: FeedbackKind | None
    topic: FeedbackTopic | None
    text: str
    anonymous: bool | None
    about_slack_id: str | None = None
    wants_meeting: bool = False
    wants_acknowledgement: bool = False
    testimony_consent: bool = False


class Field:
    KIND = "kind"
    TOPIC = "topic"
    TEXT = "text"
    IDENTITY = "identity"
    NAMED_OPTIONS = "named_options"
    ABOUT = "about"


def fit_in_box(text: str, limit: int = MAX_TEXT) -> tuple[str, str]:
    """Words typed after /feedback split into what fits the form's box and what doesn't, cut
    at a space near the limit where there is one, so no word is broken in two."""
    if len(text) <= limit:
        return text, ""
    kept = text[:limit]
    if not text[limit].isspace():
        space = max(kept.rfind(" "), kept.rfind("\n"))
        if space > max(0, limit - 200):
            kept = kept[:space]
    return kept.rstrip(), text[len(kept):].strip()


@dataclass(frozen=True)
class FeedbackErrors:
    """What each thing that needs changing is told, in one reading style."""

    kind: str
    topic: str
    empty: str
    over: str  # with {over} and {limit}
    identity: str
    needs_a_name: str
    about_yourself: str


STANDARD_ERRORS = FeedbackErrors(
    kind="Please choose what kind of feedback this is.",
    topic="Please choose what it is about.",
    empty="Please write a few words - this can't be empty.",
    over="This is {over} characters over the {limit} limit. Could you shorten it a little?",
    identity="Please choose whether to send it anonymously or with your name.",
    needs_a_name="A meeting or a note that we received it needs your name, so we know who to "
                 "contact. You can send it with your name, or untick those and stay anonymous "
                 "- your case code will still let you read our replies.",
    about_yourself="That's you. Choose the person it's about, or leave this empty.",
)

EASY_READ_ERRORS = FeedbackErrors(
    kind="Please choose what you want to tell us.",
    topic="Please choose what it is about.",
    empty="Please write something here.",
    over="This is too long. Please make it a little shorter.",
    identity="Please choose if you want to give your name.",
    needs_a_name="To meet you or send you a message, we need your name. Choose to give your "
                 "name. Or untick those boxes.",
    about_yourself="You chose yourself. Please choose the other person. Or leave this empty.",
)


def check_feedback(form: FeedbackForm, words: FeedbackErrors = STANDARD_ERRORS, *,
                   submitter: str | None = None) -> dict[str, str]:
    """Field -> a kind sentence, for each thing that needs changing. Empty means all is well.
    `submitter`: who is sending it, never kept. Feedback about themselves is refused: besides
    making no sense, for an anonymous case it would keep their id as the person it is about."""
    errors: dict[str, str] = {}
    if submitter is not None and form.about_slack_id == submitter:
        errors[Field.ABOUT] = words.about_yourself
    if form.kind is None:
        errors[Field.KIND] = words.kind
    if form.topic is None:
        errors[Field.TOPIC] = words.topic
    if not form.text.strip():
        errors[Field.TEXT] = words.empty
    elif len(form.text) > MAX_TEXT:
        errors[Field.TEXT] = words.over.format(over=len(form.text) - MAX_TEXT, limit=MAX_TEXT)
    if form.anonymous is None:
        errors[Field.IDENTITY] = words.identity
    elif form.anonymous and (form.wants_meeting or form.wants_acknowledgement):
        errors[Field.IDENTITY] = words.needs_a_name
    return errors


class InvalidFeedback(NeedsChanges):
    """Feedback that needs changes before it can be sent."""


@dataclass(frozen=True)
class ValidFeedback:
    """A form that passed every check: what it is, what about, and whether anonymous."""

    kind: FeedbackKind
    topic: FeedbackTopic
    text: str
    anonymous: bool
    about_slack_id: str | None
    wants_meeting: bool
    wants_acknowledgement: bool
    testimony_consent: bool


def validate_feedback(form: FeedbackForm, submitter: str | None = None,
                      words: FeedbackErrors = STANDARD_ERRORS) -> ValidFeedback:
    """The form as feedback that can be sent, or InvalidFeedback saying what to fix, in
    `words` (the form's reading style)."""
    errors = check_feedback(form, words, submitter=submitter)
    kind, topic, anonymous = form.kind, form.topic, form.anonymous
    # A missing kind, topic or choice of name is always among the errors; naming them again
    # lets the checker see that they are all there.
    if errors or kind is None or topic is None or anonymous is None:
        raise InvalidFeedback(errors)
    return ValidFeedback(
        kind=kind, topic=topic, text=form.text, anonymous=anonymous,
        about_slack_id=form.about_slack_id, wants_meeting=form.wants_meeting,
        wants_acknowledgement=form.wants_acknowledgement,
        testimony_consent=form.testimony_consent)


def route_feedback(
    kind: FeedbackKind, topic: FeedbackTopic, about_is_team_member: bool
) -> FeedbackRoute:
    """About a team member, or between people when a team member is involved: the HR officer.
    Everything else: the coordinators."""
    if topic is FeedbackTopic.TEAM_MEMBER:
        return FeedbackRoute.HR
    if kind is FeedbackKind.BETWEEN_PEOPLE and about_is_team_member:
        return FeedbackRoute.HR
    return FeedbackRoute.COORDINATORS


def choose_recipients(
    route: FeedbackRoute,
    *,
    hr_officers: Sequence[str],
    coordinators: Sequence[str],
    trustees: Sequence[str],
    about_slack_id: str | None,
) -> tuple[list[str], bool]:
    """Slack ids to tell, and whether we fell back past the usual people. Nobody ever receives
    feedback about themselves: they are left out, and the next group steps in if none remain."""
    order = ([hr_officers, trustees, coordinators] if route is FeedbackRoute.HR
             else [coordinators, trustees, hr_officers])
    for step, group in enumerate(order):
        chosen = sorted({s for s in group if s and s != about_slack_id})
        if chosen:
            return chosen, step > 0
    return [], True


def new_case_code() -> str:
    groups = [
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
        for _ in range(CODE_GROUPS)
    ]
    return "-".join(groups)


def normalise_code(text: str) -> str | None:
    """The code as typed (any case, with or without dashes or spaces), or None if it can't be
    one."""
    cleaned = text.strip().upper().replace(" ", "")
    if not CODE_SHAPE.match(cleaned):
        return None
    compact = cleaned.replace("-", "")
    return "-".join(compact[i:i + CODE_GROUP_LENGTH]
                    for i in range(0, len(compact), CODE_GROUP_LENGTH))


def hash_case_code(code: str) -> str:
    return hashlib.sha256(f"coprod-case:{code}".encode()).hexdigest()


def anonymous_release_time(now: datetime, round_length: timedelta = ANONYMOUS_ROUND) -> datetime:
    """The next round boundary: anonymous cases reach the team in batches, so the moment a
    notification arrives does not point at whoever was typing a minute before."""
    seconds = round_length.total_seconds()
    epoch = now.timestamp()
    boundary = (int(epoch // seconds) + 1) * seconds
    return datetime.fromtimestamp(boundary, tz=now.tzinfo)


def meeting_step(current: MeetingStatus, to: MeetingStatus) -> MeetingStatus | None:
    """A confidential meeting follows the request workflow (requested -> acknowledged ->
    arranged or declined): its next status, or None when the step changes nothing. A meeting
    nobody asked for has no steps."""
    if MeetingStatus.NOT_ASKED in (current, to):
        return None
    step = request_step(RequestStatus(current.value), RequestStatus(to.value))
    return None if step is None else MeetingStatus(step.value)
